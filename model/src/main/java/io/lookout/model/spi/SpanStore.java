package io.lookout.model.spi;

import io.lookout.model.Span;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Durable, searchable storage of spans, split per tenant. Same durability as {@link LogStore}. */
public interface SpanStore extends AutoCloseable {

  CompletableFuture<AppendResult> append(String tenant, List<Span> spans);

  /**
   * All spans of a trace (lowercase hex id), at most {@code maxSpans}; empty when the tenant has
   * no span of that trace.
   */
  Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis);

  /** Traces with a span matching every filter of the query; see {@link TraceQuery}. */
  TracePage searchTraces(TraceQuery query);

  /** Services with spans starting in the range, sorted. */
  List<String> services(String tenant, long startNanos, long endNanos);

  /** Span names (with kinds) of a service in the range, sorted by name then kind. */
  List<Operation> operations(String tenant, String service, long startNanos, long endNanos);

  /** The service map: edges parent service to child service from spans starting in the range. */
  List<DependencyEdge> dependencies(String tenant, long startNanos, long endNanos, long timeoutMillis);

  /** Request count, errors and duration percentiles per step, from doc values, not by loading spans. */
  List<RedPoint> red(RedQuery query);

  /**
   * Tenants with stored data (records indexed and not yet expired by retention), in no particular
   * order. Cheap: answered from memory, safe to call often. Empty by default, for stores that
   * cannot tell.
   */
  default Set<String> tenants() {
    return Set.of();
  }

  CheckResult check();

  @Override
  void close();
}
