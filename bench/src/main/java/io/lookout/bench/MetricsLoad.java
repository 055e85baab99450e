package io.lookout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.bench.internal.ApiClient;
import io.lookout.bench.internal.Latencies;
import io.lookout.bench.internal.MetricsSummary;
import io.lookout.bench.internal.OtlpSender;
import io.lookout.bench.internal.ProcCpu;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics mode of the load generator ({@code --signal metrics}): sends {@link NodeSeries}
 * over Prometheus remote_write 1.0 (or, with {@code --protocol otlp}, as OTLP/HTTP protobuf to
 * {@code --otlp URL/v1/metrics}, shaped as {@link OtlpMetricsShard} says), one sample per series
 * per second over the last {@code --samples} seconds, each connection owning whole hosts and sending them in time order (requests
 * of many series with a few samples each, as Prometheus sends); measures the server's CPU seconds
 * from {@code /proc} when {@code --server-pid} is given, checks that every sample is queryable,
 * then times three range queries over the last hour at a 15 s step. Works against any server with
 * the Prometheus API under {@code --prom}: Lookout ({@code http://host:8080/prometheus}) or
 * Prometheus itself ({@code http://host:9090}).
 */
public final class MetricsLoad {
  public static final String SUM_RATE = "sum(rate(" + NodeSeries.CPU + "[1m]))";
  public static final String BY_INSTANCE = "sum by (instance)(rate(" + NodeSeries.CPU + "[5m]))";
  public static final String QUANTILE =
      "histogram_quantile(0.99, sum by (le)(rate(" + NodeSeries.HISTOGRAM + "_bucket[5m])))";
  static final long RANGE_SECONDS = 3600;
  static final int STEP_SECONDS = 15;
  private static final Duration VISIBLE_LIMIT = Duration.ofSeconds(60);
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);
  private static final double IDLE_CPU_PER_SECOND = 0.05;

  private MetricsLoad() {}

  /** Runs the whole metrics benchmark; progress goes to {@code log}. */
  public static MetricsSummary run(BenchArgs a, PrintStream log) throws IOException, InterruptedException {
    NodeSeries series = new NodeSeries(a.series());
    long endMillis = System.currentTimeMillis() / 1000 * 1000;
    long firstMillis = endMillis - (a.samples() - 1L) * 1000;
    int connections = Math.min(a.connections(), series.hosts());
    int expected = 0;
    for (int c = 0; c < connections; c++) {
      expected += MetricsShard.of(series, a, c, connections, firstMillis).requests();
    }
    long total = (long) series.size() * a.samples();
    URI write = MetricsShard.endpoint(a);
    log.printf(Locale.ROOT, "sending %,d series x %,d samples (%,d samples, %d hosts, seed %d) to %s in %,d"
        + " requests of up to %,d samples over %d connections, each owning whole hosts%n", series.size(),
        a.samples(), total, series.hosts(), a.seed(), write, expected, a.batch(), connections);

    double cpu0 = a.serverPid() > 0 ? ProcCpu.seconds(a.serverPid()) : Double.NaN;
    AtomicLong samples = new AtomicLong();
    AtomicLong payload = new AtomicLong();
    OtlpSender.Result sent = OtlpSender.sendSharded(write, OtlpSender.with(MetricsShard.headers(a), a.headers()), connections, c -> {
      MetricsShard shard = MetricsShard.of(series, a, c, connections, firstMillis);
      return () -> {
        byte[] p = shard.next();
        if (p != null) {
          samples.addAndGet(shard.lastSamples());
          payload.addAndGet(p.length);
        }
        return p;
      };
    }, expected, a.waitLimit(), log);
    long acked = samples.get();
    log.printf(Locale.ROOT, "acknowledged %,d samples (%.1f MB payload) in %.1f s (%,.0f samples/s), %d retries;"
        + " building requests took %.1f s of sender-thread time%n", acked, payload.get() / 1e6, sent.seconds(),
        acked / sent.seconds(), sent.retries(), sent.generateNanos() / 1e9);
    log.println("samples=" + acked);
    double cpu = Double.NaN;
    if (a.serverPid() > 0) {
      double atAck = ProcCpu.seconds(a.serverPid()) - cpu0;
      cpu = settledCpu(a.serverPid()) - cpu0;
      log.printf(Locale.ROOT, "server CPU: %.1f s at the last acknowledgement, %.1f s once idle again"
          + " (%,.0f samples per CPU-s)%n", atAck, cpu, acked / cpu);
    }

    try (ApiClient api = new ApiClient(a.prom(), a.headers())) {
      awaitVisible(api, series, endMillis, a.samples(), total, log);
      String end = ApiClient.time(endMillis * 1_000_000L);
      String start = ApiClient.time((endMillis - RANGE_SECONDS * 1000) * 1_000_000L);
      Latencies sumRate = range(api, a.queryRuns(), SUM_RATE, start, end, log);
      Latencies byInstance = range(api, a.queryRuns(), BY_INSTANCE, start, end, log);
      Latencies quantile = range(api, a.queryRuns(), QUANTILE, start, end, log);
      String name = a.name() != null ? a.name()
          : a.protocol() == MetricsProtocol.OTLP ? "otlp to " + a.otlp() : "remote_write to " + a.prom();
      return new MetricsSummary(name, series.size(), acked, sent.seconds(), cpu, sent.retries(), sumRate,
          byInstance, quantile);
    }
  }

  /** Process CPU seconds once it used less than {@link #IDLE_CPU_PER_SECOND} in a second (or after 30 s). */
  private static double settledCpu(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
    double last = ProcCpu.seconds(pid);
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      double now = ProcCpu.seconds(pid);
      if (now - last < IDLE_CPU_PER_SECOND) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /**
   * Polls {@code sum(count_over_time(name[window]))} per metric name (the function drops the name,
   * so one selector over every name would collide) until the counts add up to {@code total}; warns
   * after 60 s.
   */
  private static void awaitVisible(ApiClient api, NodeSeries series, long endMillis, int samples, long total,
      PrintStream log) throws InterruptedException {
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < series.size(); i++) {
      names.add(series.labels(i).get("__name__"));
    }
    String time = ApiClient.time(endMillis * 1_000_000L);
    long t0 = System.nanoTime();
    long deadline = t0 + VISIBLE_LIMIT.toNanos();
    long seen = -1;
    String error = null;
    while (System.nanoTime() < deadline) {
      try {
        seen = 0;
        for (String name : names) {
          String query = "sum(count_over_time(" + name + "[" + samples + "s]))";
          JsonNode r = api.get("/api/v1/query", "query", query, "time", time).path("data").path("result");
          seen += r.isEmpty() ? 0 : Math.round(Double.parseDouble(r.get(0).path("value").get(1).asText()));
        }
        if (seen >= total) {
          break;
        }
      } catch (IOException e) {
        error = e.getMessage();
      }
      Thread.sleep(250);
    }
    if (seen == total) {
      log.printf(Locale.ROOT, "all %,d samples queryable (counted in %.1f s)%n", total, (System.nanoTime() - t0) / 1e9);
    } else {
      log.printf(Locale.ROOT, "warning: count_over_time over %d metric names counts %,d samples, %,d sent%s%n",
          names.size(), seen, total, error == null ? "" : " (last error: " + error + ")");
    }
  }

  private static Latencies range(ApiClient api, int runs, String query, String start, String end, PrintStream log)
      throws IOException, InterruptedException {
    String[] params = {"query", query, "start", start, "end", end, "step", Integer.toString(STEP_SECONDS)};
    JsonNode result = api.get("/api/v1/query_range", params).path("data").path("result");
    int points = result.isEmpty() ? 0 : result.get(0).path("values").size();
    String last = points == 0 ? "none" : result.get(0).path("values").get(points - 1).get(1).asText();
    log.printf(Locale.ROOT, "%s: %d series, %d points in the first, its last value %s%n", query, result.size(),
        points, last);
    if (result.isEmpty()) {
      log.println("warning: " + query + " returned no series");
    }
    return Latencies.measure(runs, () -> api.get("/api/v1/query_range", params));
  }
}
