package io.lookout.bench.internal;

import java.util.Locale;

/**
 * One metrics-mode result, printable as a Markdown table row under {@link #HEADER}.
 *
 * @param name what was measured
 * @param series series sent
 * @param samples samples acknowledged
 * @param seconds wall time from the first request until the last acknowledgement
 * @param cpuSeconds server CPU seconds (user + system) over the ingestion, NaN when not measured
 * @param jitSeconds the part of {@code cpuSeconds} spent in the JVM's JIT compiler threads (0 for a
 *     server that has none, such as Prometheus), NaN when not measured
 * @param retries retried requests (429/503/connection errors)
 * @param sumRate latencies of {@code sum(rate(cpu[1m]))} over 1 h, step 15 s
 * @param byInstance latencies of {@code sum by (instance)(rate(cpu[5m]))} over 1 h, step 15 s
 * @param quantile latencies of {@code histogram_quantile(0.99, sum by (le)(rate(h_bucket[5m])))} over
 *     1 h, step 15 s
 */
public record MetricsSummary(
    String name,
    int series,
    long samples,
    double seconds,
    double cpuSeconds,
    double jitSeconds,
    long retries,
    Latencies sumRate,
    Latencies byInstance,
    Latencies quantile) implements ResultRow {

  /** The bytes-per-sample cell, filled by bench/run.sh once the server has stopped. */
  public static final String DISK_PENDING = "(after stop)";
  public static final String HEADER =
      "| run | series | samples | samples/s | server CPU-s | samples per server CPU-s"
          + " | … excluding JIT compiler threads | bytes on disk / sample | retries | `sum(rate(x[1m]))` ms p50/p90"
          + " | `sum by (instance)(rate(x[5m]))` | `histogram_quantile(0.99, …)` |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|";

  @Override
  public String header() {
    return HEADER;
  }

  public double samplesPerSecond() {
    return samples / seconds;
  }

  /** Samples per server CPU second, NaN when not measured. */
  public double samplesPerCpuSecond() {
    return samples / cpuSeconds;
  }

  /** Samples per server CPU second not spent in JIT compiler threads, NaN when not measured. */
  public double samplesPerNonJitCpuSecond() {
    return samples / (cpuSeconds - jitSeconds);
  }

  @Override
  public String row() {
    boolean cpu = !Double.isNaN(cpuSeconds);
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,d | %,.0f | %s | %s | %s | %s | %d | %s | %s | %s |",
        name, series, samples, samplesPerSecond(),
        cpu ? String.format(Locale.ROOT, "%.1f", cpuSeconds) : "n/a",
        cpu ? String.format(Locale.ROOT, "%,.0f", samplesPerCpuSecond()) : "n/a",
        cpu && !Double.isNaN(jitSeconds) ? String.format(Locale.ROOT, "%,.0f", samplesPerNonJitCpuSecond()) : "n/a",
        DISK_PENDING, retries, sumRate.cell(), byInstance.cell(), quantile.cell());
  }
}
