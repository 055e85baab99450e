package io.lookout.ingest;

import io.lookout.ingest.internal.Bodies;
import io.lookout.ingest.internal.ByteSink;
import io.lookout.ingest.internal.ExportPipeline;
import io.lookout.ingest.internal.ExportPipeline.Format;
import io.lookout.ingest.internal.ExportPipeline.Reply;
import io.lookout.ingest.internal.Failures;
import io.lookout.ingest.internal.IngestMetrics;
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
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC receiver for {@code opentelemetry.proto.collector.{logs,trace,metrics}.v1.*Service/Export}.
 * Messages are taken raw and decompressed here (gzip, bounded by the request limit), decoded on
 * a worker thread and answered with the Export*ServiceResponse, or with a status: INVALID_ARGUMENT
 * for bad data, RESOURCE_EXHAUSTED for too large, UNAVAILABLE with a {@code google.rpc.RetryInfo}
 * in {@code grpc-status-details-bin} when storage is overloaded, INTERNAL for bugs.
 *
 * <p>Serve {@link #grpcServer()} with {@code vertx.createHttpServer(OtlpGrpcReceiver.serverOptions(4317))
 * .requestHandler(receiver.grpcServer())}.
 */
public final class OtlpGrpcReceiver {
  /** The gRPC metadata key that names the tenant. */
  public static final String TENANT_METADATA = Tenant.HEADER.toLowerCase(java.util.Locale.ROOT);
  /** The gRPC metadata key that carries credentials ({@code Bearer <token>}). */
  public static final String AUTHORIZATION_METADATA = "authorization";
  static final String STATUS_DETAILS = "grpc-status-details-bin";

  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);

  private final Vertx vertx;
  private final long maxRequestBytes;
  private final IngestMetrics metrics;
  private final ExportPipeline pipeline;
  private final GrpcServer server;
  private final IngestAuth auth;

  /**
   * @param translator turns OTLP metrics into Prometheus series; it keeps the delta-to-cumulative
   *     state, so create one per server and pass the same instance to both OTLP receivers
   * @param spanMetrics counts the spans storage accepted into RED metrics; one per server, shared
   *     by both OTLP receivers ({@link SpanMetrics#disabled()} for none)
   */
  public OtlpGrpcReceiver(Vertx vertx, LogStore logs, SpanStore spans, MetricStore metricStore, OtlpToPrometheus translator,
      SpanMetrics spanMetrics, IngestConfig config, PrometheusRegistry registry) {
    this(vertx, logs, spans, metricStore, translator, spanMetrics, config, registry, IngestAuth.TRUST_ORG_ID);
  }

  /**
   * As above, with {@code auth} deciding the tenant of each call from the {@code authorization}
   * and {@code x-scope-orgid} metadata (UNAUTHENTICATED / PERMISSION_DENIED when it refuses).
   */
  public OtlpGrpcReceiver(Vertx vertx, LogStore logs, SpanStore spans, MetricStore metricStore, OtlpToPrometheus translator,
      SpanMetrics spanMetrics, IngestConfig config, PrometheusRegistry registry, IngestAuth auth) {
    this.auth = java.util.Objects.requireNonNull(auth, "auth");
    this.vertx = vertx;
    this.maxRequestBytes = config.maxRequestBytes();
    this.metrics = IngestMetrics.of(registry);
    this.pipeline = new ExportPipeline(logs, spans, metricStore, translator, spanMetrics, maxRequestBytes, metrics,
        new OtlpDecoder());
    GrpcServerOptions options = new GrpcServerOptions().setMaxMessageSize(maxRequestBytes);
    for (GrpcProtocol p : GrpcProtocol.values()) {
      if (p != GrpcProtocol.HTTP_2) {
        options.removeEnabledProtocol(p); // plain gRPC over HTTP/2 only; no gRPC-Web or transcoding
      }
    }
    this.server = GrpcServer.server(vertx, options);
    for (Signal signal : Signal.values()) {
      ServiceMethod<Buffer, Buffer> method = ServiceMethod.server(signal.grpcServiceName(), "Export",
          GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);
      server.callHandler(method, req -> handle(req, signal));
    }
  }

  /**
   * Applies per-tenant ingest limits (records and bytes per second, active series); share one
   * {@link IngestLimits} between every receiver of a server. Call before serving.
   */
  public OtlpGrpcReceiver limits(IngestLimits limits) {
    pipeline.limits(limits);
    return this;
  }

  /**
   * Options for the OTLP/gRPC server (port 4317): HTTP/2 cleartext with prior knowledge (what
   * gRPC clients speak without TLS), no HTTP-level decompression (gRPC compresses per message).
   */
  public static HttpServerOptions serverOptions(int port) {
    return new HttpServerOptions()
        .setPort(port)
        .setHttp2ClearTextEnabled(true)
        .setDecompressionSupported(false)
        .setCompressionSupported(false);
  }

  /** The request handler to serve on the gRPC port. */
  public GrpcServer grpcServer() {
    return server;
  }

  private void handle(GrpcServerRequest<Buffer, Buffer> req, Signal signal) {
    // Refusals are answered once the (small) request has ended, except too large messages,
    // which are refused at once while the framing layer skips their bytes without buffering.
    LookoutException[] refusal = {null};
    String tenant = null;
    IngestAuth.Result denied = null;
    try {
      IngestAuth.Result who = auth.authenticate(req.headers().get(AUTHORIZATION_METADATA), req.headers().get(TENANT_METADATA));
      if (who.ok()) {
        tenant = who.tenant();
      } else {
        denied = who;
      }
    } catch (LookoutException e) {
      refusal[0] = e;
    }
    if (req.format() != WireFormat.PROTOBUF) {
      refusal[0] = new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "unsupported grpc message format: use application/grpc (protobuf)");
    }
    GrpcMessage[] first = {null};
    int[] count = {0};
    boolean[] aborted = {false};
    req.invalidMessageHandler(invalid -> {
      aborted[0] = true;
      respondError(req, signal, invalid instanceof MessageSizeOverflowException overflow
          ? ByteSink.tooLarge(maxRequestBytes, "request message of " + overflow.messageSize() + " bytes")
          : LookoutException.badData("invalid grpc message framing"));
    });
    req.messageHandler(msg -> {
      if (!aborted[0] && refusal[0] == null && count[0]++ == 0) {
        first[0] = msg;
      }
    });
    req.exceptionHandler(err -> {
      aborted[0] = true;
      LOG.debug("otlp/grpc {} request aborted: {}", signal.label(), err.toString());
    });
    String resolved = tenant;
    IngestAuth.Result deniedCall = denied;
    req.endHandler(v -> {
      if (aborted[0]) {
        return;
      }
      if (deniedCall != null) {
        refuseAuth(req, signal, deniedCall);
      } else if (refusal[0] != null) {
        LOG.debug("otlp/grpc {} request refused: {}", signal.label(), refusal[0].getMessage());
        respondError(req, signal, refusal[0]);
      } else if (count[0] != 1) {
        respondError(req, signal, LookoutException.badData(
            "Export is a unary call: expected exactly 1 request message, got " + count[0]));
      } else {
        process(req, signal, resolved, first[0]);
      }
    });
  }

  private void process(GrpcServerRequest<Buffer, Buffer> req, Signal signal, String tenant, GrpcMessage msg) {
    String encoding = msg.encoding() == null ? "identity" : msg.encoding();
    if (!encoding.equals("identity") && !encoding.equals("gzip")) {
      req.response().headers().set("grpc-accept-encoding", "gzip,identity");
      respondError(req, signal, new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "unsupported grpc-encoding '" + encoding + "': use gzip or identity"));
      return;
    }
    Context context = vertx.getOrCreateContext();
    vertx.<CompletableFuture<Reply>>executeBlocking(() -> {
          byte[] raw = msg.payload().getBytes();
          ByteSink inflated = encoding.equals("gzip")
              ? Bodies.gunzip(raw, 0, raw.length, maxRequestBytes, "request message")
              : null;
          byte[] data = inflated == null ? raw : inflated.array();
          int length = inflated == null ? raw.length : inflated.size();
          metrics.bytes(signal, IngestMetrics.GRPC, length);
          return pipeline.export(signal, tenant, data, length, Format.PROTOBUF, IngestMetrics.GRPC);
        }, false)
        .compose(pending -> Future.fromCompletionStage(pending, context))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            Reply reply = ar.result();
            metrics.request(signal, IngestMetrics.GRPC, reply.rejected() > 0 ? "partial_success" : "success");
            GrpcServerResponse<Buffer, Buffer> resp = req.response();
            resp.end(Buffer.buffer(reply.response().toByteArray()))
                .onFailure(err -> LOG.debug("otlp/grpc {} response not sent: {}", signal.label(), err.toString()));
          } else {
            LookoutException known = Failures.known(ar.cause());
            if (known == null) {
              LOG.error("internal error in otlp/grpc {} export for tenant {}", signal.label(), tenant,
                  Failures.cause(ar.cause()));
              known = new LookoutException(ErrorCode.INTERNAL,
                  "internal error while handling the export; the server logged the cause");
            } else {
              LOG.debug("otlp/grpc {} export for tenant {} refused: {}", signal.label(), tenant, known.getMessage());
            }
            respondError(req, signal, known);
          }
        });
  }

  private void refuseAuth(GrpcServerRequest<Buffer, Buffer> req, Signal signal, IngestAuth.Result who) {
    boolean unauthenticated = who.outcome() == IngestAuth.Outcome.UNAUTHENTICATED;
    metrics.request(signal, IngestMetrics.GRPC, unauthenticated ? "unauthenticated" : "forbidden");
    LOG.debug("otlp/grpc {} request refused: {}", signal.label(), who.message());
    try {
      req.response().status(unauthenticated ? GrpcStatus.UNAUTHENTICATED : GrpcStatus.PERMISSION_DENIED)
          .statusMessage(who.message());
      req.response().end().onFailure(err -> LOG.debug("otlp/grpc {} status not sent: {}", signal.label(), err.toString()));
    } catch (IllegalStateException alreadySent) {
      LOG.debug("otlp/grpc {} status not sent, the response was already complete", signal.label());
    }
  }

  private void respondError(GrpcServerRequest<Buffer, Buffer> req, Signal signal, LookoutException e) {
    metrics.request(signal, IngestMetrics.GRPC, Failures.outcome(e.code()));
    GrpcServerResponse<Buffer, Buffer> resp = req.response();
    RpcStatus status = Failures.status(e.code(), e.getMessage(), e.retryAfterSeconds());
    try {
      resp.status(Failures.grpcStatus(e.code())).statusMessage(e.getMessage());
      resp.trailers().set(STATUS_DETAILS, Base64.getEncoder().withoutPadding().encodeToString(status.toProtobuf()));
      resp.end().onFailure(err -> LOG.debug("otlp/grpc {} status not sent: {}", signal.label(), err.toString()));
    } catch (IllegalStateException alreadySent) {
      LOG.debug("otlp/grpc {} status not sent, the response was already complete", signal.label());
    }
  }
}
