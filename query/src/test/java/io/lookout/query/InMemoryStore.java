package io.lookout.query;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.Trace;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Test store: keeps records in lists, treats the query as a substring of the body (or
 * {@code trace_id:<id>} as an exact trace id), answers the span SPI via {@link InMemoryTraces},
 * records the arguments of the last call, and can be told to throw or to block.
 */
final class InMemoryStore implements LogStore {
  private final Map<String, List<LogRecord>> logs = new ConcurrentHashMap<>();
  private final Map<String, List<Span>> spans = new ConcurrentHashMap<>();

  volatile LogQuery lastQuery;
  volatile long lastStep;
  volatile String lastField;
  volatile int lastFieldLimit;
  volatile String lastTenant;
  volatile long[] lastRange;
  volatile String lastTraceId;
  volatile String lastThread;
  volatile int lastMaxSpans;
  volatile long lastTraceTimeout;
  volatile TraceQuery lastTraceQuery;
  volatile RedQuery lastRedQuery;
  volatile String lastService;
  volatile long lastTimeout;
  /** When set, every read call throws what it supplies. */
  volatile Supplier<RuntimeException> failure;
  /** When set, every read call counts down {@link #entered} and waits for this gate. */
  volatile CountDownLatch gate;
  volatile CountDownLatch entered = new CountDownLatch(1);

  void addLogs(String tenant, LogRecord... records) {
    logs.computeIfAbsent(tenant, t -> new CopyOnWriteArrayList<>()).addAll(List.of(records));
  }

  void addSpans(String tenant, Span... s) {
    spans.computeIfAbsent(tenant, t -> new CopyOnWriteArrayList<>()).addAll(List.of(s));
  }

  private List<Span> spans(String tenant) {
    return spans.getOrDefault(tenant, List.of());
  }

  private void recordRange(String tenant, long startNanos, long endNanos) {
    lastTenant = tenant;
    lastRange = new long[] {startNanos, endNanos};
    enter();
  }

