package io.lookout.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lookout.ingest.internal.Bodies;
import io.lookout.ingest.internal.ByteSink;
import io.lookout.ingest.internal.Failures;
import io.lookout.ingest.internal.HttpBodies;
import io.lookout.ingest.internal.IngestMetrics;
import io.lookout.ingest.internal.Signal;
import io.lookout.ingest.loki.LokiJson;
import io.lookout.ingest.loki.LokiProtobuf;
import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.LogStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Loki push API at {@code POST /loki/api/v1/push}, so that Promtail, Grafana Alloy, Fluent
 * Bit, Vector, the Docker Loki driver and the Loki logging libraries ship logs unchanged. Bodies:
 *
 * <ul>
 *   <li>{@code application/x-protobuf} (also no content type, as Promtail sends): a snappy
 *       block-compressed {@code logproto.PushRequest} ({@link LokiProtobuf});
 *   <li>{@code application/json}, optionally {@code Content-Encoding: gzip} ({@link LokiJson}).
 * </ul>
 *
 * Entries map onto log records as {@link io.lookout.ingest.loki.LokiStream} describes. Answers:
 * 204 No Content once the records are in the write-ahead log; 400 with the JSON error envelope
 * ({@code {"status":"error","errorType":"bad_data","error":"..."}}) for bad input and when storage
 * rejected some entries (the others are kept); 413 past {@code LOOKOUT_MAX_REQUEST_BYTES} (received
 * or decompressed); 415 for another content type or encoding; 429 (per-tenant limits) and 503
 * (overload) with {@code Retry-After}; 401/403 when {@link IngestAuth} refuses.
 *
 * <p>The tenant comes from {@link IngestAuth}: {@code X-Scope-OrgID} (Loki's own tenant header)
 * when authentication is off, else the credential's tenant. Mount it on a router without a
 * {@code BodyHandler} in front of its path.
 */
public final class LokiPushReceiver {
  public static final String PATH = "/loki/api/v1/push";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  private static final Logger LOG = LoggerFactory.getLogger(LokiPushReceiver.class);
  private static final Signal SIGNAL = Signal.LOGS;
  private static final String TRANSPORT = IngestMetrics.LOKI;
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  private final Vertx vertx;
  private final LogStore store;
  private final long maxRequestBytes;
  private final IngestMetrics metrics;
  private final IngestAuth auth;
  private volatile IngestLimits limits = IngestLimits.none();

  public LokiPushReceiver(Vertx vertx, LogStore store, IngestConfig config, PrometheusRegistry registry) {
    this(vertx, store, config, registry, IngestAuth.TRUST_ORG_ID);
  }

  /** As above, with {@code auth} deciding the tenant of each request (401/403 when it refuses). */
  public LokiPushReceiver(Vertx vertx, LogStore store, IngestConfig config, PrometheusRegistry registry,
      IngestAuth auth) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.auth = Objects.requireNonNull(auth, "auth");
    this.maxRequestBytes = config.maxRequestBytes();
    this.metrics = IngestMetrics.of(registry);
  }

  /**
   * Applies per-tenant ingest limits; share one {@link IngestLimits} between every receiver of a
   * server. Call before serving.
   */
  public LokiPushReceiver limits(IngestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    return this;
  }

  /** Adds {@code POST /loki/api/v1/push} to the router. */
  public void mount(Router router) {
    router.post(PATH).handler(ctx -> handle(ctx.request()));
  }

  private enum Format { PROTOBUF, JSON }

  private void handle(HttpServerRequest req) {
    String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
    Format format = format(contentType);
    if (format == null) {
      refuse(req, unsupported("unsupported content type '" + HttpBodies.abbreviate(contentType) + "': use "
          + PROTOBUF + " (snappy-compressed logproto.PushRequest) or " + JSON));
      return;
    }
    String encoding = req.getHeader(HttpHeaders.CONTENT_ENCODING);
    String enc = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
    boolean gzip = enc.equals("gzip");
    boolean snappyEncoding = enc.equals("snappy") && format == Format.PROTOBUF;
    if (!gzip && !snappyEncoding && !enc.isEmpty() && !enc.equals("identity")) {
      refuse(req, unsupported("unsupported content encoding '" + HttpBodies.abbreviate(encoding) + "': use gzip,"
          + " or send the body without a content encoding (protobuf bodies are snappy-compressed already)"));
      return;
    }
    String tenant;
    try {
      IngestAuth.Result who = auth.authenticate(req.getHeader(HttpHeaders.AUTHORIZATION), req.getHeader(Tenant.HEADER));
      if (!who.ok()) {
        refuseAuth(req, who);
        return;
      }
      tenant = who.tenant();
    } catch (LookoutException e) {
      refuse(req, e);
      return;
    }
    HttpBodies.read(req, maxRequestBytes, "loki push", body -> process(req, tenant, format, gzip, body),
        tooLarge -> refuse(req, tooLarge));
  }

  private void process(HttpServerRequest req, String tenant, Format format, boolean gzip, ByteSink body) {
    Context context = vertx.getOrCreateContext();
    vertx.<CompletableFuture<AppendResult>>executeBlocking(() -> {
          ByteSink payload = gzip ? Bodies.gunzip(body.array(), 0, body.size(), maxRequestBytes, "request body") : body;
          long observed = nowNanos();
          List<LogRecord> records;
          long bytes;
          if (format == Format.JSON) {
            bytes = payload.size();
            records = LokiJson.decode(payload.array(), payload.size(), observed);
          } else {
            byte[] raw = payload.size() == 0 ? new byte[0]
                : LokiProtobuf.decompress(payload.array(), payload.size(), maxRequestBytes);
            bytes = raw.length;
            records = LokiProtobuf.decode(raw, observed);
          }
          metrics.bytes(SIGNAL, TRANSPORT, bytes);
          limits.admit(tenant, records.size(), bytes);
          if (records.isEmpty()) {
            return CompletableFuture.completedFuture(AppendResult.all(0));
          }
          try {
            return store.append(tenant, records);
          } catch (RuntimeException e) { // the SPI fails the future, but be safe against a throwing store
            return CompletableFuture.<AppendResult>failedFuture(e);
          }
        }, false)
        .compose(pending -> Future.fromCompletionStage(pending, context))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            stored(req, tenant, ar.result());
          } else {
            fail(req, tenant, ar.cause());
          }
        });
  }

  private void stored(HttpServerRequest req, String tenant, AppendResult r) {
    metrics.accepted(SIGNAL, TRANSPORT, r.accepted());
    if (r.rejected() <= 0) {
      metrics.request(SIGNAL, TRANSPORT, "success");
      HttpServerResponse resp = req.response();
      if (!resp.ended() && !resp.closed()) {
        resp.setStatusCode(204).end();
      }
      return;
    }
    // as Loki does for entries it cannot keep (too old...): a client error, not retried; the rest stays stored
    metrics.rejected(SIGNAL, "storage", r.rejected());
    metrics.request(SIGNAL, TRANSPORT, "partial_success");
    String detail = r.message() == null || r.message().isBlank() ? "" : ": " + r.message();
    LOG.debug("loki push for tenant {}: {} entries stored, {} rejected", tenant, r.accepted(), r.rejected());
    respond(req, 400, ErrorCode.BAD_DATA.errorType(),
        "stored " + r.accepted() + " entries, rejected " + r.rejected() + detail, 0);
  }

  private void fail(HttpServerRequest req, String tenant, Throwable failure) {
    LookoutException known = Failures.known(failure);
    if (known == null) {
      LOG.error("internal error in loki push for tenant {}", tenant, Failures.cause(failure));
      known = new LookoutException(ErrorCode.INTERNAL, "internal error while handling the push; the server logged the cause");
    } else {
      LOG.debug("loki push for tenant {} refused: {}", tenant, known.code());
    }
    respondError(req, known);
  }

  private void refuse(HttpServerRequest req, LookoutException e) {
    LOG.debug("loki push request refused: {}", e.code());
    HttpBodies.refuse(vertx, req, () -> respondError(req, e));
  }

  private void refuseAuth(HttpServerRequest req, IngestAuth.Result who) {
    boolean unauthenticated = who.outcome() == IngestAuth.Outcome.UNAUTHENTICATED;
    metrics.request(SIGNAL, TRANSPORT, unauthenticated ? "unauthenticated" : "forbidden");
    LOG.debug("loki push request refused: {}", who.message());
    HttpBodies.refuse(vertx, req, () -> {
      if (unauthenticated && !req.response().ended()) {
        req.response().putHeader("WWW-Authenticate", "Bearer realm=\"lookout\"");
      }
      return respond(req, unauthenticated ? 401 : 403, unauthenticated ? "unauthorized" : "forbidden", who.message(), 0);
    });
  }

  private Future<Void> respondError(HttpServerRequest req, LookoutException e) {
    metrics.request(SIGNAL, TRANSPORT, Failures.outcome(e.code()));
    int retryAfter = Failures.retryable(e.code()) ? Math.max(1, e.retryAfterSeconds()) : 0;
    return respond(req, Failures.httpStatus(e.code()), e.code().errorType(), e.getMessage(), retryAfter);
  }

  /** The project's error envelope: {@code {"status":"error","errorType":...,"error":...}}. */
  private static Future<Void> respond(HttpServerRequest req, int status, String errorType, String message,
      int retryAfterSeconds) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return Future.succeededFuture();
    }
    resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
    if (retryAfterSeconds > 0) {
      resp.putHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }
    return resp.end(envelope(errorType, message));
  }

  static String envelope(String errorType, String message) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON_FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("status", "error");
      g.writeStringField("errorType", errorType);
      g.writeStringField("error", message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static Format format(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return Format.PROTOBUF; // Promtail and older clients send protobuf without a content type
    }
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return switch (media) {
      case PROTOBUF, "application/protobuf", "application/octet-stream" -> Format.PROTOBUF;
      case JSON -> Format.JSON;
      default -> null;
    };
  }

  private static LookoutException unsupported(String message) {
    return new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message);
  }

  private static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
