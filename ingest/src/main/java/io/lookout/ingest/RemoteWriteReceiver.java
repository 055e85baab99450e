package io.lookout.ingest;

import io.lookout.ingest.internal.ByteSink;
import io.lookout.ingest.internal.Failures;
import io.lookout.ingest.internal.HttpBodies;
import io.lookout.ingest.internal.IngestMetrics;
import io.lookout.ingest.internal.SeriesBounds;
import io.lookout.ingest.internal.Signal;
import io.lookout.ingest.metrics.LabelsCache;
import io.lookout.ingest.metrics.RemoteWriteDecoder;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.MetricStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus remote_write 1.0 receiver at {@code POST /prometheus/api/v1/write}: a snappy
 * block-compressed {@code prometheus.WriteRequest} protobuf, as the remote-write specification 1.0
 * defines it. Answers as the specification asks, so that senders retry exactly what can succeed
 * later:
 *
 * <ul>
 *   <li>204 No Content when every sample was stored;
 *   <li>400 with a plain-text message for malformed data (bad snappy, protobuf, labels) and when
 *       storage rejected some samples (too old, out of order, duplicate timestamp with another
 *       value); the other samples of the request are kept, and senders do not retry a 4xx;
 *   <li>413 past {@code LOOKOUT_MAX_REQUEST_BYTES} (received or decompressed), 415 for a
 *       content type other than {@code application/x-protobuf} (remote write 1.0) or a content
 *       encoding other than {@code snappy};
 *   <li>503 with {@code Retry-After} when storage is overloaded (the specification makes 5xx the
 *       retryable class; 429 with {@code Retry-After} when storage reports a rate limit); 500
 *       only for bugs.
 * </ul>
 *
 * <p>The tenant comes from {@code X-Scope-OrgID}. The body is read with a running byte count and
 * decoded on a worker thread. Mount it on a router without a {@code BodyHandler} in front of its
 * path; transparent request decompression on the server does not matter (snappy is not an HTTP
 * content coding Vert.x inflates).
 */
public final class RemoteWriteReceiver {
  public static final String PATH = "/prometheus/api/v1/write";
  public static final String VERSION_HEADER = "X-Prometheus-Remote-Write-Version";
  /** The protocol version this receiver speaks (remote write 1.0 senders send this value). */
  public static final String VERSION = "0.1.0";
  static final String PROTOBUF = "application/x-protobuf";
  static final String SNAPPY = "snappy";
  /** The {@code proto} content-type parameter of remote write 2.0, which is refused. */
  static final String V2_PROTO = "io.prometheus.write.v2.request";

