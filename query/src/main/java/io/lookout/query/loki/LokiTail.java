package io.lookout.query.loki;

import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.Runner;
import io.lookout.query.internal.TailCursor;
import io.lookout.query.internal.TailSlots;
import io.lookout.query.loki.Logql.Expr;
import io.lookout.query.loki.Logql.LogExpr;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loki's live tail, {@code GET /loki/api/v1/tail?query=&limit=&start=&delay_for=}, as Grafana's
 * live mode opens it: a WebSocket on which each text message is
 * {@code {"streams":[{"stream":{...},"values":[["<ns>","<line>"],...]}],"dropped_entries":null}}
 * with at most {@code limit} lines that became searchable since the last message, streams in order
 * of their first line, lines oldest first. It polls the store as the native tail does (shared
 * caps, pool and metrics in {@link TailSlots}, a {@link TailCursor} with its lookback, no line sent
 * twice); the selector narrows the store search as in query_range, the pipeline runs in Java. With
 * {@code delay_for} = d seconds (0 to 5) a poll only sends lines at least d seconds old, so lines
 * late by up to d seconds still arrive in order. Bad parameters and metric queries are answered with
 * the usual 400 before the upgrade.
 */
public final class LokiTail {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_DELAY_FOR = 5;
  /** How far into the future a poll looks (clock skew of senders) when delay_for is 0. */
  static final long FUTURE_NANOS = 5 * 60_000_000_000L;
  static final long HEARTBEAT_MILLIS = 15_000;
  /** A tail whose client has not read for this long is closed. */
  static final long STALLED_MILLIS = 60_000;
  private static final long SECOND = 1_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(LokiTail.class);

  private final Vertx vertx;
  private final LogStore store;
  private final TailSlots slots;
  private final Runner runner;
  private final LongSupplier nowNanos;
  private final int maxLimit;

  /** @param maxLimit the largest {@code limit} ({@code LOOKOUT_QUERY_MAX_LIMIT}) */
  public LokiTail(Vertx vertx, LogStore store, TailSlots slots, Runner runner, LongSupplier nowNanos, int maxLimit) {
    this.vertx = vertx;
    this.store = store;
    this.slots = slots;
    this.runner = runner;
    this.nowNanos = nowNanos;
    this.maxLimit = maxLimit;
  }

