package io.lookout.alerting.internal;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.metrics.SeriesSamples;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.model.spi.MetricStore;
import io.lookout.query.promql.eval.Engine;
import io.lookout.query.promql.eval.EngineOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Measures the CPU time of one full evaluation round of 1,000 PromQL alerting rules (100 groups of
 * 10) over an in-memory store of 1,000 counter series with 5 minutes of 15s samples; the store is
 * deliberately trivial so that the number is the rule engine's plus PromQL's cost. Run:
 * {@code java -cp <test classpath> io.lookout.alerting.internal.RuleEvaluationCost [rounds]}.
 */
public final class RuleEvaluationCost {
  private RuleEvaluationCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    MemStore store = new MemStore(1000, now.toEpochMilli());
    Path dir = Files.createTempDirectory("rule-cost-");
    Path rules = Files.createDirectories(dir.resolve("rules"));
    StringBuilder y = new StringBuilder("groups:\n");
    for (int g = 0; g < 100; g++) {
      y.append("  - name: g").append(g).append("\n    rules:\n");
      for (int r = 0; r < 10; r++) {
        int job = g * 10 + r;
        y.append("      - alert: HighRate").append(job).append("\n")
            .append("        expr: sum by (job) (rate(http_requests_total{job=\"j").append(job).append("\"}[5m])) > 0.5\n")
            .append("        for: 1m\n        labels: {severity: page}\n")
            .append("        annotations: {summary: \"{{ $labels.job }} at {{ humanize $value }}\"}\n");
      }
    }
    Files.writeString(rules.resolve("cost.yml"), y);
    Vertx vertx = Vertx.vertx();
    MutableClock clock = new MutableClock(now);
    StoreQuerier q = new StoreQuerier(new Engine(store, EngineOptions.defaults()), null, null, 30_000);
    long[] sent = new long[1];
    RuleEngine engine = new RuleEngine(new RuleEngine.Options(dir.resolve("data"), rules, Duration.ofSeconds(15),
        Duration.ZERO, Duration.ofSeconds(5), "", 30_000, 1, 10_000), q, store, (t, a) -> sent[0] += a.size(),
        c -> { }, vertx, new PrometheusRegistry(), clock);
    engine.start(false);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5; i++) { // warm-up
      engine.evaluateAllNow();
      clock.advance(Duration.ofSeconds(15));
    }
    long cpu0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < rounds; i++) {
      engine.evaluateAllNow();
      clock.advance(Duration.ofSeconds(15));
    }
    double ms = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / rounds;
    System.out.printf("1000 rules (100 groups x 10), %d rounds: %.1f ms CPU per full evaluation round"
        + " (%.1f us per rule); alerts sent per round: %d%n", rounds, ms, ms * 1000 / 1000, sent[0] / (rounds + 5));
    engine.close();
    vertx.close();
  }

  /** Counter series http_requests_total{job="jN"} with samples every 15s over the last 10 minutes. */
  static final class MemStore implements MetricStore {
    final List<SeriesSamples> series = new ArrayList<>();

    MemStore(int n, long nowMillis) {
      for (int i = 0; i < n; i++) {
        long[] ts = new long[41];
        double[] vs = new double[41];
        for (int j = 0; j < ts.length; j++) {
          ts[j] = nowMillis - 600_000 + j * 15_000L;
          vs[j] = j * (i % 2 == 0 ? 15 : 3); // even jobs: 1/s (fires), odd: 0.2/s
        }
        series.add(new SeriesSamples(Labels.of("__name__", "http_requests_total", "job", "j" + i), ts, vs, List.of()));
      }
    }

    @Override
    public List<SeriesSamples> select(String tenant, List<LabelMatcher> matchers, long min, long max, SelectLimits l) {
      List<SeriesSamples> out = new ArrayList<>();
      for (SeriesSamples s : series) {
        boolean ok = true;
        for (LabelMatcher m : matchers) {
          String v = s.labels().get(m.name());
          v = v == null ? "" : v;
          ok &= switch (m.type()) {
            case EQUAL -> v.equals(m.value());
            case NOT_EQUAL -> !v.equals(m.value());
            case REGEX -> Pattern.matches(m.value(), v);
            case NOT_REGEX -> !Pattern.matches(m.value(), v);
          };
        }
        if (ok) {
          int from = 0;
          while (from < s.size() && s.timestamps()[from] < min) {
            from++;
          }
          int to = from;
          while (to < s.size() && s.timestamps()[to] <= max) {
            to++;
          }
          out.add(new SeriesSamples(s.labels(), java.util.Arrays.copyOfRange(s.timestamps(), from, to),
              java.util.Arrays.copyOfRange(s.values(), from, to), List.of()));
        }
      }
      return out;
    }

    @Override
    public CompletableFuture<AppendResult> append(String tenant, SeriesBatch batch) {
      return CompletableFuture.completedFuture(AppendResult.all(batch.sampleCount()));
    }

    @Override
    public List<Labels> series(String t, List<List<LabelMatcher>> m, long s, long e, int limit) {
      return List.of();
    }

    @Override
    public List<String> labelNames(String t, List<List<LabelMatcher>> m, long s, long e, int limit) {
      return List.of();
    }

    @Override
    public List<String> labelValues(String t, String n, List<List<LabelMatcher>> m, long s, long e, int limit) {
      return List.of();
    }

    @Override
    public List<SeriesExemplars> exemplars(String t, List<List<LabelMatcher>> m, long s, long e, int limit) {
      return List.of();
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String t, String metric, int limit) {
      return Map.of();
    }

    @Override
    public CheckResult check() {
      return CheckResult.OK;
    }

    @Override
    public void close() {}
  }
}
