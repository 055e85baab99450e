package io.lookout.agent.relay;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.lookout.agent.pipeline.Sink;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.GZIPInputStream;

/**
 * What both transports do with a received export: inflate (bounded), decode or validate, and
 * submit protobuf to the sink; plus the one mapping of failures to HTTP and gRPC statuses and the
 * request counter.
 */
final class RelayPipeline {
  static final String HTTP = "http";
  static final String GRPC = "grpc";
  /** Seconds a client is told to wait when the agent's queue refuses data. */
  static final int RETRY_AFTER_SECONDS = 5;

  /** The answer for a failure. */
  record Failure(int httpStatus, int grpcCode, String message, int retryAfterSeconds, String outcome) {
    RpcStatus status() {
      return new RpcStatus(grpcCode, message, retryAfterSeconds);
    }
  }

  private final Sink sink;
  private final long maxBytes;
  private final OtlpJsonDecoder json = new OtlpJsonDecoder();
  private final Counter requests;
  private final Counter bytes;

  RelayPipeline(Sink sink, long maxBytes, PrometheusRegistry registry) {
    this.sink = sink;
    this.maxBytes = maxBytes;
    this.requests = Counter.builder()
        .name("lookout_agent_relay_requests_total")
        .help("OTLP export requests received by the local relay, by signal, transport and outcome"
            + " (success, bad_data, too_large, unsupported, unavailable, internal)")
        .labelNames("signal", "transport", "outcome")
        .register(registry);
    this.bytes = Counter.builder()
        .name("lookout_agent_relay_received_bytes_total")
        .help("Bytes of OTLP export requests received by the local relay (after decompression), by signal and transport")
        .labelNames("signal", "transport")
        .register(registry);
  }

  long maxBytes() {
    return maxBytes;
  }

  /**
   * Decodes one request and hands it to the sink; call on a worker thread (the sink may write to
   * disk). The future completes when the sink has it durably, or fails with an overloaded
   * {@link LookoutException}.
   *
   * @throws LookoutException bad_data or too_large for a request that cannot be relayed
   */
  CompletableFuture<Void> relay(RelaySignal signal, String transport, byte[] body, boolean gzip, boolean isJson) {
    byte[] data = gzip ? gunzip(body) : body;
    bytes.labelValues(signal.label(), transport).inc(data.length);
    Message request;
    byte[] protobuf;
    if (isJson) {
      request = json.decode(data, signal);
      protobuf = request.toByteArray();
    } else {
      try {
        request = signal.parse(data);
      } catch (InvalidProtocolBufferException e) {
        throw LookoutException.badData("invalid OTLP protobuf " + signal.label() + " request: " + e.getMessage());
      }
      protobuf = data;
    }
    if (RelaySignal.isEmpty(request)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> queued;
    try {
      queued = sink.submit(signal.sinkSignal(), protobuf);
    } catch (RuntimeException e) {
      queued = CompletableFuture.failedFuture(e);
    }
    return queued.exceptionallyCompose(err -> CompletableFuture.failedFuture(
        LookoutException.overloaded("the agent cannot queue the data now (" + unwrap(err).getMessage()
            + "): retry later", RETRY_AFTER_SECONDS)));
  }

  private byte[] gunzip(byte[] body) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(1 << 20, body.length * 4L + 64));
      byte[] chunk = new byte[16384];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + (long) n > maxBytes) {
          throw tooLarge("decompressed body");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw LookoutException.badData("invalid gzip body: " + e.getMessage());
    }
  }

  LookoutException tooLarge(String what) {
    return new LookoutException(ErrorCode.TOO_LARGE,
        what + " over the relay's limit of " + maxBytes + " bytes: send smaller batches");
  }

  void success(RelaySignal signal, String transport) {
    requests.labelValues(signal.label(), transport, "success").inc();
  }

  /** Maps a failure to the answer and counts it. */
  Failure failure(RelaySignal signal, String transport, Throwable t) {
    Throwable cause = unwrap(t);
    Failure f;
    if (cause instanceof LookoutException e) {
      f = switch (e.code()) {
        case BAD_DATA -> new Failure(400, RpcStatus.INVALID_ARGUMENT, e.getMessage(), 0, "bad_data");
        case TOO_LARGE -> new Failure(413, RpcStatus.RESOURCE_EXHAUSTED, e.getMessage(), 0, "too_large");
        case UNSUPPORTED_MEDIA_TYPE -> new Failure(415, RpcStatus.UNIMPLEMENTED, e.getMessage(), 0, "unsupported");
        case OVERLOADED, RATE_LIMITED, TIMEOUT -> new Failure(503, RpcStatus.UNAVAILABLE, e.getMessage(),
            Math.max(1, e.retryAfterSeconds()), "unavailable");
        default -> new Failure(500, RpcStatus.INTERNAL, e.getMessage(), 0, "internal");
      };
    } else {
      f = new Failure(500, RpcStatus.INTERNAL, "internal error in the agent's relay: "
          + cause.getClass().getSimpleName().toLowerCase(Locale.ROOT), 0, "internal");
    }
    requests.labelValues(signal.label(), transport, f.outcome()).inc();
    return f;
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
