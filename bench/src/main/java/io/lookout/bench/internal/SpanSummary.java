package io.lookout.bench.internal;

import java.util.Locale;

/**
 * One traces-mode result, printable as a Markdown table row under {@link #HEADER}.
 *
 * @param name what was measured
 * @param spans spans ingested and searchable
 * @param traces traces they form
 * @param seconds wall time from the first request until every checked trace was complete
 * @param cores {@link Runtime#availableProcessors()} of the machine running the generator
 * @param diskBytes bytes in the data dir once searchable, server still running (WAL included; bench/run.sh
 *     measures again after shutdown), -1 when not measured
 * @param retries retried requests (429/503/connection errors)
 * @param byId latencies of {@code /api/v1/traces/{id}} over distinct known ids
 * @param byService latencies of the search by service
 * @param errors latencies of the search by service and {@code status=error}
 * @param slow latencies of the search by service and {@code min_duration}
 * @param attribute latencies of the search by service and an attribute
 */
public record SpanSummary(
    String name,
    long spans,
    long traces,
    double seconds,
    int cores,
    long diskBytes,
    long retries,
    Latencies byId,
    Latencies byService,
    Latencies errors,
    Latencies slow,
    Latencies attribute) implements ResultRow {

  public static final String HEADER =
      "| run | spans | traces | spans/s | spans/s per core | disk B/span live | retries | trace by id ms p50/p99"
          + " | service ms p50/p99 | + status=error | + min_duration=500ms | + http.status_code=500 |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|";

  @Override
  public String header() {
    return HEADER;
  }

  public double spansPerSecond() {
    return spans / seconds;
  }

  /** Spans per second divided by the processors of the machine (server and generator share them). */
  public double spansPerSecondPerCore() {
    return spansPerSecond() / cores;
  }

  /** Bytes on disk per span, NaN when not measured. */
  public double diskPerSpan() {
    return diskBytes < 0 ? Double.NaN : (double) diskBytes / spans;
  }

  @Override
  public String row() {
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,d | %,.0f | %,.0f (%d cores) | %s | %d | %s | %s | %s | %s | %s |",
        name, spans, traces, spansPerSecond(), spansPerSecondPerCore(), cores,
        diskBytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", diskPerSpan()), retries,
        byId.cell99(), byService.cell99(), errors.cell99(), slow.cell99(), attribute.cell99());
  }
}
