package io.lookout.bench;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesSamples;
import io.lookout.model.spi.MetricStore;
import io.lookout.query.internal.PromJson;
import io.lookout.query.promql.PromqlParser;
import io.lookout.query.promql.eval.Engine;
import io.lookout.query.promql.eval.EngineOptions;
import io.lookout.query.promql.eval.Matrix;
import io.lookout.query.promql.eval.QueryResult;
import io.lookout.storage.LuceneStorage;
import io.lookout.storage.StorageConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Not a test: the CPU time of PromQL range queries through the real {@link Engine} over the real
 * Lucene time-series store, in process (no HTTP). Appends the bench's node-exporter shaped series
 * ({@link NodeSeries}: 1,000 series x 3,600 samples, 1 s apart, the last hour), waits until every
 * sample is visible, then runs each query over the hour with step 15 s and prints the thread CPU
 * time per run (ThreadMXBean, so other load on the machine disturbs it little): the whole
 * {@code Engine.range}, the store's select alone (same matchers and window), and the JSON encoding.
 * It also prints a digest of every result (timestamps relative to the start, values bit for bit),
 * and with a digest file compares them with an earlier run: equal digests mean identical results.
 *
 * <pre>
 * java -cp ... io.lookout.bench.PromqlMeasure DIR [--runs 30] [--reopen] [--settle S] [--digests FILE] [--only N]
 * </pre>
 * {@code --reopen} closes and reopens the store before querying (data read from Lucene partitions
 * instead of the in-memory head); {@code --settle S} waits S seconds before querying (the store commits
 * in the background meanwhile). {@code --digests FILE} writes the digests when FILE does not exist,
 * else compares with it.
 */
public final class PromqlMeasure {
  private static final String X = NodeSeries.CPU;
  /** The three benchmark queries first, then shapes that exercise the same code paths differently. */
  static final List<String> QUERIES = List.of(
      MetricsLoad.SUM_RATE,
      MetricsLoad.BY_INSTANCE,
      MetricsLoad.QUANTILE,
      "rate(" + X + "[1m])",
      "sum by (mode)(increase(" + X + "[2m]))",
      "avg by (cpu)(rate(" + X + "[1m]))",
      "sum without (cpu)(rate(" + X + "[5m]))",
      "count by (instance)(irate(" + X + "[1m]))",
      "max by (instance)(rate(" + X + "[30s]))",
      "min(delta(node_load1[5m]))",
      "sum(rate(" + X + "{mode=\"user\"}[1m] offset 5m))",
      "sum by (instance)(rate(" + X + "[5m])) / on(instance) group_left count by (instance)(" + X + ")",
      "histogram_quantile(0.5, sum by (le, instance)(rate(" + NodeSeries.HISTOGRAM + "_bucket[1m])))",
      "sum(avg_over_time(node_memory_MemAvailable_bytes[5m]))",
      "sum(node_memory_MemAvailable_bytes)",
      "sum by (instance)(" + X + ")");
  private static final long STEP = 15_000;
  private static final String TENANT = "default";

