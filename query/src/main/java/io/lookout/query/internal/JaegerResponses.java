package io.lookout.query.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.query.ApiResponses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error answers of the Jaeger API in Jaeger's envelope
 * ({@code {"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"..."}]}}),
 * with the same status classes, {@code Retry-After} and metrics key as the native API.
 */
public final class JaegerResponses {
  private static final Logger LOG = LoggerFactory.getLogger(JaegerResponses.class);

  private JaegerResponses() {}

  /** The failure handler of {@code /jaeger/api/*}. */
  public static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    String path = Params.abbreviate(ctx.request().path());
    if (failure instanceof LookoutException e) {
      if (e.code() == ErrorCode.INTERNAL) {
        LOG.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), e);
      }
      error(ctx, e.code().httpStatus(), e.code().errorType(), e.getMessage(), e.retryAfterSeconds());
      return;
    }
    int status = failure instanceof HttpException h ? h.getStatusCode() : ctx.statusCode();
    if (status == 404) {
      error(ctx, 404, ErrorCode.NOT_FOUND.errorType(), "no API at " + path + ": see the Jaeger query API for the routes", 0);
    } else if (status == 405) {
      error(ctx, 405, ErrorCode.BAD_DATA.errorType(), "method " + ctx.request().method() + " is not allowed on " + path, 0);
    } else if (status >= 400 && status < 500) {
      error(ctx, status, ErrorCode.BAD_DATA.errorType(), "bad request to " + path, 0);
    } else {
      LOG.error("unexpected error on {} {}", ctx.request().method(), ctx.request().path(), failure);
      error(ctx, 500, ErrorCode.INTERNAL.errorType(), "internal error, see the server log", 0);
    }
  }

  /** Answers with a Jaeger error envelope, unless the response is already under way. */
  public static void error(RoutingContext ctx, int status, String errorType, String message, int retryAfterSeconds) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    if (r.headWritten()) {
      r.reset();
      return;
    }
    ctx.put(ApiResponses.ERROR_TYPE_KEY, errorType);
    if (retryAfterSeconds > 0) {
      r.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    }
    r.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(JaegerJson.error(status, message));
  }
}
