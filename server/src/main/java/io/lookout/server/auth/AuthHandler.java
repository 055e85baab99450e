package io.lookout.server.auth;

import io.lookout.model.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global handler of the API port, installed before every route: finds the role the route
 * needs in the {@link AccessPolicy}, authenticates the request, authorises it, and replaces the
 * {@code X-Scope-OrgID} header with the credential's tenant, so that every module keeps reading
 * the tenant from that header and a client can never choose it. 401 without or with an invalid
 * credential ({@code WWW-Authenticate: Bearer}), 403 with a role too low or a route the table does
 * not list; Prometheus-shaped JSON error bodies. A browser without a session is sent to the login.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  /** The {@link RoutingContext} key of the authenticated {@link Principal}. */
  public static final String PRINCIPAL = "lookout.principal";
  private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

  private final AccessPolicy policy;
  private final Authenticator authenticator;
  private final boolean browserLogin;
  private final AuditLog audit;

  /** @param browserLogin true with OIDC: HTML page requests without credentials go to /auth/login */
  public AuthHandler(AccessPolicy policy, Authenticator authenticator, boolean browserLogin) {
    this(policy, authenticator, browserLogin, null);
  }

  /**
   * @param audit where admin requests and editors' changes (and refused attempts at them) are
   *     written when their response ends; null for none
   */
  public AuthHandler(AccessPolicy policy, Authenticator authenticator, boolean browserLogin, AuditLog audit) {
    this.policy = policy;
    this.authenticator = authenticator;
    this.browserLogin = browserLogin;
    this.audit = audit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String path = ctx.normalizedPath();
    AccessPolicy.Rule rule = policy.find(req.method(), path);
    Role required = rule == null ? null : rule.role();
    if (required == Role.PUBLIC) {
      req.headers().remove(Tenant.HEADER);
      ctx.next();
      return;
    }
    String authorization = req.getHeader(HttpHeaders.AUTHORIZATION);
    Cookie cookie = authorization == null ? req.getCookie(Sessions.COOKIE) : null;
    Future<Principal> who = authenticator.authenticateApi(authorization, cookie == null ? null : cookie.getValue());
    if (!who.isComplete()) {
      req.pause(); // the body handlers downstream resume it
    }
    who.onComplete(ar -> {
      if (ar.failed()) {
        int status = refuse(ctx, ar.cause(), authorization != null || cookie != null);
        if (audit != null && (status == 401 || status == 403) && AuditLog.audited(req.method(), required)) {
          audit.refused(ctx, null, status, rule.pattern());
        }
        return;
      }
      Principal p = ar.result();
      if (required == null) {
        authenticator.count("api", p.scheme(), "forbidden");
        deny(ctx, 403, "forbidden", "no access rule for " + req.method() + " " + abbreviate(path)
            + ": routes missing from the route table are refused");
      } else if (!p.may(required)) {
        authenticator.count("api", p.scheme(), "forbidden");
        deny(ctx, 403, "forbidden", "credential '" + p.subject() + "' lacks role " + required.label() + " for "
            + req.method() + " " + abbreviate(path));
        if (audit != null && AuditLog.audited(req.method(), required)) {
          audit.refused(ctx, p, 403, rule.pattern());
        }
      } else {
        authenticator.count("api", p.scheme(), "ok");
        req.headers().set(Tenant.HEADER, p.tenant());
        ctx.put(PRINCIPAL, p);
        if (audit != null && AuditLog.audited(req.method(), required)) {
          audit.onEnd(ctx, p, rule.pattern());
        }
        ctx.next();
      }
    });
  }

  /** Answers a failed authentication; returns the status sent (302 for a browser sent to the login). */
  private int refuse(RoutingContext ctx, Throwable cause, boolean presented) {
    HttpServerRequest req = ctx.request();
    if (cause instanceof AuthFailure f) {
      authenticator.count("api", presented ? "presented" : "none", f.forbidden() ? "forbidden" : "unauthenticated");
      if (f.forbidden()) {
        deny(ctx, 403, "forbidden", f.getMessage());
        return 403;
      }
      if (!presented && browserLogin && req.method() == HttpMethod.GET && acceptsHtml(req)) {
        String back = req.uri().startsWith("/") ? req.uri() : "/";
        ctx.response().setStatusCode(302)
            .putHeader(HttpHeaders.LOCATION, "/auth/login?return_to=" + URLEncoder.encode(back, StandardCharsets.UTF_8))
            .end();
        return 302;
      }
      ctx.response().putHeader("WWW-Authenticate", presented
          ? "Bearer realm=\"lookout\", error=\"invalid_token\""
          : "Bearer realm=\"lookout\"");
      deny(ctx, 401, "unauthorized", f.getMessage());
      return 401;
    }
    LOG.warn("authentication could not complete: {}", cause.getMessage());
    ctx.response().putHeader("Retry-After", "5");
    deny(ctx, 503, "unavailable", "the identity provider could not be reached to check the credential: retry later");
    return 503;
  }

  private static void deny(RoutingContext ctx, int status, String errorType, String message) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    boolean pendingBody = !req.isEnded();
    if (pendingBody && req.version() != HttpVersion.HTTP_2) {
      resp.putHeader(HttpHeaders.CONNECTION, "close"); // do not read an unauthenticated body
    }
    resp.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", "error").put("errorType", errorType).put("error", message).encode());
    if (pendingBody) {
      req.handler(b -> { });
      req.resume();
    }
  }

  private static boolean acceptsHtml(HttpServerRequest req) {
    String accept = req.getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/html");
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
