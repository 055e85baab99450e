package io.lookout.query.promql.eval;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.metrics.SeriesSamples;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.model.spi.MetricStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** A MetricStore in memory for tests: series per tenant, samples sorted by time. */
public final class InMemoryMetricStore implements MetricStore {
  private final Map<String, TreeMap<Labels, TreeMap<Long, Double>>> tenants = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Labels, List<NativeHistogram>>> histograms = new ConcurrentHashMap<>();
  private final Map<String, List<MetricMetadata>> metadata = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Labels, List<Exemplar>>> exemplars = new ConcurrentHashMap<>();
  public volatile SelectLimits lastLimits;
  public volatile long[] lastRange;
  public volatile int selects;

  /** Adds samples: alternating timestamp (ms) and value. */
  public InMemoryMetricStore add(String tenant, Labels labels, double... timesAndValues) {
    TreeMap<Long, Double> s = series(tenant, labels);
    for (int i = 0; i < timesAndValues.length; i += 2) {
      s.put((long) timesAndValues[i], timesAndValues[i + 1]);
    }
    return this;
  }

  public InMemoryMetricStore add(Labels labels, double... timesAndValues) {
    return add("default", labels, timesAndValues);
  }

  /** Adds samples {@code start, start+step, ...} with the given values. */
  public InMemoryMetricStore addSeries(Labels labels, long start, long step, double... values) {
    TreeMap<Long, Double> s = series("default", labels);
    for (int i = 0; i < values.length; i++) {
      s.put(start + i * step, values[i]);
    }
    return this;
  }

  public InMemoryMetricStore stale(Labels labels, long t) {
    series("default", labels).put(t, Sample.STALE_NAN);
    return this;
  }

  public InMemoryMetricStore addHistogram(Labels labels, NativeHistogram h) {
    histograms.computeIfAbsent("default", k -> new TreeMap<>()).computeIfAbsent(labels, k -> new ArrayList<>()).add(h);
    series("default", labels);
    return this;
  }

  public synchronized InMemoryMetricStore addExemplar(String tenant, Labels series, Exemplar e) {
    exemplars.computeIfAbsent(tenant, k -> new TreeMap<>()).computeIfAbsent(series, k -> new ArrayList<>()).add(e);
    return this;
  }

  public InMemoryMetricStore addMetadata(MetricMetadata m) {
    metadata.computeIfAbsent(m.familyName(), k -> new ArrayList<>()).add(m);
    return this;
  }

  private synchronized TreeMap<Long, Double> series(String tenant, Labels labels) {
    return tenants.computeIfAbsent(tenant, k -> new TreeMap<>()).computeIfAbsent(labels, k -> new TreeMap<>());
  }

