package io.lookout.model.spi;

import io.lookout.model.Span;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Durable, searchable storage of spans, split per tenant. Same durability as {@link LogStore}. */
public interface SpanStore extends AutoCloseable {

  CompletableFuture<AppendResult> append(String tenant, List<Span> spans);

  /**
   * All spans of a trace (lowercase hex id), at most {@code maxSpans}; empty when the tenant has
   * no span of that trace.
   */
  Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis);

  CheckResult check();

  @Override
  void close();
}
