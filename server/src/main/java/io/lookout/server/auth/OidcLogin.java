package io.lookout.server.auth;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser login: authorization-code flow with PKCE (S256). {@code GET /auth/login} sends the
 * browser to the issuer with a fresh state, nonce and code challenge; {@code GET /auth/callback}
 * exchanges the code, validates the ID token and sets the session cookie (HttpOnly,
 * SameSite=Lax, Secure when the port has TLS); {@code /auth/logout} ends the session.
 */
public final class OidcLogin {
  static final long PENDING_TTL_MILLIS = 10 * 60_000;
  static final int MAX_PENDING = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);

  private record Pending(String verifier, String nonce, String returnTo, String redirectUri, long createdMillis) {}

  private final OidcVerifier verifier;
  private final Sessions sessions;
  private final boolean secureCookie;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AuditLog audit;

  public OidcLogin(OidcVerifier verifier, Sessions sessions, boolean secureCookie) {
    this(verifier, sessions, secureCookie, null);
  }

  /** @param audit where logins and logouts are recorded; null for none */
  public OidcLogin(OidcVerifier verifier, Sessions sessions, boolean secureCookie, AuditLog audit) {
    this.verifier = verifier;
    this.sessions = sessions;
    this.secureCookie = secureCookie;
    this.audit = audit;
  }

  public void mount(Router router) {
    router.get("/auth/login").handler(this::login);
    router.get("/auth/callback").handler(this::callback);
    router.route("/auth/logout").handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    String returnTo = safeReturn(ctx.request().getParam("return_to"));
    verifier.metadata().onComplete(ar -> {
      if (ar.failed() || ar.result().authorizationEndpoint() == null) {
        error(ctx, 503, "the identity provider is unreachable: retry later");
        return;
      }
      long now = System.currentTimeMillis();
      pending.values().removeIf(p -> now - p.createdMillis() > PENDING_TTL_MILLIS);
      if (pending.size() >= MAX_PENDING) {
        error(ctx, 503, "too many logins in progress: retry in a minute");
        return;
      }
      String state = randomString();
      String codeVerifier = randomString() + randomString();
      String nonce = randomString();
      String redirectUri = redirectUri(ctx);
      pending.put(state, new Pending(codeVerifier, nonce, returnTo, redirectUri, now));
      OidcSettings s = verifier.settings();
      String url = ar.result().authorizationEndpoint()
          + (ar.result().authorizationEndpoint().contains("?") ? "&" : "?")
          + "response_type=code"
          + "&client_id=" + enc(s.clientId())
          + "&redirect_uri=" + enc(redirectUri)
          + "&scope=" + enc(s.scopes())
          + "&state=" + enc(state)
          + "&nonce=" + enc(nonce)
          + "&code_challenge=" + enc(challenge(codeVerifier))
          + "&code_challenge_method=S256";
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, url)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    });
  }

  private void callback(RoutingContext ctx) {
    String state = ctx.request().getParam("state");
    Pending p = state == null ? null : pending.remove(state);
    if (p == null || System.currentTimeMillis() - p.createdMillis() > PENDING_TTL_MILLIS) {
      error(ctx, 400, "unknown or expired login state: start again at /auth/login");
      return;
    }
    String issuerError = ctx.request().getParam("error");
    String code = ctx.request().getParam("code");
    if (issuerError != null || code == null) {
      error(ctx, 401, "the identity provider refused the login" + (issuerError == null ? "" : ": " + abbreviate(issuerError)));
      return;
    }
    OidcSettings s = verifier.settings();
    verifier.metadata().compose(m -> {
      MultiMap form = MultiMap.caseInsensitiveMultiMap()
          .add("grant_type", "authorization_code")
          .add("code", code)
          .add("redirect_uri", p.redirectUri())
          .add("client_id", s.clientId())
          .add("code_verifier", p.verifier());
      var req = verifier.client().postAbs(m.tokenEndpoint()).timeout(10_000);
      if (s.clientSecret() != null) {
        req.basicAuthentication(enc(s.clientId()), enc(s.clientSecret()));
      }
      return req.sendForm(form);
    }).compose(resp -> {
      if (resp.statusCode() != 200) {
        return Future.failedFuture(AuthFailure.unauthenticated("the token endpoint refused the code (HTTP "
            + resp.statusCode() + ")"));
      }
      JsonObject body;
      try {
        body = resp.bodyAsJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
      String idToken = body == null ? null : body.getString("id_token");
      if (idToken == null) {
        return Future.failedFuture(AuthFailure.unauthenticated("the token endpoint returned no id_token"));
      }
      return verifier.verifyIdToken(idToken, p.nonce());
    }).onComplete(ar -> {
      if (ar.failed()) {
        if (audit != null) {
          audit.login(null, false, ar.cause() instanceof AuthFailure f ? f.getMessage() : "the identity provider is unreachable");
        }
        if (ar.cause() instanceof AuthFailure f) {
          LOG.info("oidc login refused: {}", f.getMessage());
          error(ctx, f.forbidden() ? 403 : 401, f.getMessage());
        } else {
          LOG.warn("oidc login failed: {}", ar.cause().getMessage());
          error(ctx, 503, "the identity provider is unreachable: retry later");
        }
        return;
      }
      Principal who = ar.result();
      String id = sessions.create(who);
      LOG.info("oidc login: subject {} tenant {}", who.subject(), who.tenant());
      if (audit != null) {
        audit.login(who, true, null);
      }
      Cookie cookie = Cookie.cookie(Sessions.COOKIE, id).setPath("/").setHttpOnly(true)
          .setSameSite(CookieSameSite.LAX).setSecure(secureCookie).setMaxAge(sessions.ttl().toSeconds());
      ctx.response().addCookie(cookie).setStatusCode(302).putHeader(HttpHeaders.LOCATION, p.returnTo())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    });
  }

  private void logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(Sessions.COOKIE);
    Principal who = c == null ? null : sessions.get(c.getValue());
    if (c != null) {
      sessions.remove(c.getValue());
    }
    if (audit != null) {
      audit.logout(who);
    }
    ctx.response().addCookie(Cookie.cookie(Sessions.COOKIE, "").setPath("/").setHttpOnly(true)
            .setSameSite(CookieSameSite.LAX).setSecure(secureCookie).setMaxAge(0))
        .setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/").end();
  }

  private String redirectUri(RoutingContext ctx) {
    String configured = verifier.settings().redirectUri();
    if (configured != null) {
      return configured;
    }
    String scheme = ctx.request().isSSL() ? "https" : "http";
    return scheme + "://" + ctx.request().authority() + "/auth/callback";
  }

  /** Only local paths: never an open redirect to another site. */
  static String safeReturn(String r) {
    if (r == null || !r.startsWith("/") || r.startsWith("//") || r.startsWith("/\\") || r.contains("\r")
        || r.contains("\n") || r.length() > 2000) {
      return "/";
    }
    return r;
  }

  private String randomString() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String challenge(String verifier) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", "error").put("errorType", status == 503 ? "unavailable" : "unauthorized")
            .put("error", message).encode());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