  static boolean matches(Labels l, List<LabelMatcher> ms) {
    for (LabelMatcher m : ms) {
      String v = l.get(m.name());
      v = v == null ? "" : v;
      boolean ok = switch (m.type()) {
        case EQUAL -> v.equals(m.value());
        case NOT_EQUAL -> !v.equals(m.value());
        case REGEX -> Pattern.compile("^(?:" + m.value() + ")$").matcher(v).matches();
        case NOT_REGEX -> !Pattern.compile("^(?:" + m.value() + ")$").matcher(v).matches();
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesAny(Labels l, List<List<LabelMatcher>> sets) {
    return sets.isEmpty() || sets.stream().anyMatch(s -> matches(l, s));
  }

  @Override
  public CompletableFuture<AppendResult> append(String tenant, SeriesBatch batch) {
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized List<SeriesSamples> select(
      String tenant, List<LabelMatcher> matchers, long min, long max, SelectLimits limits) {
    selects++;
    lastLimits = limits;
    lastRange = new long[] {min, max};
    List<SeriesSamples> out = new ArrayList<>();
    long samples = 0;
    for (Map.Entry<Labels, TreeMap<Long, Double>> e : tenants.getOrDefault(tenant, new TreeMap<>()).entrySet()) {
      if (!matches(e.getKey(), matchers)) {
        continue;
      }
      var sub = e.getValue().subMap(min, true, max, true);
      List<NativeHistogram> hs = histograms.getOrDefault(tenant, new TreeMap<>()).getOrDefault(e.getKey(), List.of())
          .stream().filter(h -> h.timestampMillis() >= min && h.timestampMillis() <= max).toList();
      if (sub.isEmpty() && hs.isEmpty()) {
        continue;
      }
      long[] ts = new long[sub.size()];
      double[] vs = new double[sub.size()];
      int i = 0;
      for (Map.Entry<Long, Double> s : sub.entrySet()) {
        ts[i] = s.getKey();
        vs[i++] = s.getValue();
      }
      out.add(new SeriesSamples(e.getKey(), ts, vs, hs));
      samples += ts.length + hs.size();
      if (out.size() > limits.maxSeries()) {
        throw new LookoutException(ErrorCode.EXECUTION, "the query hit the max number of series limit (limit: "
            + limits.maxSeries() + ")");
      }
      if (samples > limits.maxSamples()) {
        throw new LookoutException(ErrorCode.EXECUTION, "too many samples (limit: " + limits.maxSamples() + ")");
      }
    }
    return out;
  }

  @Override
  public synchronized List<Labels> series(String tenant, List<List<LabelMatcher>> sets, long start, long end, int limit) {
    List<Labels> out = new ArrayList<>();
    for (Map.Entry<Labels, TreeMap<Long, Double>> e : tenants.getOrDefault(tenant, new TreeMap<>()).entrySet()) {
      if (matchesAny(e.getKey(), sets) && !e.getValue().subMap(start, true, end, true).isEmpty() && out.size() < limit) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  @Override
  public List<String> labelNames(String tenant, List<List<LabelMatcher>> sets, long start, long end, int limit) {
    TreeSet<String> names = new TreeSet<>(Labels.NAME_ORDER);
    for (Labels l : series(tenant, sets, start, end, Integer.MAX_VALUE)) {
      l.list().forEach(x -> names.add(x.name()));
    }
    return names.stream().limit(limit).toList();
  }

  @Override
  public List<String> labelValues(String tenant, String name, List<List<LabelMatcher>> sets, long start, long end,
      int limit) {
    TreeSet<String> values = new TreeSet<>(Labels.NAME_ORDER);
    for (Labels l : series(tenant, sets, start, end, Integer.MAX_VALUE)) {
      if (l.get(name) != null) {
        values.add(l.get(name));
      }
    }
    return values.stream().limit(limit).toList();
  }

  @Override
  public synchronized List<SeriesExemplars> exemplars(String tenant, List<List<LabelMatcher>> sets, long start,
      long end, int limit) {
    List<SeriesExemplars> out = new ArrayList<>();
    for (Map.Entry<Labels, List<Exemplar>> e : exemplars.getOrDefault(tenant, new TreeMap<>()).entrySet()) {
      List<Exemplar> in = e.getValue().stream()
          .filter(x -> x.timestampMillis() >= start && x.timestampMillis() <= end).toList();
      if (matchesAny(e.getKey(), sets) && !in.isEmpty() && (limit <= 0 || out.size() < limit)) {
        out.add(new SeriesExemplars(e.getKey(), in));
      }
    }
    return out;
  }

  @Override
  public Map<String, List<MetricMetadata>> metadata(String tenant, String metric, int limit) {
    Map<String, List<MetricMetadata>> out = new TreeMap<>();
    metadata.forEach((k, v) -> {
      if ((metric == null || metric.equals(k)) && out.size() < limit) {
        out.put(k, v);
      }
    });
    return out;
  }

  @Override
  public CheckResult check() {
    return CheckResult.OK;
  }

  @Override
  public void close() {}
}