  private PromqlMeasure() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int runs = 30;
    boolean reopen = false;
    Path digests = null;
    int only = -1;
    int settleSeconds = 0;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--reopen" -> reopen = true;
        case "--digests" -> digests = Path.of(args[++i]);
        case "--only" -> only = Integer.parseInt(args[++i]);
        case "--settle" -> settleSeconds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    NodeSeries series = new NodeSeries(1000);
    int samples = 3600;
    long end = System.currentTimeMillis() / 1000 * 1000;
    long start = end - (samples - 1) * 1000L;
    StorageConfig cfg = StorageConfig.fromEnv(Map.of(StorageConfig.DATA_DIR, dir.toString()));
    LuceneStorage storage = LuceneStorage.open(cfg, new PrometheusRegistry());
    long t0 = System.nanoTime();
    append(storage.metrics(), series, start, samples);
    awaitVisible(storage.metrics(), start, end, (long) series.size() * samples);
    System.err.printf(Locale.ROOT, "loaded %,d samples in %.1f s%n", (long) series.size() * samples,
        (System.nanoTime() - t0) / 1e9);
    if (reopen) {
      storage.close();
      storage = LuceneStorage.open(cfg, new PrometheusRegistry());
      awaitVisible(storage.metrics(), start, end, (long) series.size() * samples);
    }
    Thread.sleep(settleSeconds * 1000L);
    MetricStore store = storage.metrics();
    Engine engine = new Engine(store, EngineOptions.defaults());
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, String> expected = digests != null && Files.exists(digests) ? readDigests(digests) : null;
    Map<String, String> seen = new TreeMap<>();
    System.out.println("| query | series | engine.range CPU ms p50 / min | select alone p50 | JSON p50 | digest |");
    System.out.println("|---|---|---|---|---|---|");
    for (int qi = 0; qi < QUERIES.size(); qi++) {
      if (only >= 0 && qi != only) {
        continue;
      }
      String q = QUERIES.get(qi);
      var expr = PromqlParser.parse(q);
      QueryResult r = null;
      for (int i = 0; i < 10; i++) {
        r = engine.range(TENANT, expr, start, end, STEP, 60_000);
      }
      double[] eval = new double[runs];
      double[] json = new double[runs];
      for (int i = 0; i < runs; i++) {
        long c0 = mx.getCurrentThreadCpuTime();
        r = engine.range(TENANT, expr, start, end, STEP, 60_000);
        long c1 = mx.getCurrentThreadCpuTime();
        PromJson.success(PromJson.queryData(r.value()), r.warnings());
        long c2 = mx.getCurrentThreadCpuTime();
        eval[i] = (c1 - c0) / 1e6;
        json[i] = (c2 - c1) / 1e6;
      }
      double[] select = selectOnly(store, q, start, end, runs, mx);
      String digest = digest((Matrix) r.value(), start);
      seen.put(q, digest);
      String check = expected == null ? "" : digest.equals(expected.get(q)) ? " same" : " DIFFERENT";
      System.out.printf(Locale.ROOT, "| `%s` | %d | %.1f / %.1f | %.1f | %.1f | %s%s |%n", q,
          ((Matrix) r.value()).series().size(), median(eval), min(eval), median(select), median(json),
          digest.substring(0, 12), check);
    }
    if (digests != null && expected == null) {
      StringBuilder sb = new StringBuilder();
      seen.forEach((q, d) -> sb.append(d).append('\t').append(q).append('\n'));
      Files.writeString(digests, sb.toString());
    }
    storage.close();
  }

  /** The store's select for the selector of {@code q}, over the window the engine asks for. */
  private static double[] selectOnly(MetricStore store, String q, long start, long end, int runs, ThreadMXBean mx) {
    var expr = PromqlParser.parse(q);
    List<io.lookout.query.promql.VectorSelector> selectors = new ArrayList<>();
    List<Long> ranges = new ArrayList<>();
    collect(expr, selectors, ranges);
    SelectLimits limits = new SelectLimits(100_000, 50_000_000, 60_000);
    double[] out = new double[runs];
    for (int i = -5; i < runs; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      for (int s = 0; s < selectors.size(); s++) {
        var vs = selectors.get(s);
        long off = vs.offset().toMillis();
        List<LabelMatcher> m = new ArrayList<>();
        for (var x : vs.allMatchers()) {
          m.add(new LabelMatcher(x.name(), LabelMatcher.Type.valueOf(x.op().name()), x.value()));
        }
        store.select(TENANT, m, start - off - ranges.get(s), end - off, limits);
      }
      if (i >= 0) {
        out[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
      }
    }
    return out;
  }

  private static void collect(io.lookout.query.promql.Expr e, List<io.lookout.query.promql.VectorSelector> out,
      List<Long> ranges) {
    switch (e) {
      case io.lookout.query.promql.VectorSelector vs -> {
        out.add(vs);
        ranges.add(EngineOptions.DEFAULT_LOOKBACK_DELTA_MILLIS);
      }
      case io.lookout.query.promql.MatrixSelector ms -> {
        out.add(ms.selector());
        ranges.add(ms.range().toMillis());
      }
      case io.lookout.query.promql.Call c -> c.args().forEach(a -> collect(a, out, ranges));
      case io.lookout.query.promql.Aggregate a -> collect(a.expr(), out, ranges);
      case io.lookout.query.promql.Binary b -> {
        collect(b.lhs(), out, ranges);
        collect(b.rhs(), out, ranges);
      }
      case io.lookout.query.promql.Paren p -> collect(p.expr(), out, ranges);
      default -> {
        // literals
      }
    }
  }

  /** Appends in batches of 250 series x 60 samples, oldest first, as remote_write shards would. */
  private static void append(MetricStore store, NodeSeries series, long start, int samples) {
    NodeSeries.Host[] hosts = new NodeSeries.Host[series.hosts()];
    for (int h = 0; h < hosts.length; h++) {
      hosts[h] = new NodeSeries.Host(42, h);
    }
    double[][] values = new double[series.size()][samples];
    double[] row = new double[NodeSeries.PER_HOST];
    for (int k = 0; k < samples; k++) {
      for (int h = 0; h < hosts.length; h++) {
        int n = series.seriesOf(h);
        hosts[h].step(row, 0, n);
        for (int j = 0; j < n; j++) {
          values[h * NodeSeries.PER_HOST + j][k] = row[j];
        }
      }
    }
    Labels[] labels = new Labels[series.size()];
    for (int i = 0; i < labels.length; i++) {
      SortedMap<String, String> m = series.labels(i);
      labels[i] = Labels.of(m);
    }
    for (int k0 = 0; k0 < samples; k0 += 60) {
      for (int i0 = 0; i0 < series.size(); i0 += 250) {
        List<SeriesBatch.Series> batch = new ArrayList<>();
        for (int i = i0; i < Math.min(series.size(), i0 + 250); i++) {
          List<Sample> s = new ArrayList<>(60);
          for (int k = k0; k < Math.min(samples, k0 + 60); k++) {
            s.add(new Sample(start + k * 1000L, values[i][k]));
          }
          batch.add(SeriesBatch.Series.ofSamples(labels[i], s));
        }
        SeriesBatch b = new SeriesBatch(batch, List.of());
        while (true) {
          try {
            store.append(TENANT, b).join();
            break;
          } catch (RuntimeException overloaded) {
            Thread.onSpinWait();
          }
        }
      }
    }
  }

  private static void awaitVisible(MetricStore store, long start, long end, long total) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    long seen = 0;
    while (System.nanoTime() < deadline) {
      seen = 0;
      for (SeriesSamples s : store.select(TENANT, List.of(new LabelMatcher("__name__", LabelMatcher.Type.REGEX,
          ".+")), start, end, new SelectLimits(100_000, 50_000_000, 60_000))) {
        seen += s.size();
      }
      if (seen == total) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("only " + seen + " of " + total + " samples visible after 120 s");
  }

  /** SHA-256 over labels, timestamps relative to {@code start} and the raw bits of every value. */
  static String digest(Matrix m, long start) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (Matrix.Series s : m.series()) {
      md.update(s.labels().toString().getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < s.size(); i++) {
        long t = s.timestamps()[i] - start;
        long v = Double.doubleToRawLongBits(s.values()[i]);
        for (int b = 0; b < 8; b++) {
          md.update((byte) (t >>> (8 * b)));
        }
        for (int b = 0; b < 8; b++) {
          md.update((byte) (v >>> (8 * b)));
        }
      }
      md.update((byte) s.histograms().size());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Map<String, String> readDigests(Path p) throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (String line : Files.readAllLines(p)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        m.put(line.substring(tab + 1), line.substring(0, tab));
      }
    }
    return m;
  }

  private static double median(double[] a) {
    double[] c = a.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private static double min(double[] a) {
    return Arrays.stream(a).min().orElse(Double.NaN);
  }
}
