package io.lookout.model.spi;

import io.lookout.model.LogRecord;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Durable, searchable storage of log records, split per tenant.
 *
 * <p>Query field names: {@code body} (full text, the default field), {@code service},
 * {@code severity} (text, case-insensitive), {@code severity_number}, {@code trace_id},
 * {@code span_id}, {@code scope}, {@code attributes.<key>}, {@code resource.<key>}.
 */
public interface LogStore extends AutoCloseable {

  /**
   * Appends records durably. The future completes only once the records are in the write-ahead
   * log on disk; they become searchable shortly after (near-real-time refresh).
   *
   * <p>Fails immediately (the future, not the call) with a {@link io.lookout.model.LookoutException}
   * of class OVERLOADED, carrying a retry delay, when the indexer is behind.
   */
  CompletableFuture<AppendResult> append(String tenant, List<LogRecord> records);

  /** Searches; throws {@link io.lookout.model.LookoutException} bad_data for a malformed query. */
  LogPage search(LogQuery query);

  /** Counts matches per bucket of {@code stepNanos}. */
  Histogram histogram(LogQuery query, long stepNanos);

  /** Names of every field present in the tenant's records in the range, sorted. */
  List<String> fieldNames(String tenant, long startNanos, long endNanos);

  /** Top {@code limit} values of {@code field} among the matches of {@code query}. */
  FieldValues fieldValues(LogQuery query, String field, int limit);

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
