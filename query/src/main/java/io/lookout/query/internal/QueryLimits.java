package io.lookout.query.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.limits.Limit;
import io.lookout.model.limits.Limits;
import io.lookout.model.limits.TenantLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-tenant query limits over the module's own settings: time range, time budget, concurrent
 * queries, result sizes. A query past a limit is refused with 422 (execution) naming the limit,
 * its value and how to raise it; too many concurrent queries with 429 and {@code Retry-After}.
 */
public final class QueryLimits {
  private final Limits limits;
  private final Duration defaultTimeout;
  private final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();

  public QueryLimits(Limits limits, Duration defaultTimeout) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
  }

  public TenantLimits of(String tenant) {
    return limits.of(tenant);
  }

  /** The tenant's time budget: its {@code query_timeout}, else {@code LOOKOUT_QUERY_TIMEOUT}. */
  public Duration timeout(String tenant) {
    Duration t = limits.of(tenant).queryTimeout();
    return t.isZero() ? defaultTimeout : t;
  }

  /**
   * @throws LookoutException EXECUTION when {@code end - start} is longer than the tenant's
   *     {@code max_query_range}
   */
  public void checkRange(String tenant, long startNanos, long endNanos) {
    Duration max = limits.of(tenant).maxQueryRange();
    if (max.isZero()) {
      return;
    }
    long span = endNanos - startNanos;
    if (span > max.toNanos() || span < 0 && endNanos > startNanos) { // overflow: certainly too long
      throw exceeded(tenant, Limit.MAX_QUERY_RANGE, "the query range of " + duration(span) + " is longer than the"
          + " limit max_query_range of " + duration(max.toNanos()) + ": shorten the range, or "
          + Limit.MAX_QUERY_RANGE.remedy(tenant));
    }
  }

  /**
   * The tenant's most log lines per search, or 0 when it has no override (then
   * {@code LOOKOUT_QUERY_MAX_LIMIT} applies as before).
   */
  public int maxLogLines(String tenant) {
    return limits.of(tenant).maxLogLines();
  }

  /** @throws LookoutException EXECUTION when {@code limit} is past the tenant's {@code max_log_lines} */
  public void checkLogLines(String tenant, int limit) {
    int max = maxLogLines(tenant);
    if (max > 0 && limit > max) {
      throw exceeded(tenant, Limit.MAX_LOG_LINES, "limit " + limit + " is more than the limit max_log_lines of "
          + max + " for tenant '" + tenant + "': ask for fewer lines, or " + Limit.MAX_LOG_LINES.remedy(tenant));
    }
  }

  /** A reservation of one of the tenant's concurrent query slots; close it when the query ends. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes one of the tenant's concurrent query slots.
   *
   * @throws LookoutException RATE_LIMITED (429, retry after 1 s) when the tenant already runs
   *     {@code max_concurrent_queries}
   */
  public Slot acquire(String tenant) {
    int max = limits.of(tenant).maxConcurrentQueries();
    if (max <= 0) {
      return () -> {};
    }
    AtomicInteger n = running.computeIfAbsent(tenant, t -> new AtomicInteger());
    if (n.incrementAndGet() > max) {
      n.decrementAndGet();
      limits.exceeded(tenant, Limit.MAX_CONCURRENT_QUERIES);
      throw LookoutException.rateLimited("tenant '" + tenant + "' already runs " + max + " queries, the limit"
          + " max_concurrent_queries: retry later, or " + Limit.MAX_CONCURRENT_QUERIES.remedy(tenant), 1);
    }
    boolean[] closed = {false};
    return () -> {
      synchronized (closed) {
        if (!closed[0]) {
          closed[0] = true;
          n.decrementAndGet();
        }
      }
    };
  }

  /** Counts the limit and builds its 422. */
  public LookoutException exceeded(String tenant, Limit limit, String message) {
    limits.exceeded(tenant, limit);
    return new LookoutException(ErrorCode.EXECUTION, message);
  }

  /** Reports a limit hit elsewhere (the PromQL engine's series and samples limits). */
  public void report(String tenant, Limit limit) {
    limits.exceeded(tenant, limit);
  }

  private static String duration(long nanos) {
    if (nanos < 0) {
      return "more than 200 years";
    }
    long s = nanos / 1_000_000_000L;
    if (s % 86400 == 0 && s > 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    return s >= 60 && s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
