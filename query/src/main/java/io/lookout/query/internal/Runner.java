package io.lookout.query.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs storage calls and their rendering on a dedicated worker pool, at most {@code maxPending}
 * at a time, and answers 200 with the rendered body. Errors (including overload and the storage
 * overrunning its time budget) go to the route's failure handler as {@link LookoutException}s,
 * so that each API family writes them in its own envelope.
 */
public final class Runner implements AutoCloseable {
  /** Time the API waits beyond the storage timeout before answering 503 timeout itself. */
  public static final long TIMEOUT_GRACE_MILLIS = 2000;

  /** Numbers the worker pools: a shared executor with the same name would share its threads. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final Duration timeout;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final QueryLimits limits;

  public Runner(Vertx vertx, int workers, Duration timeout, int maxPending) {
    this(vertx, workers, timeout, maxPending, new QueryLimits(io.lookout.model.limits.Limits.none(), timeout));
  }

  /** With per-tenant limits: concurrent queries and the time budget of each tenant. */
  public Runner(Vertx vertx, int workers, Duration timeout, int maxPending, QueryLimits limits) {
    this.limits = limits;
    this.vertx = vertx;
    this.timeout = timeout;
    this.maxPending = maxPending;
    this.workers = vertx.createSharedWorkerExecutor(
        "lookout-query-" + INSTANCES.incrementAndGet(), workers,
        timeout.toMillis() + TIMEOUT_GRACE_MILLIS * 10, TimeUnit.MILLISECONDS);
  }

  /** The per-tenant limits this runner applies. */
  public QueryLimits limits() {
    return limits;
  }

  /** The storage time budget of a tenant in milliseconds. */
  public long timeoutMillis(String tenant) {
    return limits.timeout(tenant).toMillis();
  }

  /** The storage time budget in milliseconds. */
  public long timeoutMillis() {
    return timeout.toMillis();
  }

  /**
   * Runs {@code work} (storage call and rendering of the whole response body) on the worker pool
   * and answers 200 {@code application/json} with its result.
   *
   * @throws LookoutException overloaded when {@code maxPending} queries are already in progress
   */
  public void run(RoutingContext ctx, Callable<Buffer> work) {
    String tenant = Params.tenant(ctx);
    QueryLimits.Slot slot = limits.acquire(tenant);
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      slot.close();
      throw LookoutException.overloaded("too many queries in progress, the limit is " + maxPending
          + " (LOOKOUT_QUERY_MAX_PENDING): retry later", 1);
    }
    Duration budget = limits.timeout(tenant);
    long timer = vertx.setTimer(budget.toMillis() + TIMEOUT_GRACE_MILLIS, id -> {
      if (!ctx.response().ended()) {
        ctx.fail(new LookoutException(ErrorCode.TIMEOUT, "query did not finish within " + format(budget)
            + " (LOOKOUT_QUERY_TIMEOUT, or query_timeout of tenant '" + tenant + "' in LOOKOUT_LIMITS_FILE):"
            + " narrow the time range or make the query more selective"));
      }
    });
    workers.<Buffer>executeBlocking(work, false).onComplete(ar -> {
      pending.decrementAndGet();
      slot.close();
      vertx.cancelTimer(timer);
      HttpServerResponse r = ctx.response();
      if (r.ended() || r.closed()) {
        return;
      }
      if (ar.succeeded()) {
        r.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** Stops the worker pool; queries in progress finish first. */
  @Override
  public void close() {
    workers.close();
  }

  public static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
