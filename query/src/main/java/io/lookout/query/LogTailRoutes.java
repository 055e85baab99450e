package io.lookout.query;

import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.query.internal.Json;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.Runner;
import io.lookout.query.internal.TailCursor;
import io.lookout.query.internal.TailSlots;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live tail and context of log lines.
 *
 * <ul>
 *   <li>{@code GET /api/v1/logs/tail?query=&start=} - Server-Sent Events: each event's data is a
 *       success envelope {@code {"status":"success","data":{"hits":[...]}}} with the lines that
 *       became searchable since the last one, oldest first; an {@code event: skipped} tells that
 *       more lines arrived in one poll than {@link LogTailConfig#maxLinesPerPoll()} (the newest
 *       were sent). The server searches for each tail on its own worker pool, one poll at a time,
 *       and skips polls while the client is not reading; the stream ends when the client goes
 *       away or the server stops. A bad query is answered with the usual 400 envelope before the
 *       stream starts.
 *   <li>{@code GET /api/v1/logs/context?timestamp=&service=&host=&before=&after=} - the lines of the
 *       same service (and {@code resource.host.name} when given) just before, at and just after a
 *       timestamp: {@code {"before":[...],"at":[...],"after":[...]}}, each oldest first.
 * </ul>
 */
public final class LogTailRoutes implements AutoCloseable {
  static final int DEFAULT_CONTEXT_LINES = 20;
  static final int MAX_CONTEXT_LINES = 500;
  static final int MAX_AT_LINES = 100;
  /** How far into the future a tail looks (clock skew of senders). */
  static final long FUTURE_NANOS = 5 * 60_000_000_000L;
  static final long HEARTBEAT_MILLIS = 15_000;
  /** A tail whose client has not read for this long is closed. */
  static final long STALLED_MILLIS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(LogTailRoutes.class);

  private final Vertx vertx;
  private final LogStore store;
  private final LogTailConfig tail;
  private final QueryConfig config;
  private final Runner runner;
  private final LongSupplier nowNanos;
  private final TailSlots slots;
  private final boolean ownsSlots;
  private final Counter skipped;

  /**
   * @param runner the query API's runner (its worker pool and per-tenant limits serve context)
   */
  public LogTailRoutes(Vertx vertx, LogStore store, LogTailConfig tail, QueryConfig config, Runner runner,
      PrometheusRegistry registry, LongSupplier nowNanos) {
    this(vertx, store, new TailSlots(vertx, tail, config.timeout().toMillis() * 2, registry), true, config, runner,
        registry, nowNanos);
  }

  /**
   * With caps, pollers and tail metrics shared with other kinds of tail; {@link #close()} leaves
   * {@code slots} open.
   */
  public LogTailRoutes(Vertx vertx, LogStore store, TailSlots slots, QueryConfig config, Runner runner,
      PrometheusRegistry registry, LongSupplier nowNanos) {
    this(vertx, store, slots, false, config, runner, registry, nowNanos);
  }

  private LogTailRoutes(Vertx vertx, LogStore store, TailSlots slots, boolean ownsSlots, QueryConfig config,
      Runner runner, PrometheusRegistry registry, LongSupplier nowNanos) {
    this.vertx = vertx;
    this.store = store;
    this.tail = slots.config();
    this.config = config;
    this.runner = runner;
    this.nowNanos = nowNanos;
    this.slots = slots;
    this.ownsSlots = ownsSlots;
    skipped = Counter.builder().name("lookout_tail_skipped_polls_total")
        .help("Tail polls that found more new lines than LOOKOUT_TAIL_MAX_LINES_PER_POLL and sent only the newest")
        .register(registry);
  }

  /** Adds the routes; {@code instrument} wraps each with the query API's metrics. */
  public void mount(Router router, Function<String, Handler<RoutingContext>> instrument) {
    router.route("/api/v1/logs/tail").handler(instrument.apply("logs_tail"));
    router.get("/api/v1/logs/tail").handler(this::tail);
    router.route("/api/v1/logs/context").handler(instrument.apply("logs_context"));
    router.get("/api/v1/logs/context").handler(this::context);
    for (String path : new String[] {"/api/v1/logs/tail", "/api/v1/logs/context"}) {
      router.route(path).handler(ctx -> {
        ctx.response().putHeader(HttpHeaders.ALLOW, "GET");
        ApiResponses.error(ctx, 405, ErrorCode.BAD_DATA.errorType(), "method " + ctx.request().method()
            + " is not allowed on " + path + ": use GET", 0);
      });
    }
  }

  /** Ends every open tail and stops the pollers, when the slots are this object's own. */
  @Override
  public void close() {
    if (ownsSlots) {
      slots.close();
    }
  }

