package io.lookout.query;

import io.lookout.model.Span;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import io.lookout.model.spi.TraceSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The trace side of {@link InMemoryStore}: the SPI's semantics by brute force over a list. */
final class InMemoryTraces {
  private InMemoryTraces() {}

  static TracePage search(List<Span> all, TraceQuery q) {
    Map<String, List<Span>> byTrace = byTrace(all);
    record Hit(String traceId, long matchStart) {}
    List<Hit> hits = new ArrayList<>();
    for (Map.Entry<String, List<Span>> e : byTrace.entrySet()) {
      long earliest = Long.MAX_VALUE;
      for (Span s : e.getValue()) {
        if (matches(s, q)) {
          earliest = Math.min(earliest, s.startNanos());
        }
      }
      if (earliest != Long.MAX_VALUE) {
        hits.add(new Hit(e.getKey(), earliest));
      }
    }
    hits.sort(Comparator.comparingLong(Hit::matchStart).thenComparing(Hit::traceId).reversed());
    int from = q.cursor() == null ? 0 : Integer.parseInt(q.cursor());
    int to = Math.min(hits.size(), from + q.limit());
    List<TraceSummary> page = new ArrayList<>();
    for (Hit h : hits.subList(Math.min(from, to), to)) {
      page.add(summary(h.traceId(), byTrace.get(h.traceId())));
    }
    return new TracePage(page, to < hits.size() ? Integer.toString(to) : null);
  }

  private static boolean matches(Span s, TraceQuery q) {
    if (s.startNanos() < q.startNanos() || s.startNanos() > q.endNanos()) {
      return false;
    }
    if (q.service() != null && !q.service().equals(s.service())
        || q.operation() != null && !q.operation().equals(s.name())
        || q.statusCode() != null && q.statusCode() != s.statusCode()
        || s.durationNanos() < q.minDurationNanos() || s.durationNanos() > q.maxDurationNanos()) {
      return false;
    }
    for (Map.Entry<String, String> a : q.attributes().entrySet()) {
      Object v = s.attributes().containsKey(a.getKey()) ? s.attributes().get(a.getKey()) : s.resource().get(a.getKey());
      if (v == null || !String.valueOf(v).equals(a.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static TraceSummary summary(String traceId, List<Span> spans) {
    List<Span> sorted = spans.stream().sorted(Comparator.comparingLong(Span::startNanos)).toList();
    Span root = sorted.stream().filter(s -> s.parentSpanId().isEmpty()).findFirst().orElse(sorted.get(0));
    long start = sorted.get(0).startNanos();
    long end = sorted.stream().mapToLong(Span::endNanos).max().orElse(start);
    int errors = (int) sorted.stream().filter(s -> s.statusCode() == 2).count();
    List<String> services = List.copyOf(new TreeSet<>(sorted.stream().map(Span::service).toList()));
    return new TraceSummary(traceId, root.service(), root.name(), start, end - start, sorted.size(), errors, services);
  }

  static List<String> services(List<Span> all, long start, long end) {
    TreeSet<String> out = new TreeSet<>();
    for (Span s : all) {
      if (s.startNanos() >= start && s.startNanos() <= end) {
        out.add(s.service());
      }
    }
    return List.copyOf(out);
  }

  static List<Operation> operations(List<Span> all, String service, long start, long end) {
    TreeSet<Operation> out = new TreeSet<>(Comparator.comparing(Operation::name).thenComparingInt(Operation::kind));
    for (Span s : all) {
      if (s.service().equals(service) && s.startNanos() >= start && s.startNanos() <= end) {
        out.add(new Operation(s.name(), s.kind()));
      }
    }
    return List.copyOf(out);
  }

  static List<DependencyEdge> dependencies(List<Span> all, long start, long end) {
    Map<String, Span> byId = new HashMap<>();
    for (Span s : all) {
      byId.put(s.traceId() + "/" + s.spanId(), s);
    }
    TreeMap<String, long[]> edges = new TreeMap<>();
    for (Span s : all) {
      Span parent = byId.get(s.traceId() + "/" + s.parentSpanId());
      if (parent == null || parent.service().equals(s.service()) || s.startNanos() < start || s.startNanos() > end) {
        continue;
      }
      long[] c = edges.computeIfAbsent(parent.service() + "\u0000" + s.service(), k -> new long[2]);
      c[0]++;
      if (s.statusCode() == 2) {
        c[1]++;
      }
    }
    List<DependencyEdge> out = new ArrayList<>();
    edges.forEach((k, c) -> {
      String[] parts = k.split("\u0000");
      out.add(new DependencyEdge(parts[0], parts[1], c[0], c[1]));
    });
    return out;
  }

  static List<RedPoint> red(List<Span> all, RedQuery q) {
    List<Span> spans = all.stream()
        .filter(s -> s.service().equals(q.service()))
        .filter(s -> q.operation() == null || q.operation().equals(s.name()))
        .filter(s -> s.startNanos() >= q.startNanos() && s.startNanos() <= q.endNanos())
        .toList();
    if (spans.stream().anyMatch(s -> s.kind() == 2 || s.kind() == 5)) {
      spans = spans.stream().filter(s -> s.kind() == 2 || s.kind() == 5).toList();
    }
    long step = q.stepNanos();
    Map<Long, List<Span>> buckets = new LinkedHashMap<>();
    for (long b = Math.floorDiv(q.startNanos(), step) * step; b <= q.endNanos(); b += step) {
      buckets.put(b, new ArrayList<>());
    }
    for (Span s : spans) {
      buckets.get(Math.floorDiv(s.startNanos(), step) * step).add(s);
    }
    List<RedPoint> out = new ArrayList<>();
    buckets.forEach((b, list) -> {
      long[] d = list.stream().mapToLong(Span::durationNanos).sorted().toArray();
      long errors = list.stream().filter(s -> s.statusCode() == 2).count();
      out.add(new RedPoint(b, d.length, errors, rank(d, 0.5), rank(d, 0.9), rank(d, 0.99)));
    });
    return out;
  }

  private static double rank(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.ceil(q * sorted.length) - 1];
  }

  private static Map<String, List<Span>> byTrace(List<Span> all) {
    Map<String, List<Span>> out = new LinkedHashMap<>();
    for (Span s : all) {
      out.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    return out;
  }
}