  /** The route handler: validates, takes a slot, upgrades and starts polling. */
  public void tail(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    Expr expr = LogqlParser.parse(p.string("query", null));
    if (!(expr instanceof LogExpr log)) {
      throw LookoutException.badData("live tail needs a log query, not a metric query: use a stream selector with"
          + " optional line filters, parsers and label filters, e.g. {service_name=\"checkout\"} |= \"error\"");
    }
    int limit = p.integer("limit", Math.min(DEFAULT_LIMIT, maxLimit), 1, maxLimit, "LOOKOUT_QUERY_MAX_LIMIT");
    int delayFor = p.integer("delay_for", 0, 0, MAX_DELAY_FOR, null);
    long now = nowNanos.getAsLong();
    String s = p.string("start", null);
    long start = s == null ? now : LokiRoutes.time("start", s, now);
    runner.limits().checkRange(tenant, start, now);
    if (!ctx.request().canUpgradeToWebSocket()) {
      throw LookoutException.badData("/loki/api/v1/tail is a WebSocket: open it with a WebSocket client"
          + " (GET with Connection: Upgrade and Upgrade: websocket)");
    }
    Tail t = new Tail(tenant, log, limit, delayFor * SECOND, new TailCursor(start, slots.config().lookback().toNanos()));
    ctx.request().toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("live tail of tenant {} could not upgrade: {}", tenant, ar.cause().toString());
        t.stop();
        return;
      }
      t.open(ar.result());
    });
  }

  /** One open tail: polls on the tail pool, writes on the event loop of its connection. */
  private final class Tail {
    private final String tenant;
    private final Pipeline pipeline;
    private final String lucene;
    private final int limit;
    private final long delayNanos;
    private final TailCursor cursor;
    private final TailSlots.Slot slot;
    private volatile ServerWebSocket ws;
    private long timer = -1;
    private long lastWrite = System.nanoTime();
    private long lastDrained = System.nanoTime();

    Tail(String tenant, LogExpr expr, int limit, long delayNanos, TailCursor cursor) {
      this.tenant = tenant;
      this.pipeline = new Pipeline(expr);
      this.lucene = LokiEngine.luceneQuery(expr);
      this.limit = limit;
      this.delayNanos = delayNanos;
      this.cursor = cursor;
      this.slot = slots.acquire(tenant, () -> finish((short) 1001, "server shutting down"));
    }

    /** Runs on the event loop once upgraded. */
    void open(ServerWebSocket socket) {
      ws = socket;
      socket.closeHandler(v -> stop());
      socket.exceptionHandler(e -> stop());
      socket.shutdownHandler(v -> {
        if (slot.release()) {
          finish((short) 1001, "server shutting down");
        }
      });
      if (slot.released()) {
        socket.close((short) 1001, "server shutting down");
        return;
      }
      poll();
    }

    void poll() {
      timer = -1;
      if (slot.released()) {
        return;
      }
      if (ws.writeQueueFull()) {
        if (System.nanoTime() - lastDrained > TimeUnit.MILLISECONDS.toNanos(STALLED_MILLIS)) {
          LOG.debug("closing Loki live tail of tenant {}: the client stopped reading", tenant);
          if (slot.release()) {
            finish((short) 1008, "client stopped reading");
          }
          return;
        }
        schedule();
        return;
      }
      lastDrained = System.nanoTime();
      long now = nowNanos.getAsLong();
      long from = cursor.from(now);
      long to = delayNanos == 0 ? now + FUTURE_NANOS : now - delayNanos;
      if (to < from) {
        schedule();
        return;
      }
      LogQuery q = new LogQuery(tenant, lucene, from, to, slots.config().maxLinesPerPoll(), Direction.BACKWARD,
          null, runner.timeoutMillis(tenant));
      slots.pollers().<Batch>executeBlocking(() -> {
        LogPage page = store.search(q);
        List<LogRecord> fresh = cursor.accept(page.hits(), from);
        List<LokiEngine.Hit> hits = new ArrayList<>();
        for (LogRecord r : fresh) {
          Pipeline.Result res = pipeline.apply(r);
          if (res != null) {
            hits.add(new LokiEngine.Hit(r.timestampNanos(), res.labels(), res.line()));
          }
        }
        return new Batch(messages(hits, limit), hits.size());
      }, true).onComplete(ar -> {
        if (slot.released()) {
          return;
        }
        if (ar.failed()) {
          LOG.debug("Loki live tail of tenant {} failed: {}", tenant, ar.cause().toString());
          if (slot.release()) {
            finish((short) 1011, "query failed");
          }
          return;
        }
        Batch b = ar.result();
        for (String m : b.messages()) {
          ws.writeTextMessage(m);
        }
        if (!b.messages().isEmpty()) {
          lastWrite = System.nanoTime();
          slots.sent(b.count());
        } else if (System.nanoTime() - lastWrite > TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS)) {
          lastWrite = System.nanoTime();
          ws.writePing(Buffer.buffer());
        }
        schedule();
      });
    }

    private void schedule() {
      if (!slot.released()) {
        timer = vertx.setTimer(slots.config().pollInterval().toMillis(), id -> poll());
      }
    }

    void stop() {
      if (slot.release()) {
        finish((short) 1000, null);
      }
    }

    /** After the slot was released: stops polling and closes the socket if still open. */
    private void finish(short code, String reason) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      ServerWebSocket socket = ws;
      if (socket != null && !socket.isClosed()) {
        socket.close(code, reason);
      }
    }
  }

  /** Loki's tail messages: at most {@code limit} lines each, streams in order of their first line. */
  static List<String> messages(List<LokiEngine.Hit> oldestFirst, int limit) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < oldestFirst.size(); i += limit) {
      Map<TreeMap<String, String>, JsonArray> streams = new LinkedHashMap<>();
      for (LokiEngine.Hit h : oldestFirst.subList(i, Math.min(oldestFirst.size(), i + limit))) {
        streams.computeIfAbsent(h.labels(), k -> new JsonArray())
            .add(new JsonArray().add(Long.toString(h.ts())).add(h.line()));
      }
      JsonArray arr = new JsonArray();
      streams.forEach((labels, values) -> arr.add(new JsonObject()
          .put("stream", new JsonObject(new LinkedHashMap<>(labels))).put("values", values)));
      out.add(new JsonObject().put("streams", arr).putNull("dropped_entries").encode());
    }
    return out;
  }

  private record Batch(List<String> messages, int count) {}
}
