package io.lookout.alerting.notify;

import io.lookout.alerting.internal.BoundedBodies;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.TimeParser;
import io.lookout.query.ApiResponses;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Request plumbing of {@link NotifyApi}: answering from the state thread, tenant, body fields, matchers. */
final class NotifyApiSupport {
  private static final Logger LOG = LoggerFactory.getLogger(NotifyApi.class);
  static final int MAX_TEXT = 1024;

  private NotifyApiSupport() {}

  static void handle(RoutingContext ctx, Supplier<CompletableFuture<?>> work) {
    Context vctx = Vertx.currentContext();
    CompletableFuture<?> f;
    try {
      f = work.get();
    } catch (LookoutException e) {
      ApiResponses.error(ctx, e);
      return;
    }
    f.whenComplete((data, err) -> vctx.runOnContext(v -> {
      Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (t == null) {
        ApiResponses.success(ctx, data);
      } else if (t instanceof LookoutException le) {
        ApiResponses.error(ctx, le);
      } else {
        LOG.error("notification api request failed", t);
        ApiResponses.error(ctx, ErrorCode.INTERNAL, "internal error, see the server log");
      }
    }));
  }

  static String tenant(RoutingContext ctx) {
    return Tenant.resolve(ctx.request().getHeader(Tenant.HEADER));
  }

  static JsonObject jsonBody(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw LookoutException.badData("the request needs a JSON object body");
    }
    BoundedBodies.checkJson(ctx.body().buffer().getBytes());
    try {
      JsonObject o = ctx.body().asJsonObject();
      if (o == null) {
        throw LookoutException.badData("the request needs a JSON object body");
      }
      return o;
    } catch (DecodeException | ClassCastException e) {
      throw LookoutException.badData("the request body is not a JSON object");
    }
  }

  static String string(JsonObject in, String field) {
    Object v = in.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw LookoutException.badData(field + " must be a string");
    }
    if (s.length() > MAX_TEXT) {
      throw LookoutException.badData(field + " is longer than " + MAX_TEXT + " characters");
    }
    return s;
  }

  static long time(JsonObject in, String field, long nowMillis) {
    Object v = in.getValue(field);
    String text = v instanceof Number n ? n.toString() : v instanceof String s ? s : null;
    if (text == null) {
      throw LookoutException.badData(field + " must be an RFC 3339 time, Unix seconds or now-style time");
    }
    return TimeParser.parseTime(field, text, nowMillis * 1_000_000) / 1_000_000;
  }

  /** Matchers as Alertmanager syntax strings, or as Alertmanager v2 objects {name, value, isRegex, isEqual}. */
  static List<AlertMatcher> matchers(Object raw) {
    if (!(raw instanceof JsonArray arr) || arr.isEmpty()) {
      throw LookoutException.badData("matchers must be a non-empty list such as [\"alertname=\\\"X\\\"\"]");
    }
    if (arr.size() > 64) {
      throw LookoutException.badData("too many matchers: at most 64");
    }
    List<AlertMatcher> out = new ArrayList<>();
    try {
      for (Object o : arr) {
        if (o instanceof String s) {
          out.addAll(AlertMatcher.parse(s));
        } else if (o instanceof JsonObject m && m.getValue("name") instanceof String name
            && m.getValue("value") instanceof String value) {
          boolean regex = Boolean.TRUE.equals(m.getValue("isRegex"));
          boolean equal = !Boolean.FALSE.equals(m.getValue("isEqual"));
          AlertMatcher.Op op = regex ? (equal ? AlertMatcher.Op.RE : AlertMatcher.Op.NRE)
              : (equal ? AlertMatcher.Op.EQ : AlertMatcher.Op.NE);
          out.add(AlertMatcher.of(name, op, value));
        } else {
          throw new IllegalArgumentException("each matcher must be a string such as alertname=\"X\" or an object"
              + " {name, value, isRegex, isEqual}");
        }
      }
    } catch (IllegalArgumentException e) {
      throw LookoutException.badData(e.getMessage());
    }
    return out;
  }

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
