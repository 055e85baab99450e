package io.lookout.ingest;

import io.lookout.ingest.internal.Bodies;
import io.lookout.ingest.internal.ByteSink;
import io.lookout.ingest.internal.ExportPipeline;
import io.lookout.ingest.internal.ExportPipeline.Format;
import io.lookout.ingest.internal.ExportPipeline.Reply;
import io.lookout.ingest.internal.Failures;
import io.lookout.ingest.internal.IngestMetrics;
import io.lookout.ingest.internal.OtlpJson;
import io.lookout.ingest.internal.RpcStatus;
import io.lookout.ingest.internal.Signal;
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
import io.vertx.core.http.HttpVersion;
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
  /** After a refusal, how long the rest of an unwanted body is read and dropped before closing. */
  static final long DRAIN_GRACE_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpReceiver.class);
  private static final int MAX_INITIAL_BUFFER = 1 << 20;

  private final Vertx vertx;
  private final long maxRequestBytes;
  private final IngestMetrics metrics;
  private final ExportPipeline pipeline;

  public OtlpHttpReceiver(Vertx vertx, LogStore logs, SpanStore spans, MetricStore metricStore, IngestConfig config,
      PrometheusRegistry registry) {
    this.vertx = vertx;
    this.maxRequestBytes = config.maxRequestBytes();
    this.metrics = IngestMetrics.of(registry);
    this.pipeline = new ExportPipeline(logs, spans, metricStore, maxRequestBytes, metrics, new OtlpDecoder());
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
          : "unsupported content type '" + abbreviate(contentType) + "'";
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
          "unsupported content encoding '" + abbreviate(encoding) + "': use gzip, or send the body uncompressed"));
      return;
    }
    String tenant;
    try {
      tenant = Tenant.resolve(req.getHeader(Tenant.HEADER));
    } catch (LookoutException e) {
      refuse(req, signal, format, e);
      return;
    }
    long declared = contentLength(req);
    if (declared > maxRequestBytes) {
      refuse(req, signal, format, ByteSink.tooLarge(maxRequestBytes, "request body of " + declared + " bytes"));
      return;
    }
    int initial = (int) Math.min(MAX_INITIAL_BUFFER, declared > 0 ? declared : 64 * 1024);
    ByteSink body = new ByteSink(initial, maxRequestBytes, "request body");
    boolean[] done = {false};
    req.handler(chunk -> {
      if (done[0]) {
        return;
      }
      int n = chunk.length();
      try {
        byte[] into = body.reserve(n);
        chunk.getBytes(0, n, into, body.size());
        body.advance(n);
      } catch (LookoutException tooLarge) {
        done[0] = true;
        refuse(req, signal, format, tooLarge);
      }
    });
    req.exceptionHandler(err -> {
      if (!done[0]) {
        done[0] = true;
        LOG.debug("otlp/http {} request aborted while reading the body: {}", signal.label(), err.toString());
      }
    });
    req.endHandler(v -> {
      if (!done[0]) {
        done[0] = true;
        process(req, signal, format, gzip, tenant, body);
      }
    });
    req.resume();
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
    boolean http1 = req.version() != HttpVersion.HTTP_2;
    if (http1) {
      req.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    Future<Void> written = respondError(req, signal, format, e);
    if (req.isEnded()) {
      if (http1) {
        written.onComplete(v -> req.connection().close());
      }
      return;
    }
    // Read and drop what the client is still sending (bounded in time, never buffered), so that
    // it sees the response instead of a reset, then close the connection.
    long timer = vertx.setTimer(DRAIN_GRACE_MILLIS, id -> req.connection().close());
    req.handler(chunk -> {});
    req.exceptionHandler(err -> vertx.cancelTimer(timer));
    req.endHandler(v -> {
      vertx.cancelTimer(timer);
      if (http1) {
        written.onComplete(w -> req.connection().close());
      }
    });
    req.resume();
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

  private static long contentLength(HttpServerRequest req) {
    String v = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