  private void enter() {
    lastThread = Thread.currentThread().getName();
    CountDownLatch g = gate;
    if (g != null) {
      entered.countDown();
      try {
        if (!g.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    Supplier<RuntimeException> f = failure;
    if (f != null) {
      throw f.get();
    }
  }

  private List<LogRecord> matches(LogQuery q) {
    String text = q.query() == null || q.query().isBlank() || q.query().equals("*") ? "" : q.query();
    List<LogRecord> out = new ArrayList<>();
    for (LogRecord r : logs.getOrDefault(q.tenant(), List.of())) {
      boolean hit = text.startsWith("trace_id:") ? r.traceId().equals(text.substring(9))
          : text.startsWith("service:\"") ? r.service().equals(unquote(text.substring(8)))
          : text.startsWith("resource.") && text.endsWith(":*") ? r.resource().containsKey(
              text.substring(9, text.length() - 2).replace("\\", ""))
          : r.body().contains(text);
      if (r.timestampNanos() >= q.startNanos() && r.timestampNanos() <= q.endNanos() && hit) {
        out.add(r);
      }
    }
    Comparator<LogRecord> byTime = Comparator.comparingLong(LogRecord::timestampNanos);
    out.sort(q.direction() == Direction.BACKWARD ? byTime.reversed() : byTime);
    return out;
  }

  /** The value of a Lucene phrase {@code "..."} with backslash escapes. */
  private static String unquote(String phrase) {
    return phrase.substring(1, phrase.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  @Override
  public LogPage search(LogQuery q) {
    lastQuery = q;
    enter();
    List<LogRecord> all = matches(q);
    int from = q.cursor() == null ? 0 : Integer.parseInt(q.cursor());
    int to = Math.min(all.size(), from + q.limit());
    return new LogPage(List.copyOf(all.subList(Math.min(from, to), to)), to < all.size() ? Integer.toString(to) : null);
  }

  @Override
  public Histogram histogram(LogQuery q, long stepNanos) {
    lastQuery = q;
    lastStep = stepNanos;
    enter();
    TreeMap<Long, Long> counts = new TreeMap<>();
    for (long b = Math.floorDiv(q.startNanos(), stepNanos) * stepNanos; b <= q.endNanos(); b += stepNanos) {
      counts.put(b, 0L);
    }
    for (LogRecord r : matches(q)) {
      counts.merge(Math.floorDiv(r.timestampNanos(), stepNanos) * stepNanos, 1L, Long::sum);
    }
    List<Histogram.Bucket> buckets = new ArrayList<>();
    counts.forEach((k, v) -> buckets.add(new Histogram.Bucket(k, v)));
    return new Histogram(stepNanos, buckets);
  }

  @Override
  public List<String> fieldNames(String tenant, long startNanos, long endNanos) {
    lastTenant = tenant;
    lastRange = new long[] {startNanos, endNanos};
    enter();
    TreeSet<String> names = new TreeSet<>();
    for (LogRecord r : logs.getOrDefault(tenant, List.of())) {
      if (r.timestampNanos() >= startNanos && r.timestampNanos() <= endNanos) {
        names.addAll(List.of("body", "service", "severity"));
        r.attributes().keySet().forEach(k -> names.add("attributes." + k));
        r.resource().keySet().forEach(k -> names.add("resource." + k));
      }
    }
    return List.copyOf(names);
  }

  @Override
  public FieldValues fieldValues(LogQuery q, String field, int limit) {
    lastQuery = q;
    lastField = field;
    lastFieldLimit = limit;
    enter();
    List<LogRecord> all = matches(q);
    TreeMap<String, Long> counts = new TreeMap<>();
    for (LogRecord r : all) {
      Object v = switch (field) {
        case "service" -> r.service();
        case "body" -> r.body();
        default -> field.startsWith("attributes.") ? r.attributes().get(field.substring(11))
            : field.startsWith("resource.") ? r.resource().get(field.substring(9)) : null;
      };
      if (v != null) {
        counts.merge(String.valueOf(v), 1L, Long::sum);
      }
    }
    List<FieldValues.ValueCount> values = counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .map(e -> new FieldValues.ValueCount(e.getKey(), e.getValue()))
        .toList();
    return new FieldValues(field, values, all.size(), all.size(), false);
  }

  Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis) {
    lastTenant = tenant;
    lastTraceId = traceId;
    lastMaxSpans = maxSpans;
    lastTraceTimeout = timeoutMillis;
    enter();
    List<Span> found = spans.getOrDefault(tenant, List.of()).stream()
        .filter(s -> s.traceId().equals(traceId))
        .sorted(Comparator.comparingLong(Span::startNanos))
        .toList();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    boolean truncated = found.size() > maxSpans;
    return Optional.of(new Trace(traceId, truncated ? found.subList(0, maxSpans) : found, truncated));
  }

  @Override
  public CompletableFuture<AppendResult> append(String tenant, List<LogRecord> records) {
    addLogs(tenant, records.toArray(LogRecord[]::new));
    return CompletableFuture.completedFuture(AppendResult.all(records.size()));
  }

  @Override
  public CheckResult check() {
    return CheckResult.OK;
  }

  @Override
  public void close() {}

  /** The span side (a separate object: both SPIs declare append with different element types). */
  SpanStore spanStore() {
    InMemoryStore self = this;
    return new SpanStore() {
      @Override
      public CompletableFuture<AppendResult> append(String tenant, List<Span> s) {
        self.addSpans(tenant, s.toArray(Span[]::new));
        return CompletableFuture.completedFuture(AppendResult.all(s.size()));
      }

      @Override
      public Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis) {
        return self.trace(tenant, traceId, maxSpans, timeoutMillis);
      }

      @Override
      public TracePage searchTraces(TraceQuery query) {
        self.lastTraceQuery = query;
        self.lastTenant = query.tenant();
        self.enter();
        return InMemoryTraces.search(self.spans(query.tenant()), query);
      }

      @Override
      public List<String> services(String tenant, long startNanos, long endNanos) {
        self.recordRange(tenant, startNanos, endNanos);
        return InMemoryTraces.services(self.spans(tenant), startNanos, endNanos);
      }

      @Override
      public List<Operation> operations(String tenant, String service, long startNanos, long endNanos) {
        self.lastService = service;
        self.recordRange(tenant, startNanos, endNanos);
        return InMemoryTraces.operations(self.spans(tenant), service, startNanos, endNanos);
      }

      @Override
      public List<DependencyEdge> dependencies(String tenant, long startNanos, long endNanos, long timeoutMillis) {
        self.lastTimeout = timeoutMillis;
        self.recordRange(tenant, startNanos, endNanos);
        return InMemoryTraces.dependencies(self.spans(tenant), startNanos, endNanos);
      }

      @Override
      public List<RedPoint> red(RedQuery query) {
        self.lastRedQuery = query;
        self.lastTenant = query.tenant();
        self.enter();
        return InMemoryTraces.red(self.spans(query.tenant()), query);
      }

      @Override
      public CheckResult check() {
        return CheckResult.OK;
      }

      @Override
      public void close() {}
    };
  }
}
