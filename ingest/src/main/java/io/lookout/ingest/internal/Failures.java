package io.lookout.ingest.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one place where error classes map onto HTTP statuses, gRPC statuses and metric outcomes. */
public final class Failures {
  private Failures() {}

  /** The {@link LookoutException} behind a failure, or null when it is an unexpected (internal) error. */
  public static LookoutException known(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof LookoutException le ? le : null;
  }

  /** Unwraps future wrappers, for logging the real cause. */
  public static Throwable cause(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  public static int httpStatus(ErrorCode code) {
    return code.httpStatus();
  }

  public static GrpcStatus grpcStatus(ErrorCode code) {
    return switch (code) {
      case BAD_DATA -> GrpcStatus.INVALID_ARGUMENT;
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case TOO_LARGE -> GrpcStatus.RESOURCE_EXHAUSTED;
      case UNSUPPORTED_MEDIA_TYPE -> GrpcStatus.UNIMPLEMENTED;
      case EXECUTION -> GrpcStatus.FAILED_PRECONDITION;
      // OTLP: throttling is RESOURCE_EXHAUSTED with a RetryInfo; overload is UNAVAILABLE
      case RATE_LIMITED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case OVERLOADED -> GrpcStatus.UNAVAILABLE;
      case TIMEOUT -> GrpcStatus.DEADLINE_EXCEEDED;
      case INTERNAL -> GrpcStatus.INTERNAL;
    };
  }

  /** True when the client should retry later (HTTP 429/503 with Retry-After, gRPC RetryInfo). */
  public static boolean retryable(ErrorCode code) {
    return code == ErrorCode.OVERLOADED || code == ErrorCode.RATE_LIMITED || code == ErrorCode.TIMEOUT;
  }

  /** Value of the {@code outcome} label of the request counter. */
  public static String outcome(ErrorCode code) {
    return code.name().toLowerCase(Locale.ROOT);
  }

  /** The Status a client sees for a failure; retryable failures carry at least one second of delay. */
  public static RpcStatus status(ErrorCode code, String message, int retryAfterSeconds) {
    int retry = retryable(code) ? Math.max(1, retryAfterSeconds) : 0;
    return new RpcStatus(grpcStatus(code).code, message, retry);
  }
}
