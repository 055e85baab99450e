package io.lookout.server.auth;

import io.lookout.ingest.IngestAuth;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns credentials into a {@link Principal}: {@code Authorization: Bearer <token>} (an API token
 * from the token table, or a JWT of the OIDC issuer), {@code Authorization: Basic} with the token
 * as password (for clients that only speak basic auth), or a browser session cookie. Serves the
 * API port (through {@link AuthHandler}) and, as an {@link IngestAuth}, the OTLP ports.
 */
public final class Authenticator implements IngestAuth {
  private final TokenStore tokens;
  private final OidcVerifier oidc;
  private final Sessions sessions;
  private final Counter requests;

  /**
   * @param tokens the token table, or null when token auth is off
   * @param oidc the JWT verifier, or null when OIDC is off
   * @param sessions browser sessions, or null when OIDC is off
   */
  public Authenticator(TokenStore tokens, OidcVerifier oidc, Sessions sessions, PrometheusRegistry registry) {
    this.tokens = tokens;
    this.oidc = oidc;
    this.sessions = sessions;
    this.requests = Counter.builder().name("lookout_auth_requests_total")
        .help("authentication decisions by port (api, ingest), scheme (token, jwt, session, none) and result"
            + " (ok, unauthenticated, forbidden)")
        .labelNames("port", "scheme", "result").register(registry);
  }

  /**
   * Authenticates a request of the API port; fails with {@link AuthFailure}. Completes at once for
   * tokens and sessions; a JWT signed with a key not yet known waits for the issuer's keys.
   */
  public Future<Principal> authenticateApi(String authorization, String sessionId) {
    if (authorization != null && !authorization.isBlank()) {
      String credential;
      try {
        credential = credential(authorization);
      } catch (AuthFailure f) {
        return Future.failedFuture(f);
      }
      if (oidc != null && looksLikeJwt(credential)) {
        return oidc.verify(credential);
      }
      return token(credential);
    }
    if (sessionId != null && sessions != null) {
      Principal p = sessions.get(sessionId);
      if (p != null) {
        return Future.succeededFuture(p);
      }
      return Future.failedFuture(AuthFailure.unauthenticated("the session expired or is unknown: log in again at /auth/login"));
    }
    return Future.failedFuture(AuthFailure.unauthenticated(
        "authentication required: send Authorization: Bearer <token>" + (oidc != null ? " or log in at /auth/login" : "")));
  }

  /** The ingest ports: synchronous, never blocks (JWTs need a cached issuer key). */
  @Override
  public IngestAuth.Result authenticate(String authorization, String orgId) {
    Principal p;
    try {
      if (authorization == null || authorization.isBlank()) {
        throw AuthFailure.unauthenticated("authentication required: send Authorization: Bearer <ingest token>");
      }
      String credential = credential(authorization);
      if (oidc != null && looksLikeJwt(credential)) {
        p = oidc.verifyCached(credential);
      } else {
        p = token(credential).result();
      }
    } catch (AuthFailure f) {
      count("ingest", "token", "unauthenticated");
      return IngestAuth.Result.unauthenticated(f.getMessage());
    }
    if (!p.may(Role.INGEST)) {
      count("ingest", p.scheme(), "forbidden");
      return IngestAuth.Result.forbidden("credential '" + p.subject() + "' has no ingest role: sending data needs role ingest");
    }
    count("ingest", p.scheme(), "ok");
    return IngestAuth.Result.ok(p.tenant());
  }

  void count(String port, String scheme, String result) {
    requests.labelValues(port, scheme, result).inc();
  }

  private Future<Principal> token(String credential) {
    if (tokens == null) {
      return Future.failedFuture(AuthFailure.unauthenticated("invalid bearer credential: API tokens are not enabled"
          + " (LOOKOUT_AUTH has no 'token'); send an OIDC access token"));
    }
    Principal p = tokens.table().authenticate(credential);
    return p == null
        ? Future.failedFuture(AuthFailure.unauthenticated("invalid token: it matches no entry of the token table"))
        : Future.succeededFuture(p);
  }

  /** The secret of a {@code Bearer} or {@code Basic} header (Basic: the password). */
  static String credential(String authorization) {
    String h = authorization.trim();
    int sp = h.indexOf(' ');
    String scheme = sp < 0 ? h : h.substring(0, sp);
    String value = sp < 0 ? "" : h.substring(sp + 1).trim();
    if (scheme.equalsIgnoreCase("Bearer") && !value.isEmpty()) {
      return value;
    }
    if (scheme.equalsIgnoreCase("Basic") && !value.isEmpty()) {
      try {
        String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon >= 0 && colon < decoded.length() - 1) {
          return decoded.substring(colon + 1);
        }
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw AuthFailure.unauthenticated("unsupported Authorization header: use 'Bearer <token>'"
        + " (or Basic with the token as password)");
  }

  static boolean looksLikeJwt(String credential) {
    int first = credential.indexOf('.');
    return first > 0 && credential.indexOf('.', first + 1) > first && credential.startsWith("eyJ");
  }
}