  private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteReceiver.class);
  private static final Signal SIGNAL = Signal.METRICS;
  private static final String TRANSPORT = IngestMetrics.REMOTE_WRITE;

  private final Vertx vertx;
  private final MetricStore store;
  private final long maxRequestBytes;
  private final IngestMetrics metrics;
  private final IngestAuth auth;
  private final LabelsCache labelsCache = new LabelsCache(LabelsCache.DEFAULT_MAX_ENTRIES);
  private volatile IngestLimits limits = IngestLimits.none();

  public RemoteWriteReceiver(Vertx vertx, MetricStore store, IngestConfig config, PrometheusRegistry registry) {
    this(vertx, store, config, registry, IngestAuth.TRUST_ORG_ID);
  }

  /** As above, with {@code auth} deciding the tenant of each request (401/403 when it refuses). */
  public RemoteWriteReceiver(Vertx vertx, MetricStore store, IngestConfig config, PrometheusRegistry registry,
      IngestAuth auth) {
    this.auth = java.util.Objects.requireNonNull(auth, "auth");
    this.vertx = vertx;
    this.store = store;
    this.maxRequestBytes = config.maxRequestBytes();
    this.metrics = IngestMetrics.of(registry);
  }

  /**
   * Applies per-tenant ingest limits; share one {@link IngestLimits} between every receiver of a
   * server. Call before serving.
   */
  public RemoteWriteReceiver limits(IngestLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
    return this;
  }

  /** Adds {@code POST /prometheus/api/v1/write} to the router. */
  public void mount(Router router) {
    router.post(PATH).handler(ctx -> handle(ctx.request()));
  }

  private void handle(HttpServerRequest req) {
    LookoutException refusal = checkHeaders(req);
    String tenant = null;
    if (refusal == null) {
      try {
        IngestAuth.Result who = auth.authenticate(req.getHeader(HttpHeaders.AUTHORIZATION), req.getHeader(Tenant.HEADER));
        if (!who.ok()) {
          boolean unauthenticated = who.outcome() == IngestAuth.Outcome.UNAUTHENTICATED;
          metrics.request(SIGNAL, TRANSPORT, unauthenticated ? "unauthenticated" : "forbidden");
          LOG.debug("remote_write request refused: {}", who.message());
          HttpBodies.refuse(vertx, req, () -> {
            if (unauthenticated && !req.response().ended()) {
              req.response().putHeader("WWW-Authenticate", "Bearer realm=\"lookout\"");
            }
            return respond(req, unauthenticated ? 401 : 403, who.message(), 0);
          });
          return;
        }
        tenant = who.tenant();
      } catch (LookoutException e) {
        refusal = e;
      }
    }
    if (refusal != null) {
      refuse(req, refusal);
      return;
    }
    String resolved = tenant;
    HttpBodies.read(req, maxRequestBytes, "remote_write", body -> process(req, resolved, body),
        tooLarge -> refuse(req, tooLarge));
  }

  /** Content type, content encoding and protocol version; null when acceptable. */
  private static LookoutException checkHeaders(HttpServerRequest req) {
    String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !mediaType(contentType).equals(PROTOBUF)) {
      return unsupported((contentType == null ? "missing content type"
          : "unsupported content type '" + HttpBodies.abbreviate(contentType) + "'")
          + ": remote write 1.0 requires " + PROTOBUF);
    }
    if (contentType.toLowerCase(Locale.ROOT).replace(" ", "").contains("proto=" + V2_PROTO)) {
      return unsupported("remote write 2.0 (proto=io.prometheus.write.v2.Request) is not supported:"
          + " send remote write 1.0 (prometheus.WriteRequest)");
    }
    String encoding = req.getHeader(HttpHeaders.CONTENT_ENCODING);
    if (encoding == null || !encoding.trim().equalsIgnoreCase(SNAPPY)) {
      return unsupported((encoding == null ? "missing content encoding"
          : "unsupported content encoding '" + HttpBodies.abbreviate(encoding) + "'")
          + ": remote write requires snappy (block format)");
    }
    String version = req.getHeader(VERSION_HEADER);
    if (version != null && !version.isBlank() && !version.trim().startsWith("0.") && !version.trim().startsWith("1.")) {
      return unsupported("unsupported " + VERSION_HEADER + " '" + HttpBodies.abbreviate(version)
          + "': this receiver speaks remote write 1.0 (" + VERSION + ")");
    }
    return null;
  }

  private void process(HttpServerRequest req, String tenant, ByteSink body) {
    Context context = vertx.getOrCreateContext();
    vertx.<CompletableFuture<AppendResult>>executeBlocking(() -> {
          byte[] raw = RemoteWriteDecoder.decompress(body.array(), body.size(), (int) maxRequestBytes);
          metrics.bytes(SIGNAL, TRANSPORT, raw.length);
          SeriesBatch parsed = RemoteWriteDecoder.parse(raw, labelsCache);
          SeriesBounds.check(parsed);
          limits.admit(tenant, parsed.sampleCount(), raw.length);
          IngestLimits.SeriesAdmission admitted = limits.admitSeries(tenant, parsed);
          SeriesBatch batch = admitted.batch();
          long samples = batch.sampleCount();
          if (samples == 0 && batch.metadata().isEmpty()) {
            return CompletableFuture.completedFuture(withRejected(AppendResult.all(0), admitted));
          }
          try {
            return store.append(tenant, batch).thenApply(r -> withRejected(r, admitted));
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

  /** Adds the samples the active-series limit refused to a storage result. */
  private static AppendResult withRejected(AppendResult r, IngestLimits.SeriesAdmission admitted) {
    if (admitted.rejectedSamples() == 0) {
      return r;
    }
    String message = r.message() == null || r.message().isBlank()
        ? admitted.message() : r.message() + "; " + admitted.message();
    return new AppendResult(r.accepted(), r.rejected() + admitted.rejectedSamples(), message);
  }

  private void stored(HttpServerRequest req, String tenant, AppendResult r) {
    metrics.accepted(SIGNAL, TRANSPORT, r.accepted());
    if (r.rejected() <= 0) {
      metrics.request(SIGNAL, TRANSPORT, "success");
      HttpServerResponse resp = req.response();
      if (!resp.ended() && !resp.closed()) {
        resp.setStatusCode(204).putHeader(VERSION_HEADER, VERSION).end();
      }
      return;
    }
    // Prometheus's own receiver: samples it cannot append are a client error (400, not retried);
    // the samples it could append stay stored.
    metrics.rejected(SIGNAL, "storage", r.rejected());
    metrics.request(SIGNAL, TRANSPORT, "partial_success");
    String detail = r.message() == null || r.message().isBlank() ? "" : ": " + r.message();
    String message = "stored " + r.accepted() + " samples, rejected " + r.rejected() + detail;
    LOG.debug("remote_write for tenant {}: {} samples stored, {} rejected", tenant, r.accepted(), r.rejected());
    respond(req, 400, message, 0);
  }

  private void fail(HttpServerRequest req, String tenant, Throwable failure) {
    LookoutException known = Failures.known(failure);
    if (known == null) {
      LOG.error("internal error in remote_write for tenant {}", tenant, Failures.cause(failure));
      known = new LookoutException(ErrorCode.INTERNAL,
          "internal error while handling the write; the server logged the cause");
    } else {
      LOG.debug("remote_write for tenant {} refused: {}", tenant, known.getMessage());
    }
    respondError(req, known);
  }

  private void refuse(HttpServerRequest req, LookoutException e) {
    LOG.debug("remote_write request refused: {}", e.getMessage());
    HttpBodies.refuse(vertx, req, () -> respondError(req, e));
  }

  private Future<Void> respondError(HttpServerRequest req, LookoutException e) {
    metrics.request(SIGNAL, TRANSPORT, Failures.outcome(e.code()));
    int retryAfter = Failures.retryable(e.code()) ? Math.max(1, e.retryAfterSeconds()) : 0;
    return respond(req, Failures.httpStatus(e.code()), e.getMessage(), retryAfter);
  }

  private static Future<Void> respond(HttpServerRequest req, int status, String message, int retryAfterSeconds) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return Future.succeededFuture();
    }
    resp.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader(VERSION_HEADER, VERSION);
    if (retryAfterSeconds > 0) {
      resp.putHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }
    return resp.end(message + "\n");
  }

  private static LookoutException unsupported(String message) {
    return new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message);
  }

  private static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }
}
