package io.lookout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.bench.internal.ApiClient;
import io.lookout.bench.internal.Latencies;
import io.lookout.bench.internal.MetricsSummary;
import io.lookout.bench.internal.OtlpSender;
import io.lookout.bench.internal.ProcCpu;
import io.lookout.bench.internal.ThreadCpu;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * from {@code /proc} when {@code --server-pid} is given (split per thread group, JIT compiler
 * threads apart, see {@link ThreadCpu}), checks that every sample is queryable,
 * then times three range queries over the last hour at a 15 s step. Works against any server with
 * the Prometheus API under {@code --prom}: Lookout ({@code http://host:8080/prometheus}) or
 * Prometheus itself ({@code http://host:9090}). With {@code --warmup-samples N} it first sends N
 * samples per series of other series ({@link NodeSeries#WARMUP_PREFIX}), older than anything the
 * measured run sends or reads, and waits for the server to settle, so that a fresh JVM's JIT
 * compilation is not measured; the warm-up is logged and counted nowhere else.
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
  /** The longest range-vector window of the measured queries, in seconds. */
  static final long MAX_WINDOW_SECONDS = 300;
  /**
   * Between the warm-up's last sample and the oldest one the measured run sends or reads. Small
   * enough that 1 h of warm-up, the gap and 1 h measured stay under the 3 h a Prometheus 2.x head
   * spans before it compacts a block (which would add a compaction to its measured window).
   */
  static final Duration WARMUP_GAP = Duration.ofMinutes(10);

  private MetricsLoad() {}

  /** Runs the whole metrics benchmark; progress goes to {@code log}. */
  public static MetricsSummary run(BenchArgs a, PrintStream log) throws IOException, InterruptedException {
    NodeSeries series = new NodeSeries(a.series());
    int connections = Math.min(a.connections(), series.hosts());
    // one client (one kept-alive connection) per shard, the same for the warm-up and the measured
    // run: new connections would hit paths the warmed-up server code never saw
    List<HttpClient> clients = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      clients.add(OtlpSender.client());
    }
    try {
      return run(a, series, clients, log);
    } finally {
      clients.forEach(HttpClient::close);
    }
  }

  private static MetricsSummary run(BenchArgs a, NodeSeries series, List<HttpClient> clients, PrintStream log)
      throws IOException, InterruptedException {
    int connections = clients.size();
    long warmupAcked = a.warmupSamples() > 0 ? warmUp(a, clients, System.currentTimeMillis() / 1000 * 1000, log) : 0;
    // after any warm-up: later than the end the warm-up's times were planned from, so still disjoint
    long endMillis = System.currentTimeMillis() / 1000 * 1000;
    long firstMillis = endMillis - (a.samples() - 1L) * 1000;
    long total = (long) series.size() * a.samples();
    log.printf(Locale.ROOT, "sending %,d series x %,d samples (%,d samples, %d hosts, seed %d) to %s in %,d"
        + " requests of up to %,d samples over %d connections, each owning whole hosts%n", series.size(),
        a.samples(), total, series.hosts(), a.seed(), MetricsShard.endpoint(a),
        requests(series, a, a.seed(), a.samples(), connections), a.batch(), connections);

    ThreadCpu.Snapshot cpu0 = a.serverPid() > 0 ? ThreadCpu.snapshot(a.serverPid()) : null;
    Sent sent = send(series, a, a.seed(), a.samples(), firstMillis, clients, log);
    long acked = sent.samples();
    log.printf(Locale.ROOT, "acknowledged %,d samples (%.1f MB payload) in %.1f s (%,.0f samples/s), %d retries;"
        + " building requests took %.1f s of sender-thread time%n", acked, sent.payloadBytes() / 1e6,
        sent.result().seconds(), acked / sent.result().seconds(), sent.result().retries(),
        sent.result().generateNanos() / 1e9);
    log.println("samples=" + acked);
    // what the server's data dir holds, for bytes on disk per sample (bench/run.sh reads it)
    log.println("stored_samples=" + (acked + warmupAcked));
    double cpu = Double.NaN;
    double jit = Double.NaN;
    if (cpu0 != null) {
      double atAck = ProcCpu.seconds(a.serverPid()) - cpu0.processSeconds();
      ThreadCpu.Split split = ThreadCpu.between(cpu0, settled(a.serverPid()));
      cpu = split.total();
      jit = split.jit();
      log.printf(Locale.ROOT, "server CPU: %.1f s at the last acknowledgement, %.1f s once idle again"
          + " (%,.0f samples per CPU-s; %,.0f per CPU-s outside the JIT compiler threads)%n", atAck, cpu,
          acked / cpu, acked / split.withoutJit());
      log.println("server CPU by thread, first request until idle again: " + split.describe());
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
      return new MetricsSummary(name, series.size(), acked, sent.result().seconds(), cpu, jit,
          sent.result().retries(), sumRate, byInstance, quantile);
    }
  }

  /**
   * The last warm-up timestamp: {@link #WARMUP_GAP} before the oldest sample that the measured run
   * sends ({@code firstMillis}) or that its queries read (the 1 h range ending at {@code endMillis}
   * with windows up to 5 m before its first step).
   */
  static long warmupLastMillis(long firstMillis, long endMillis) {
    long oldestQueried = endMillis - (RANGE_SECONDS + MAX_WINDOW_SECONDS) * 1000;
    return Math.min(firstMillis, oldestQueried) - WARMUP_GAP.toMillis();
  }

  /** The warm-up's first timestamp, for a measured run planned to end at {@code plannedEndMillis}. */
  static long warmupFirstMillis(BenchArgs a, long plannedEndMillis) {
    long last = warmupLastMillis(plannedEndMillis - (a.samples() - 1L) * 1000, plannedEndMillis);
    return last - (a.warmupSamples() - 1L) * 1000;
  }

  /** The warm-up's values: another seed than the measured series'. */
  static long warmupSeed(BenchArgs a) {
    return ~a.seed();
  }

  /**
   * Sends {@code --warmup-samples} per series of the {@link NodeSeries#WARMUP_PREFIX} series, ending
   * before anything the measured run touches, waits for every acknowledgement and for the server's
   * CPU to settle; logs what it did and what it cost, and counts it nowhere else.
   *
   * @return the samples acknowledged
   */
  private static long warmUp(BenchArgs a, List<HttpClient> clients, long plannedEndMillis, PrintStream log)
      throws InterruptedException {
    int connections = clients.size();
    NodeSeries warm = new NodeSeries(a.series(), NodeSeries.WARMUP_PREFIX);
    long first = warmupFirstMillis(a, plannedEndMillis);
    long last = first + (a.warmupSamples() - 1L) * 1000;
    long measuredFirst = plannedEndMillis - (a.samples() - 1L) * 1000;
    log.printf(Locale.ROOT, "warm-up (not counted in the result): %,d other series (instances %s..%s) x %,d samples"
        + " from %s to %s, %d min before the first measured sample, in %,d requests over %d connections%n",
        warm.size(), warm.instanceOf(0), warm.instanceOf(warm.hosts() - 1), a.warmupSamples(),
        Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), (measuredFirst - last) / 60_000,
        requests(warm, a, warmupSeed(a), a.warmupSamples(), connections), connections);
    ThreadCpu.Snapshot cpu0 = a.serverPid() > 0 ? ThreadCpu.snapshot(a.serverPid()) : null;
    Sent sent = send(warm, a, warmupSeed(a), a.warmupSamples(), first, clients, log);
    log.printf(Locale.ROOT, "warm-up: acknowledged %,d samples in %.1f s, %d retries%n", sent.samples(),
        sent.result().seconds(), sent.result().retries());
    if (cpu0 != null) {
      ThreadCpu.Split split = ThreadCpu.between(cpu0, settled(a.serverPid()));
      log.println("warm-up server CPU by thread, until idle again: " + split.describe());
    }
    log.println("warm-up done; measuring from here");
    return sent.samples();
  }

  /** What one send did: samples acknowledged, payload bytes, the sender's result. */
  private record Sent(long samples, long payloadBytes, OtlpSender.Result result) {}

  private static int requests(NodeSeries series, BenchArgs a, long seed, int samples, int connections) {
    int n = 0;
    for (int c = 0; c < connections; c++) {
      n += MetricsShard.of(series, a, seed, samples, c, connections, 0).requests();
    }
    return n;
  }

  /** Sends {@code samples} per series of {@code series} from {@code firstMillis} on, over the protocol of {@code a}. */
  private static Sent send(NodeSeries series, BenchArgs a, long seed, int samples, long firstMillis,
      List<HttpClient> clients, PrintStream log) throws InterruptedException {
    int connections = clients.size();
    AtomicLong acked = new AtomicLong();
    AtomicLong payload = new AtomicLong();
    OtlpSender.Result r = OtlpSender.sendSharded(clients, MetricsShard.endpoint(a),
        OtlpSender.with(MetricsShard.headers(a), a.headers()), c -> {
          MetricsShard shard = MetricsShard.of(series, a, seed, samples, c, connections, firstMillis);
          return () -> {
            byte[] p = shard.next();
            if (p != null) {
              acked.addAndGet(shard.lastSamples());
              payload.addAndGet(p.length);
            }
            return p;
          };
        }, requests(series, a, seed, samples, connections), a.waitLimit(), log);
    return new Sent(acked.get(), payload.get(), r);
  }

  /**
   * The server's threads once the process used less than {@link #IDLE_CPU_PER_SECOND} in a second
   * (or after 30 s).
   */
  private static ThreadCpu.Snapshot settled(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
    double last = ProcCpu.seconds(pid);
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      double now = ProcCpu.seconds(pid);
      if (now - last < IDLE_CPU_PER_SECOND) {
        break;
      }
      last = now;
    }
    return ThreadCpu.snapshot(pid);
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
