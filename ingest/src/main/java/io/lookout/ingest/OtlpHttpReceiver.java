package io.lookout.ingest;

import io.lookout.ingest.internal.Bodies;
import io.lookout.ingest.internal.ByteSink;
import io.lookout.ingest.internal.ExportPipeline;
import io.lookout.ingest.internal.ExportPipeline.Format;
import io.lookout.ingest.internal.ExportPipeline.Reply;
import io.lookout.ingest.internal.Failures;
import io.lookout.ingest.internal.HttpBodies;
import io.lookout.ingest.internal.IngestMetrics;
import io.lookout.ingest.internal.OtlpJson;
import io.lookout.ingest.internal.RpcStatus;
import io.lookout.ingest.internal.Signal;
import io.lookout.ingest.metrics.OtlpToPrometheus;
import io.lookout.ingest.metrics.SpanMetrics;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.MetricStore;
import io.lookout.model.spi.SpanStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP receiver: {@code POST /v1/logs}, {@code /v1/traces}, {@code /v1/metrics} with binary
 * protobuf or JSON bodies, optionally gzip-compressed. Reads the body itself with a running byte
 * count (the limit applies to the received and to the decompressed body), decodes on a worker
 * thread and answers in the request's content type, as the OTLP specification asks.
 *
 * <p>Mount it on a router that has no {@code BodyHandler} in front of these paths, served by an
 * HTTP server created with {@link #serverOptions(int)} (no transparent decompression).
 */
public final class OtlpHttpReceiver {
  public static final String PROTOBUF = "application/x-protobuf";
  public static final String JSON = "application/json";

  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpReceiver.class);

  private final Vertx vertx;
  private final long maxRequestBytes;
  private final IngestMetrics metrics;
  private final ExportPipeline pipeline;
  private final IngestAuth auth;

  /**
   * @param translator turns OTLP metrics into Prometheus series; it keeps the delta-to-cumulative
   *     state, so create one per server and pass the same instance to both OTLP receivers
   * @param spanMetrics counts the spans storage accepted into RED metrics; one per server, shared
   *     by both OTLP receivers ({@link SpanMetrics#disabled()} for none)
   */
  public OtlpHttpReceiver(Vertx vertx, LogStore logs, SpanStore spans, MetricStore metricStore, OtlpToPrometheus translator,
      SpanMetrics spanMetrics, IngestConfig config, PrometheusRegistry registry) {
    this(vertx, logs, spans, metricStore, translator, spanMetrics, config, registry, IngestAuth.TRUST_ORG_ID);
  }

  /** As above, with {@code auth} deciding the tenant of each request (and refusing bad credentials). */
  public OtlpHttpReceiver(Vertx vertx, LogStore logs, SpanStore spans, MetricStore metricStore, OtlpToPrometheus translator,
      SpanMetrics spanMetrics, IngestConfig config, PrometheusRegistry registry, IngestAuth auth) {
    this.auth = java.util.Objects.requireNonNull(auth, "auth");
    this.vertx = vertx;
    this.maxRequestBytes = config.maxRequestBytes();
    this.metrics = IngestMetrics.of(registry);
    this.pipeline = new ExportPipeline(logs, spans, metricStore, translator, spanMetrics, maxRequestBytes, metrics,
        new OtlpDecoder());
  }

  /**
   * Applies per-tenant ingest limits (records and bytes per second, active series); share one
   * {@link IngestLimits} between every receiver of a server. Call before serving.
   */
  public OtlpHttpReceiver limits(IngestLimits limits) {
    pipeline.limits(limits);
    return this;
  }

  /**
   * Options for the OTLP/HTTP server (port 4318): HTTP/1.1 and HTTP/2 cleartext, and no
   * transparent request decompression (the receiver inflates gzip itself, within the limit).
   */
  public static HttpServerOptions serverOptions(int port) {
    return new HttpServerOptions()
        .setPort(port)
        .setHttp2ClearTextEnabled(true)
        .setDecompressionSupported(false)
        .setCompressionSupported(false);
  }

  /** Adds {@code POST /v1/logs}, {@code /v1/traces} and {@code /v1/metrics} to the router. */
  public void mount(Router router) {
    for (Signal signal : Signal.values()) {
      router.post(signal.httpPath()).handler(ctx -> handle(ctx.request(), signal));
    }
  }

  private void handle(HttpServerRequest req, Signal signal) {
    String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
    Format format = format(contentType);
    if (format == null) {
      String what = contentType == null
          ? "missing content type"
          : "unsupported content type '" + HttpBodies.abbreviate(contentType) + "'";
      refuse(req, signal, Format.PROTOBUF, new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          what + ": use " + PROTOBUF + " or " + JSON));
      return;
    }
    String encoding = req.getHeader(HttpHeaders.CONTENT_ENCODING);
    boolean gzip;
    if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
      gzip = false;
    } else if (encoding.trim().equalsIgnoreCase("gzip")) {
      gzip = true;
    } else {
      refuse(req, signal, format, new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "unsupported content encoding '" + HttpBodies.abbreviate(encoding) + "': use gzip, or send the body uncompressed"));
      return;
    }
    String tenant;
    try {
      IngestAuth.Result who = auth.authenticate(req.getHeader(HttpHeaders.AUTHORIZATION), req.getHeader(Tenant.HEADER));
      if (!who.ok()) {
        refuseAuth(req, signal, format, who);
        return;
      }
      tenant = who.tenant();
    } catch (LookoutException e) {
      refuse(req, signal, format, e);
      return;
    }
    HttpBodies.read(req, maxRequestBytes, "otlp/http " + signal.label(),
        body -> process(req, signal, format, gzip, tenant, body),
        tooLarge -> refuse(req, signal, format, tooLarge));
  }

  private void process(HttpServerRequest req, Signal signal, Format format, boolean gzip, String tenant, ByteSink body) {
    Context context = vertx.getOrCreateContext();
    vertx.<CompletableFuture<Reply>>executeBlocking(() -> {
          ByteSink payload = gzip
              ? Bodies.gunzip(body.array(), 0, body.size(), maxRequestBytes, "request body")
              : body;
          metrics.bytes(signal, IngestMetrics.HTTP, payload.size());
          return pipeline.export(signal, tenant, payload.array(), payload.size(), format, IngestMetrics.HTTP);
        }, false)
        .compose(pending -> Future.fromCompletionStage(pending, context))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            succeed(req, signal, format, ar.result());
          } else {
            fail(req, signal, format, tenant, ar.cause());
          }
        });
  }

  private void succeed(HttpServerRequest req, Signal signal, Format format, Reply reply) {
    metrics.request(signal, IngestMetrics.HTTP, reply.rejected() > 0 ? "partial_success" : "success");
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    Buffer out = format == Format.JSON
        ? Buffer.buffer(OtlpJson.print(reply.response()).getBytes(StandardCharsets.UTF_8))
        : Buffer.buffer(reply.response().toByteArray());
    resp.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, contentType(format)).end(out);
  }

  private void fail(HttpServerRequest req, Signal signal, Format format, String tenant, Throwable failure) {
    LookoutException known = Failures.known(failure);
    if (known == null) {
      LOG.error("internal error in otlp/http {} export for tenant {}", signal.label(), tenant, Failures.cause(failure));
      known = new LookoutException(ErrorCode.INTERNAL,
          "internal error while handling the export; the server logged the cause");
    } else {
      LOG.debug("otlp/http {} export for tenant {} refused: {}", signal.label(), tenant, known.getMessage());
    }
    respondError(req, signal, format, known);
  }

  /** Refuses a request before or while its body is read: answers at once, drops the rest, then closes. */
  private void refuse(HttpServerRequest req, Signal signal, Format format, LookoutException e) {
    LOG.debug("otlp/http {} request refused: {}", signal.label(), e.getMessage());
    HttpBodies.refuse(vertx, req, () -> respondError(req, signal, format, e));
  }

  /** 401 (no or bad credentials) or 403 (no ingest role) with a google.rpc.Status body. */
  private void refuseAuth(HttpServerRequest req, Signal signal, Format format, IngestAuth.Result who) {
    boolean unauthenticated = who.outcome() == IngestAuth.Outcome.UNAUTHENTICATED;
    metrics.request(signal, IngestMetrics.HTTP, unauthenticated ? "unauthenticated" : "forbidden");
    LOG.debug("otlp/http {} request refused: {}", signal.label(), who.message());
    HttpBodies.refuse(vertx, req, () -> {
      HttpServerResponse resp = req.response();
      if (resp.ended() || resp.closed()) {
        return Future.succeededFuture();
      }
      RpcStatus status = new RpcStatus(unauthenticated ? RpcStatus.UNAUTHENTICATED : RpcStatus.PERMISSION_DENIED,
          who.message(), 0);
      resp.setStatusCode(unauthenticated ? 401 : 403);
      if (unauthenticated) {
        resp.putHeader("WWW-Authenticate", "Bearer realm=\"lookout\"");
      }
      resp.putHeader(HttpHeaders.CONTENT_TYPE, contentType(format));
      return resp.end(Buffer.buffer(format == Format.JSON ? status.toJson() : status.toProtobuf()));
    });
  }

  private Future<Void> respondError(HttpServerRequest req, Signal signal, Format format, LookoutException e) {
    metrics.request(signal, IngestMetrics.HTTP, Failures.outcome(e.code()));
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return Future.succeededFuture();
    }
    RpcStatus status = Failures.status(e.code(), e.getMessage(), e.retryAfterSeconds());
    resp.setStatusCode(Failures.httpStatus(e.code()));
    if (status.retryAfterSeconds() > 0) {
      resp.putHeader("Retry-After", Integer.toString(status.retryAfterSeconds()));
    }
    resp.putHeader(HttpHeaders.CONTENT_TYPE, contentType(format));
    return resp.end(Buffer.buffer(format == Format.JSON ? status.toJson() : status.toProtobuf()));
  }

  private static Format format(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return switch (media) {
      case PROTOBUF -> Format.PROTOBUF;
      case JSON -> Format.JSON;
      default -> null;
    };
  }

  private static String contentType(Format format) {
    return format == Format.JSON ? JSON : PROTOBUF;
  }
}
