package io.lookout.agent.relay;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP: {@code POST /v1/logs}, {@code /v1/traces}, {@code /v1/metrics} with protobuf or JSON
 * bodies, optionally gzip; answers 200 (in the request's content type) once the sink has the
 * data, 503 with {@code Retry-After} when it refuses, 400/413/415 for unusable requests.
 */
final class HttpIngress implements Handler<HttpServerRequest> {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);

  private final Vertx vertx;
  private final RelayPipeline pipeline;

  HttpIngress(Vertx vertx, RelayPipeline pipeline) {
    this.vertx = vertx;
    this.pipeline = pipeline;
  }

  @Override
  public void handle(HttpServerRequest req) {
    RelaySignal signal = RelaySignal.ofPath(req.path());
    if (signal == null) {
      plain(req, 404, "unknown path: the relay serves POST /v1/logs, /v1/traces and /v1/metrics");
      return;
    }
    if (req.method() != HttpMethod.POST) {
      req.response().putHeader("Allow", "POST");
      plain(req, 405, "method " + req.method() + " not allowed: use POST");
      return;
    }
    String media = media(req.getHeader("Content-Type"));
    boolean json = JSON.equals(media);
    if (!json && !PROTOBUF.equals(media)) {
      fail(req, signal, false, new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "unsupported content type '" + media + "': use " + PROTOBUF + " or " + JSON));
      return;
    }
    String encoding = req.getHeader("Content-Encoding");
    encoding = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
    if (!encoding.isEmpty() && !encoding.equals("identity") && !encoding.equals("gzip")) {
      fail(req, signal, json, new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "unsupported content encoding '" + encoding + "': use gzip or none"));
      return;
    }
    boolean gzip = encoding.equals("gzip");
    String length = req.getHeader("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > pipeline.maxBytes()) {
      fail(req, signal, json, pipeline.tooLarge("request body of " + length + " bytes"));
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    req.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + (long) chunk.length() > pipeline.maxBytes()) {
        refused[0] = true;
        fail(req, signal, json, pipeline.tooLarge("request body"));
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(err -> {
      refused[0] = true;
      LOG.debug("otlp/http {} request aborted: {}", signal.label(), err.toString());
    });
    req.endHandler(v -> {
      if (!refused[0]) {
        process(req, signal, json, gzip, body.getBytes());
      }
    });
  }

  private void process(HttpServerRequest req, RelaySignal signal, boolean json, boolean gzip, byte[] body) {
    Context context = vertx.getOrCreateContext();
    vertx.<CompletableFuture<Void>>executeBlocking(
            () -> pipeline.relay(signal, RelayPipeline.HTTP, body, gzip, json), false)
        .compose(queued -> Future.fromCompletionStage(queued, context))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            pipeline.success(signal, RelayPipeline.HTTP);
            HttpServerResponse resp = req.response();
            if (!resp.ended() && !resp.closed()) {
              resp.setStatusCode(200).putHeader("Content-Type", json ? JSON : PROTOBUF)
                  .end(Buffer.buffer(json ? jsonOf(signal) : signal.response().toByteArray()));
            }
          } else {
            fail(req, signal, json, ar.cause());
          }
        });
  }

  private void fail(HttpServerRequest req, RelaySignal signal, boolean json, Throwable t) {
    RelayPipeline.Failure f = pipeline.failure(signal, RelayPipeline.HTTP, t);
    if (f.outcome().equals("internal")) {
      LOG.error("internal error relaying otlp/http {}", signal.label(), RelayPipeline.unwrap(t));
    } else {
      LOG.debug("otlp/http {} request refused: {}", signal.label(), f.message());
    }
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    resp.setStatusCode(f.httpStatus()).putHeader("Content-Type", json ? JSON : PROTOBUF);
    if (f.retryAfterSeconds() > 0) {
      resp.putHeader("Retry-After", Integer.toString(f.retryAfterSeconds()));
    }
    boolean unread = !req.isEnded();
    boolean http1 = req.version() != io.vertx.core.http.HttpVersion.HTTP_2;
    if (unread && http1) {
      resp.putHeader("Connection", "close"); // the rest of the body is not read
    }
    resp.end(Buffer.buffer(json ? f.status().toJson() : f.status().toProtobuf())).onComplete(done -> {
      if (unread && http1) {
        req.connection().close();
      }
    });
  }

  private static void plain(HttpServerRequest req, int status, String message) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
  }

  private static String media(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static byte[] jsonOf(RelaySignal signal) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(signal.response()).getBytes(UTF_8);
    } catch (InvalidProtocolBufferException e) {
      return "{}".getBytes(UTF_8);
    }
  }
}
