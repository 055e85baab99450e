package io.lookout.agent.relay;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
 * OTLP/gRPC: the unary {@code Export} of the logs, trace and metrics services. Messages are taken
 * raw (gzip inflated here, bounded); the response is sent once the sink has the data, else a
 * status: UNAVAILABLE with a RetryInfo when the sink refuses, INVALID_ARGUMENT, RESOURCE_EXHAUSTED
 * or UNIMPLEMENTED for unusable requests.
 */
final class GrpcIngress {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcIngress.class);

  private final Vertx vertx;
  private final RelayPipeline pipeline;
  private final GrpcServer server;

  GrpcIngress(Vertx vertx, RelayPipeline pipeline) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    GrpcServerOptions options = new GrpcServerOptions().setMaxMessageSize(pipeline.maxBytes());
    for (GrpcProtocol p : GrpcProtocol.values()) {
      if (p != GrpcProtocol.HTTP_2) {
        options.removeEnabledProtocol(p);
      }
    }
    this.server = GrpcServer.server(vertx, options);
    for (RelaySignal signal : RelaySignal.values()) {
      server.callHandler(ServiceMethod.server(signal.grpcService(), "Export", GrpcMessageEncoder.IDENTITY,
          GrpcMessageDecoder.IDENTITY), req -> handle(req, signal));
    }
  }

  GrpcServer server() {
    return server;
  }

  private void handle(GrpcServerRequest<Buffer, Buffer> req, RelaySignal signal) {
    GrpcMessage[] first = {null};
    int[] count = {0};
    boolean[] done = {false};
    req.invalidMessageHandler(invalid -> {
      done[0] = true;
      fail(req, signal, invalid instanceof MessageSizeOverflowException
          ? pipeline.tooLarge("request message")
          : LookoutException.badData("invalid grpc message framing"));
    });
    req.messageHandler(msg -> {
      if (count[0]++ == 0) {
        first[0] = msg;
      }
    });
    req.exceptionHandler(err -> {
      done[0] = true;
      LOG.debug("otlp/grpc {} request aborted: {}", signal.label(), err.toString());
    });
    req.endHandler(v -> {
      if (done[0]) {
        return;
      }
      if (req.format() != WireFormat.PROTOBUF) {
        fail(req, signal, new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "unsupported grpc message format: use application/grpc (protobuf)"));
      } else if (count[0] != 1) {
        fail(req, signal, LookoutException.badData("Export is unary: expected 1 request message, got " + count[0]));
      } else {
        process(req, signal, first[0]);
      }
    });
  }

  private void process(GrpcServerRequest<Buffer, Buffer> req, RelaySignal signal, GrpcMessage msg) {
    String encoding = msg.encoding() == null ? "identity" : msg.encoding();
    if (!encoding.equals("identity") && !encoding.equals("gzip")) {
      req.response().headers().set("grpc-accept-encoding", "gzip,identity");
      fail(req, signal, new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "unsupported grpc-encoding '" + encoding + "': use gzip or identity"));
      return;
    }
    Context context = vertx.getOrCreateContext();
    vertx.<CompletableFuture<Void>>executeBlocking(() -> pipeline.relay(signal, RelayPipeline.GRPC,
            msg.payload().getBytes(), encoding.equals("gzip"), false), false)
        .compose(queued -> Future.fromCompletionStage(queued, context))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            pipeline.success(signal, RelayPipeline.GRPC);
            req.response().end(Buffer.buffer(signal.response().toByteArray()))
                .onFailure(err -> LOG.debug("otlp/grpc {} response not sent: {}", signal.label(), err.toString()));
          } else {
            fail(req, signal, ar.cause());
          }
        });
  }

  private void fail(GrpcServerRequest<Buffer, Buffer> req, RelaySignal signal, Throwable t) {
    RelayPipeline.Failure f = pipeline.failure(signal, RelayPipeline.GRPC, t);
    if (f.outcome().equals("internal")) {
      LOG.error("internal error relaying otlp/grpc {}", signal.label(), RelayPipeline.unwrap(t));
    } else {
      LOG.debug("otlp/grpc {} request refused: {}", signal.label(), f.message());
    }
    GrpcServerResponse<Buffer, Buffer> resp = req.response();
    try {
      resp.status(GrpcStatus.valueOf(f.grpcCode())).statusMessage(f.message());
      resp.trailers().set("grpc-status-details-bin",
          Base64.getEncoder().withoutPadding().encodeToString(f.status().toProtobuf()));
      resp.end().onFailure(err -> LOG.debug("otlp/grpc {} status not sent: {}", signal.label(), err.toString()));
    } catch (IllegalStateException alreadySent) {
      LOG.debug("otlp/grpc {} status not sent: the response was complete", signal.label());
    }
  }
}