  private void context(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    String ts = p.string("timestamp", null);
    String service = p.string("service", null);
    if (ts == null || service == null) {
      throw LookoutException.badData("missing " + (ts == null ? "timestamp" : "service")
          + ": give the timestamp and service of the line, e.g. ?timestamp=2026-01-02T15:04:05.123456789Z&service=checkout");
    }
    long at = TimeParser.parseTime("timestamp", ts, nowNanos.getAsLong());
    int before = p.integer("before", DEFAULT_CONTEXT_LINES, 0, MAX_CONTEXT_LINES, null);
    int after = p.integer("after", DEFAULT_CONTEXT_LINES, 0, MAX_CONTEXT_LINES, null);
    String host = p.string("host", null);
    String filter = "service:" + quote(service) + (host == null ? "" : " AND resource.host.name:" + quote(host));
    long window = config.defaultRange().toNanos();
    long timeout = runner.timeoutMillis(tenant);
    runner.run(ctx, () -> {
      List<LogRecord> older = before == 0 ? List.of() : store.search(new LogQuery(tenant, filter,
          at - window, at - 1, before, Direction.BACKWARD, null, timeout)).hits().reversed();
      List<LogRecord> same = store.search(new LogQuery(tenant, filter, at, at, MAX_AT_LINES, Direction.FORWARD,
          null, timeout)).hits();
      List<LogRecord> newer = after == 0 ? List.of() : store.search(new LogQuery(tenant, filter, at + 1,
          at + window, after, Direction.FORWARD, null, timeout)).hits();
      return Json.success(g -> {
        g.writeStartObject();
        for (Map.Entry<String, List<LogRecord>> e : List.of(Map.entry("before", older), Map.entry("at", same),
            Map.entry("after", newer))) {
          g.writeFieldName(e.getKey());
          Json.logPage(new LogPage(e.getValue(), null)).write(g);
        }
        g.writeEndObject();
      });
    });
  }

  /** A Lucene phrase: the value in double quotes, with backslash and quote escaped. */
  static String quote(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private void tail(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    long now = nowNanos.getAsLong();
    String query = p.string("query", "");
    String s = p.string("start", null);
    long start = s == null ? now : TimeParser.parseTime("start", s, now);
    runner.limits().checkRange(tenant, start, now);
    Tail t = new Tail(ctx, tenant, query, new TailCursor(start, tail.lookback().toNanos()));
    ctx.response().closeHandler(v -> t.stop(false));
    ctx.request().connection().shutdownHandler(v -> t.stop(true));
    t.poll();
  }

  /** One open tail: polls on the worker pool, writes on the event loop of its request. */
  private final class Tail {
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final String tenant;
    private final String query;
    private final TailCursor cursor;
    private final TailSlots.Slot slot;
    private long timer = -1;
    private long lastWrite = System.nanoTime();
    private long lastDrained = System.nanoTime();

    Tail(RoutingContext ctx, String tenant, String query, TailCursor cursor) {
      this.ctx = ctx;
      this.response = ctx.response();
      this.tenant = tenant;
      this.query = query;
      this.cursor = cursor;
      this.slot = slots.acquire(tenant, () -> finish(true));
    }

    /** Runs on the event loop. */
    void poll() {
      timer = -1;
      if (slot.released()) {
        return;
      }
      if (response.headWritten() && response.writeQueueFull()) {
        if (System.nanoTime() - lastDrained > TimeUnit.MILLISECONDS.toNanos(STALLED_MILLIS)) {
          LOG.debug("closing live tail of tenant {}: the client stopped reading", tenant);
          stop(true);
          return;
        }
        schedule();
        return;
      }
      lastDrained = System.nanoTime();
      long now = nowNanos.getAsLong();
      long from = cursor.from(now);
      LogQuery q = new LogQuery(tenant, query, from, now + FUTURE_NANOS, tail.maxLinesPerPoll(),
          Direction.BACKWARD, null, runner.timeoutMillis(tenant));
      slots.pollers().<Batch>executeBlocking(() -> {
        LogPage page = store.search(q);
        List<LogRecord> fresh = cursor.accept(page.hits(), from);
        boolean full = page.nextCursor() != null && fresh.size() == page.hits().size();
        Buffer data = fresh.isEmpty() ? null : Json.success(Json.logPage(new LogPage(fresh, null)));
        return new Batch(data, fresh.size(), full);
      }, true).onComplete(ar -> {
        if (slot.released()) {
          return;
        }
        if (ar.failed()) {
          if (!response.headWritten()) {
            stop(false);
            ctx.fail(ar.cause());
          } else {
            LOG.debug("live tail of tenant {} failed: {}", tenant, ar.cause().toString());
            stop(true);
          }
          return;
        }
        startStream();
        Batch b = ar.result();
        if (b.full()) {
          skipped.inc();
          write(Buffer.buffer("event: skipped\ndata: {\"status\":\"success\",\"data\":{\"skipped\":true}}\n\n"));
        }
        if (b.data() != null) {
          slots.sent(b.count());
          write(Buffer.buffer("data: ").appendBuffer(b.data()).appendString("\n\n"));
        } else if (System.nanoTime() - lastWrite > TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS)) {
          write(Buffer.buffer(": keep-alive\n\n"));
        }
        schedule();
      });
    }

    private void startStream() {
      if (!response.headWritten()) {
        response.setChunked(true).setStatusCode(200)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
            .putHeader("X-Accel-Buffering", "no");
        // the first comment flushes the headers so that the client sees the stream open at once
        write(Buffer.buffer(": tail started\nretry: 3000\n\n"));
      }
    }

    private void write(Buffer b) {
      lastWrite = System.nanoTime();
      response.write(b);
    }

    private void schedule() {
      if (!slot.released()) {
        timer = vertx.setTimer(tail.pollInterval().toMillis(), id -> poll());
      }
    }

    /** Releases the slot; with {@code end}, also ends the response. Safe to call more than once. */
    void stop(boolean end) {
      if (slot.release()) {
        finish(end);
      }
    }

    private void finish(boolean end) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      if (end && !response.ended() && !response.closed()) {
        if (response.headWritten()) {
          response.end();
        } else {
          response.setStatusCode(503).end();
        }
      }
    }
  }

  private record Batch(Buffer data, int count, boolean full) {}
}
