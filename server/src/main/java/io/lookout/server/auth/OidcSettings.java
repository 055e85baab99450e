package io.lookout.server.auth;

import io.lookout.model.LookoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * OpenID Connect settings ({@code LOOKOUT_OIDC_*}).
 *
 * @param issuer {@code LOOKOUT_OIDC_ISSUER} (required): the issuer URL, matched exactly against {@code iss}
 * @param clientId {@code LOOKOUT_OIDC_CLIENT_ID} (required): the client of the browser login
 * @param clientSecret {@code LOOKOUT_OIDC_CLIENT_SECRET}: for confidential clients; null for public (PKCE only)
 * @param audience {@code LOOKOUT_OIDC_AUDIENCE} (the client id): the {@code aud} bearer JWTs must carry
 * @param tenantClaim {@code LOOKOUT_OIDC_TENANT_CLAIM} (tenant): the claim naming the tenant
 * @param rolesClaim {@code LOOKOUT_OIDC_ROLES_CLAIM} (roles): the claim listing roles (array or
 *     space/comma separated string of ingest, viewer, editor, admin)
 * @param clockSkew {@code LOOKOUT_OIDC_CLOCK_SKEW} (60s): tolerance on {@code exp}/{@code nbf}/{@code iat}
 * @param redirectUri {@code LOOKOUT_OIDC_REDIRECT_URI}: the callback URL registered at the issuer;
 *     null derives it from the request ({@code <scheme>://<host>/auth/callback})
 * @param scopes {@code LOOKOUT_OIDC_SCOPES} (openid profile email)
 * @param sessionTtl {@code LOOKOUT_OIDC_SESSION_TTL} (8h): lifetime of a browser session
 */
public record OidcSettings(String issuer, String clientId, String clientSecret, String audience, String tenantClaim,
    String rolesClaim, Duration clockSkew, String redirectUri, String scopes, Duration sessionTtl) {

  static OidcSettings fromEnv(Map<String, String> env) {
    String issuer = AuthConfig.blankToNull(env.get("LOOKOUT_OIDC_ISSUER"));
    if (issuer == null) {
      throw LookoutException.badData("LOOKOUT_AUTH=oidc needs LOOKOUT_OIDC_ISSUER: the issuer URL (https://...)");
    }
    URI u;
    try {
      u = URI.create(issuer);
    } catch (IllegalArgumentException e) {
      throw LookoutException.badData("invalid LOOKOUT_OIDC_ISSUER '" + issuer + "': use an absolute http(s) URL");
    }
    if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
      throw LookoutException.badData("invalid LOOKOUT_OIDC_ISSUER '" + issuer + "': use an absolute http(s) URL");
    }
    String clientId = AuthConfig.blankToNull(env.get("LOOKOUT_OIDC_CLIENT_ID"));
    if (clientId == null) {
      throw LookoutException.badData("LOOKOUT_AUTH=oidc needs LOOKOUT_OIDC_CLIENT_ID: the client registered at the issuer");
    }
    String audience = AuthConfig.blankToNull(env.get("LOOKOUT_OIDC_AUDIENCE"));
    Duration skew = AuthConfig.duration(env, "LOOKOUT_OIDC_CLOCK_SKEW", "60s");
    if (skew.compareTo(Duration.ofMinutes(10)) > 0) {
      throw LookoutException.badData("invalid LOOKOUT_OIDC_CLOCK_SKEW: at most 10m is allowed");
    }
    return new OidcSettings(issuer, clientId, AuthConfig.blankToNull(env.get("LOOKOUT_OIDC_CLIENT_SECRET")),
        audience == null ? clientId : audience,
        env.getOrDefault("LOOKOUT_OIDC_TENANT_CLAIM", "tenant").trim(),
        env.getOrDefault("LOOKOUT_OIDC_ROLES_CLAIM", "roles").trim(),
        skew,
        AuthConfig.blankToNull(env.get("LOOKOUT_OIDC_REDIRECT_URI")),
        env.getOrDefault("LOOKOUT_OIDC_SCOPES", "openid profile email").trim(),
        AuthConfig.duration(env, "LOOKOUT_OIDC_SESSION_TTL", "8h"));
  }

  @Override
  public String toString() { // never print the client secret
    return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", audience=" + audience + "]";
  }
}
