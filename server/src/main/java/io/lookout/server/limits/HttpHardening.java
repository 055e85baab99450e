package io.lookout.server.limits;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What every listener and the API router get against slow or hostile clients and browsers:
 *
 * <ul>
 *   <li>an idle timeout on every connection ({@code LOOKOUT_HTTP_IDLE_TIMEOUT}, 60s): a client
 *       that stops sending (also in the middle of its headers or body) is cut;
 *   <li>a deadline on the request head ({@code LOOKOUT_HTTP_HEADER_TIMEOUT}, 10s), enforced by
 *       {@link HeaderDeadline}: a client that trickles its request line and headers a byte at a
 *       time, each within the idle timeout, is cut once the deadline passes;
 *   <li>a minimum request-body data rate on HTTP/1.x ({@code LOOKOUT_HTTP_MIN_BODY_RATE}, 1024
 *       bytes per second, after {@code LOOKOUT_HTTP_BODY_GRACE}, 10s), enforced by the same
 *       {@link HeaderDeadline}: a client that declares a body and then sends it a byte at a time,
 *       each within the idle timeout, is answered 408 and cut;
 *   <li>request line and headers at most 16 KiB each (more is a 4xx, the connection closes);
 *   <li>on the API port, security headers on every response ({@code Content-Security-Policy:
 *       default-src 'self'; frame-ancestors 'none'}, {@code X-Content-Type-Options: nosniff},
 *       {@code Referrer-Policy: no-referrer}, {@code X-Frame-Options: DENY}), and CORS only for
 *       the origins in {@code LOOKOUT_CORS_ORIGINS} (comma-separated; no Access-Control-* headers
 *       at all when unset, the default).
 * </ul>
 *
 * @param idleTimeout connections without traffic for this long are closed
 * @param headerTimeout a request head (request line and headers) must be complete this long after
 *     the connection was accepted, or after its first byte on a kept-alive connection; see
 *     {@link HeaderDeadline}
 * @param minBodyRate bytes per second a request body must average, from its request head, once
 *     {@code bodyGrace} has passed; 0 turns the check off
 * @param bodyGrace how long a body may arrive at any pace before its average rate is checked
 * @param corsOrigins origins allowed by CORS; empty means CORS is off
 */
public record HttpHardening(Duration idleTimeout, Duration headerTimeout, long minBodyRate, Duration bodyGrace,
    List<String> corsOrigins) {
  public static final String IDLE_TIMEOUT_ENV = "LOOKOUT_HTTP_IDLE_TIMEOUT";
  public static final String HEADER_TIMEOUT_ENV = "LOOKOUT_HTTP_HEADER_TIMEOUT";
  public static final String MIN_BODY_RATE_ENV = "LOOKOUT_HTTP_MIN_BODY_RATE";
  public static final String BODY_GRACE_ENV = "LOOKOUT_HTTP_BODY_GRACE";
  public static final String CORS_ORIGINS_ENV = "LOOKOUT_CORS_ORIGINS";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final long DEFAULT_MIN_BODY_RATE = 1024;
  /** Highest minimum body rate accepted: above it, ordinary uploads over a slow link would be cut. */
  public static final long MAX_MIN_BODY_RATE = 1024 * 1024;
  public static final Duration DEFAULT_BODY_GRACE = Duration.ofSeconds(10);
  public static final String CSP = "default-src 'self'; frame-ancestors 'none'";

  public HttpHardening {
    if (idleTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(IDLE_TIMEOUT_ENV + " must be at least 1s, got " + idleTimeout.toMillis() + "ms");
    }
    if (headerTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(HEADER_TIMEOUT_ENV + " must be at least 1s, got " + headerTimeout.toMillis()
          + "ms");
    }
    if (minBodyRate < 0 || minBodyRate > MAX_MIN_BODY_RATE) {
      throw new IllegalArgumentException(MIN_BODY_RATE_ENV + " must be between 0 (off) and " + MAX_MIN_BODY_RATE
          + " bytes per second, got " + minBodyRate);
    }
    if (bodyGrace.toSeconds() < 1) {
      throw new IllegalArgumentException(BODY_GRACE_ENV + " must be at least 1s, got " + bodyGrace.toMillis() + "ms");
    }
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** With the default body rate and grace. */
  public HttpHardening(Duration idleTimeout, Duration headerTimeout, List<String> corsOrigins) {
    this(idleTimeout, headerTimeout, DEFAULT_MIN_BODY_RATE, DEFAULT_BODY_GRACE, corsOrigins);
  }

  /** With the default header deadline, body rate and grace. */
  public HttpHardening(Duration idleTimeout, List<String> corsOrigins) {
    this(idleTimeout, DEFAULT_HEADER_TIMEOUT, corsOrigins);
  }

  /**
   * @throws IllegalArgumentException naming the variable and the value that is wrong
   */
  public static HttpHardening fromEnv(Map<String, String> env) {
    String cors = env.get(CORS_ORIGINS_ENV);
    List<String> origins = cors == null || cors.isBlank() ? List.of()
        : Arrays.stream(cors.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String o : origins) {
      if (!o.equals("*") && !o.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw new IllegalArgumentException("invalid origin '" + o + "' in " + CORS_ORIGINS_ENV
            + ": use scheme://host[:port] such as https://grafana.example:3000, comma-separated");
      }
    }
    return new HttpHardening(duration(env, IDLE_TIMEOUT_ENV, DEFAULT_IDLE_TIMEOUT),
        duration(env, HEADER_TIMEOUT_ENV, DEFAULT_HEADER_TIMEOUT), bytesPerSecond(env, MIN_BODY_RATE_ENV,
            DEFAULT_MIN_BODY_RATE), duration(env, BODY_GRACE_ENV, DEFAULT_BODY_GRACE), origins);
  }

  /** Longest request line (method, path and query string) accepted. */
  public static final int MAX_INITIAL_LINE_BYTES = 16 * 1024;
  /** Largest request header block accepted (bearer tokens and JWTs fit well). */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  /** {@code options} with the idle timeout and header bounds set; returns the same object. */
  public HttpServerOptions apply(HttpServerOptions options) {
    return options.setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES).setMaxHeaderSize(MAX_HEADER_BYTES)
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toSeconds()))
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  /** Mounts the security headers (and CORS when configured) in front of every route of the API router. */
  public void mount(Router router) {
    router.route().order(-1_000_000).handler(ctx -> {
      ctx.response().headers()
          .set("Content-Security-Policy", CSP)
          .set("X-Content-Type-Options", "nosniff")
          .set("Referrer-Policy", "no-referrer")
          .set("X-Frame-Options", "DENY");
      ctx.next();
    });
    if (!corsOrigins.isEmpty()) {
      CorsHandler cors = corsOrigins.contains("*") ? CorsHandler.create() : CorsHandler.create().addOrigins(corsOrigins);
      cors.allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Authorization", "Content-Type", "X-Scope-OrgID"))
          .maxAgeSeconds(600);
      router.route().order(-999_999).handler(cors);
    }
  }

  private static long bytesPerSecond(Map<String, String> env, String name, long def) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " '" + v + "': use a whole number of bytes per second"
          + " between 0 (off) and " + MAX_MIN_BODY_RATE + ", such as 1024", e);
    }
  }

  private static Duration duration(Map<String, String> env, String name, Duration def) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Duration.ofNanos(TimeParser.parseDuration(name, v));
    } catch (LookoutException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
