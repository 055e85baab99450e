package io.lookout.bench;

import io.lookout.alerting.AlertingConfig;
import io.lookout.alerting.AlertingService;
import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import io.lookout.storage.LuceneStorage;
import io.lookout.storage.StorageConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: the cost of evaluating 1,000 alerting rules through the real rule engine over the real
 * Lucene storage, in process. Loads 10 minutes of data (1,000 counter series at 15 s, 60,000 log
 * records and 30,000 spans of 20 services), then for each rule kind runs 1,000 rules of that kind
 * (100 groups of 10) and prints, per full evaluation round, the evaluating thread's CPU time, the
 * whole process's CPU time and the wall time (median and minimum of the rounds).
 *
 * <pre>
 * java -cp ... io.lookout.bench.RuleEvaluationMeasure DIR [--rounds 10]
 * </pre>
 */
public final class RuleEvaluationMeasure {
  private static final String TENANT = "default";
  private static final int SERVICES = 20;
  private static final int HOSTS = 5;
  private static final long WINDOW_MS = 600_000;

  private RuleEvaluationMeasure() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rounds = args.length > 2 && args[1].equals("--rounds") ? Integer.parseInt(args[2]) : 10;
    Files.createDirectories(dir);
    LuceneStorage storage = LuceneStorage.open(
        StorageConfig.fromEnv(Map.of(StorageConfig.DATA_DIR, dir.resolve("data").toString())), new PrometheusRegistry());
    long now = System.currentTimeMillis();
    long t0 = System.nanoTime();
    load(storage, now);
    System.err.printf(Locale.ROOT, "loaded and visible in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    Vertx vertx = Vertx.vertx();
    System.out.println("| 1,000 rules of kind | thread CPU ms / round p50 (min) | process CPU ms / round p50 | wall ms p50"
        + " | alerts sent / round |");
    System.out.println("|---|---|---|---|---|");
    for (String kind : List.of("promql", "logs", "logs group_by", "traces")) {
      measure(kind, dir, storage, vertx, rounds);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    storage.close();
  }

  private static void measure(String kind, Path dir, LuceneStorage storage, Vertx vertx, int rounds) throws Exception {
    Path rules = Files.createDirectories(dir.resolve("rules-" + kind.replace(' ', '-')));
    StringBuilder y = new StringBuilder("groups:\n");
    for (int g = 0; g < 100; g++) {
      y.append("  - name: g").append(g).append("\n    rules:\n");
      for (int r = 0; r < 10; r++) {
        int n = g * 10 + r;
        String svc = "svc" + (n % SERVICES);
        y.append("      - alert: A").append(n).append('\n').append(switch (kind) {
          case "promql" -> "        expr: sum by (job) (rate(http_requests_total{job=\"j" + n + "\"}[5m])) > 0.5\n";
          case "logs" -> "        logs: {query: 'service:" + svc + " AND severity:ERROR', window: 5m, threshold: "
              + (n % 2 == 0 ? 5 : 100000) + "}\n";
          case "logs group_by" -> "        logs: {query: 'service:" + svc + " AND severity:ERROR', window: 5m,"
              + " threshold: 5, group_by: [resource.host.name]}\n";
          default -> "        traces: {service: " + svc + ", signal: " + (n % 2 == 0 ? "error_rate" : "p99")
              + ", window: 5m, threshold: " + (n % 2 == 0 ? "\"5%\"" : "50ms") + "}\n";
        });
        y.append("        labels: {severity: page}\n        annotations: {summary: \"{{ $value }}\"}\n");
      }
    }
    Files.writeString(rules.resolve("rules.yml"), y);
    AlertingConfig config = new AlertingConfig(dir.resolve("alerting-" + kind.replace(' ', '-')), rules,
        Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1), "", Duration.ofSeconds(30), 1, 10_000);
    PrometheusRegistry registry = new PrometheusRegistry();
    AtomicLong sent = new AtomicLong();
    try (AlertingService service = new AlertingService(vertx, storage.logs(), storage.spans(), storage.metrics(),
        config, (t, alerts) -> sent.addAndGet(alerts.size()), c -> { }, registry, Clock.systemUTC())) {
      service.start(); // the scheduler evaluates every group once now, then hourly
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (evaluations(registry) < 1000) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the first evaluation round did not finish");
        }
        Thread.sleep(20);
      }
      service.evaluateAllNow(); // warm-up
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      double[] thread = new double[rounds];
      double[] process = new double[rounds];
      double[] wall = new double[rounds];
      sent.set(0);
      for (int i = 0; i < rounds; i++) {
        long c0 = mx.getCurrentThreadCpuTime();
        long p0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        service.evaluateAllNow();
        wall[i] = (System.nanoTime() - w0) / 1e6;
        thread[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
        process[i] = (os.getProcessCpuTime() - p0) / 1e6;
      }
      System.out.printf(Locale.ROOT, "| %s | %.0f (%.0f) | %.0f | %.0f | %d |%n", kind, median(thread), min(thread),
          median(process), median(wall), sent.get() / rounds);
    }
  }

  private static long evaluations(PrometheusRegistry registry) {
    long n = 0;
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals("lookout_alerting_rule_evaluations")) {
        for (var d : c.getDataPoints()) {
          n += (long) d.getValue();
        }
      }
    }
    return n;
  }

  /** 1,000 counters (even jobs rise 1/s, odd 0.2/s), 60,000 logs (10% errors), 30,000 spans (5% errors). */
  private static void load(LuceneStorage storage, long now) throws Exception {
    Random rnd = new Random(42);
    List<SeriesBatch.Series> series = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      List<Sample> samples = new ArrayList<>();
      for (int j = 0; j <= 40; j++) {
        samples.add(new Sample(now - WINDOW_MS + j * 15_000L, j * (i % 2 == 0 ? 15.0 : 3.0)));
      }
      series.add(SeriesBatch.Series.ofSamples(Labels.of("__name__", "http_requests_total", "job", "j" + i), samples));
    }
    storage.metrics().append(TENANT, new SeriesBatch(series, List.of())).get(60, TimeUnit.SECONDS);
    long nowNanos = now * 1_000_000L;
    for (int b = 0; b < 60; b++) {
      List<LogRecord> logs = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        long ts = nowNanos - (long) (rnd.nextDouble() * WINDOW_MS * 1_000_000L);
        boolean error = rnd.nextInt(10) == 0;
        String svc = "svc" + rnd.nextInt(SERVICES);
        logs.add(new LogRecord(ts, ts, error ? 17 : 9, error ? "ERROR" : "INFO",
            (error ? "payment failed for order " : "request served for order ") + rnd.nextInt(1_000_000), svc, "", "",
            Map.of("http.route", "/api/" + rnd.nextInt(20)),
            Map.of("service.name", svc, "host.name", svc + "-host-" + rnd.nextInt(HOSTS)), "bench"));
      }
      storage.logs().append(TENANT, logs).get(60, TimeUnit.SECONDS);
    }
    HexFormat hex = HexFormat.of();
    for (int b = 0; b < 30; b++) {
      List<Span> spans = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        long start = nowNanos - (long) (rnd.nextDouble() * WINDOW_MS * 1_000_000L);
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        rnd.nextBytes(trace);
        rnd.nextBytes(span);
        String svc = "svc" + rnd.nextInt(SERVICES);
        spans.add(new Span(hex.formatHex(trace), hex.formatHex(span), "", "", "op" + rnd.nextInt(5), 2, start,
            start + 1_000_000L + (long) (rnd.nextDouble() * 100_000_000L), rnd.nextInt(20) == 0 ? 2 : 1, "", svc,
            Map.of(), Map.of("service.name", svc), "bench", List.of(), List.of()));
      }
      storage.spans().append(TENANT, spans).get(60, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    long startNanos = nowNanos - WINDOW_MS * 1_000_000L - 1;
    while (true) {
      Histogram h = storage.logs().histogram(new LogQuery(TENANT, "*", startNanos, nowNanos + 1, 0, Direction.BACKWARD,
          null, 30_000), nowNanos + 2);
      long logs = h.buckets().stream().mapToLong(Histogram.Bucket::count).sum();
      long spans = 0;
      for (int s = 0; s < SERVICES; s++) {
        for (RedPoint p : storage.spans().red(new RedQuery(TENANT, "svc" + s, null, startNanos, nowNanos + 1,
            nowNanos + 2, 30_000))) {
          spans += p.requests();
        }
      }
      if (logs == 60_000 && spans == 30_000) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + logs + " logs and " + spans + " spans visible after 2 minutes");
      }
      Thread.sleep(100);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }
}
