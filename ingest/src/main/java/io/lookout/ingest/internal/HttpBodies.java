package io.lookout.ingest.internal;

import io.lookout.model.LookoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads HTTP request bodies with a running byte count (never more than the limit in memory), and
 * refuses requests politely: answer at once, read and drop the rest of the body for a bounded
 * time, then close an HTTP/1.1 connection. Shared by every HTTP receiver.
 */
public final class HttpBodies {
  /** After a refusal, how long the rest of an unwanted body is read and dropped before closing. */
  public static final long DRAIN_GRACE_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(HttpBodies.class);
  private static final int MAX_INITIAL_BUFFER = 1 << 20;

  private HttpBodies() {}

  /**
   * Reads the body of {@code req}. Exactly one of the callbacks runs, on the request's event loop:
   * {@code onBody} with the whole body, or {@code onTooLarge} as soon as the declared length or
   * the bytes received pass {@code limit}; neither runs when the client aborts the request.
   *
   * @param what names the receiver in debug logs ("otlp/http logs")
   */
  public static void read(HttpServerRequest req, long limit, String what, Consumer<ByteSink> onBody,
      Consumer<LookoutException> onTooLarge) {
    long declared = contentLength(req);
    if (declared > limit) {
      onTooLarge.accept(ByteSink.tooLarge(limit, "request body of " + declared + " bytes"));
      return;
    }
    int initial = (int) Math.min(MAX_INITIAL_BUFFER, declared > 0 ? declared : 64 * 1024);
    ByteSink body = new ByteSink(initial, limit, "request body");
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
        onTooLarge.accept(tooLarge);
      }
    });
    req.exceptionHandler(err -> {
      if (!done[0]) {
        done[0] = true;
        LOG.debug("{} request aborted while reading the body: {}", what, err.toString());
      }
    });
    req.endHandler(v -> {
      if (!done[0]) {
        done[0] = true;
        onBody.accept(body);
      }
    });
    req.resume();
  }

  /**
   * Refuses a request before or while its body is read: {@code respond} writes the error response
   * at once (after {@code Connection: close} is set on HTTP/1.1), the rest of the body is read and
   * dropped, never buffered, so that the client sees the response instead of a reset; then an
   * HTTP/1.1 connection is closed. HTTP/2 streams leave the connection open.
   */
  public static void refuse(Vertx vertx, HttpServerRequest req, Supplier<Future<Void>> respond) {
    boolean http1 = req.version() != HttpVersion.HTTP_2;
    if (http1 && !req.response().headWritten()) {
      req.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    Future<Void> written = respond.get();
    if (req.isEnded()) {
      if (http1) {
        written.onComplete(v -> req.connection().close());
      }
      return;
    }
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

  /** The declared Content-Length, or -1 when absent or unreadable. */
  public static long contentLength(HttpServerRequest req) {
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

  /** A header value cut to a length fit for an error message. */
  public static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
