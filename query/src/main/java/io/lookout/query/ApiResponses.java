package io.lookout.query;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.query.internal.Json;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the Prometheus-shaped response envelope of the native APIs:
 * {@code {"status":"success","data":...}} or
 * {@code {"status":"error","errorType":"bad_data","error":"..."}}. Other modules reuse it so that
 * every {@code /api} route answers alike.
 */
public final class ApiResponses {
  /** Routing-context key holding the {@code errorType} of an error response, read by metrics. */
  public static final String ERROR_TYPE_KEY = "lookout.errorType";

  static final String INTERNAL_MESSAGE = "internal error, see the server log";
  private static final Logger LOG = LoggerFactory.getLogger(ApiResponses.class);
  private static final String JSON = "application/json";

  private ApiResponses() {}

  /** Answers 200 with {@code data} serialized by Jackson (maps, lists, records, strings...). */
  public static void success(RoutingContext ctx, Object data) {
    send(ctx, 200, Json.success(g -> g.writeObject(data)));
  }

  /** Answers with an already serialized envelope (see {@link #successBody}). */
  public static void send(RoutingContext ctx, int status, Buffer envelope) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    r.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(envelope);
  }

  /** A streaming writer of the {@code data} member. */
  @FunctionalInterface
  public interface DataWriter {
    void write(JsonGenerator g) throws java.io.IOException;
  }

  /** Serializes a success envelope; safe to call off the event loop. */
  public static Buffer successBody(DataWriter data) {
    return Json.success(data);
  }

  /** Answers with the error envelope for a {@link LookoutException}, with Retry-After if set. */
  public static void error(RoutingContext ctx, LookoutException e) {
    error(ctx, e.code().httpStatus(), e.code().errorType(), e.getMessage(), e.retryAfterSeconds());
  }

  /** Answers with the error envelope of an error class. */
  public static void error(RoutingContext ctx, ErrorCode code, String message) {
    error(ctx, code.httpStatus(), code.errorType(), message, 0);
  }

  /**
   * Answers with an error envelope.
   *
   * @param retryAfterSeconds sent as {@code Retry-After} when positive
   */
  public static void error(RoutingContext ctx, int status, String errorType, String message, int retryAfterSeconds) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    if (r.headWritten()) {
      r.reset();
      return;
    }
    ctx.put(ERROR_TYPE_KEY, errorType);
    if (retryAfterSeconds > 0) {
      r.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    }
    r.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Json.error(errorType, message));
  }

  /**
   * A failure handler for {@code router.route("/api/*").failureHandler(...)}: a
   * {@link LookoutException} keeps its class, a bare status (from {@code ctx.fail(404)} or
   * {@link HttpException}) gets a matching envelope, anything else is a 500 with a generic
   * message and its stack trace in the log.
   */
  public static Handler<RoutingContext> failureHandler() {
    return ApiResponses::handleFailure;
  }

  private static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof LookoutException e) {
      if (e.code() == ErrorCode.INTERNAL) {
        LOG.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), e);
      }
      error(ctx, e);
      return;
    }
    int status = ctx.statusCode();
    if (failure instanceof HttpException h) {
      status = h.getStatusCode();
    }
    if (status >= 400 && status < 500) {
      errorForStatus(ctx, status);
      return;
    }
    if (failure instanceof HttpClosedException || ctx.response().closed()) {
      // the client went away (or was cut for being too slow) while its body was read: no one to answer
      LOG.debug("connection closed during {} {}", ctx.request().method(), ctx.request().path());
      return;
    }
    LOG.error("unexpected error on {} {}", ctx.request().method(), ctx.request().path(), failure);
    error(ctx, ErrorCode.INTERNAL, INTERNAL_MESSAGE);
  }

  private static void errorForStatus(RoutingContext ctx, int status) {
    String path = ctx.request().path();
    switch (status) {
      case 404 -> error(ctx, ErrorCode.NOT_FOUND, "no API at " + abbreviate(path) + ": see the API documentation for the routes");
      case 405 -> error(ctx, 405, ErrorCode.BAD_DATA.errorType(),
          "method " + ctx.request().method() + " is not allowed on " + abbreviate(path), 0);
      case 413 -> error(ctx, ErrorCode.TOO_LARGE, "request body too large for " + abbreviate(path));
      case 415 -> error(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type for " + abbreviate(path));
      default -> error(ctx, status, ErrorCode.BAD_DATA.errorType(), "bad request to " + abbreviate(path), 0);
    }
  }

  static String abbreviate(String v) {
    if (v == null) {
      return "";
    }
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
