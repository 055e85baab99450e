package io.lookout.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.security.Key;
import java.text.ParseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates JWTs of the configured OpenID Connect issuer: discovery from
 * {@code <issuer>/.well-known/openid-configuration}, keys from its {@code jwks_uri} (fetched again,
 * at most every {@link #MIN_REFRESH_MILLIS}, when a token names an unknown key), RSA and EC
 * signatures only ({@code none} and HMAC are refused), {@code iss} exact, {@code aud},
 * {@code exp}/{@code nbf} within the clock skew. Claims map to the tenant and the roles.
 * Every fetch is non-blocking (Vert.x web client); verification runs on the caller's thread.
 */
public final class OidcVerifier {
  static final long MIN_REFRESH_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(OidcVerifier.class);
  private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.ES512);

  /** What discovery says about the issuer. */
  public record Metadata(String authorizationEndpoint, String tokenEndpoint, String endSessionEndpoint, String jwksUri) {}

  private final Vertx vertx;
  private final OidcSettings settings;
  private final WebClient client;
  private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();
  private final Counter fetches;
  private volatile Metadata metadata;
  private volatile JWKSet keys = new JWKSet();
  private volatile long lastFetchMillis;
  private final AtomicReference<Future<Void>> inFlight = new AtomicReference<>();

  public OidcVerifier(Vertx vertx, OidcSettings settings, PrometheusRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setIdleTimeout(30)
        .setMaxHeaderSize(16 * 1024).setFollowRedirects(false));
    this.fetches = Counter.builder().name("lookout_auth_oidc_fetches_total")
        .help("fetches of the OIDC issuer's discovery document and keys by result (ok, error)")
        .labelNames("result").register(registry);
    this.lastFetchMillis = -MIN_REFRESH_MILLIS;
  }

  public OidcSettings settings() {
    return settings;
  }

  /** Discovery and keys; retried on demand when it fails. */
  public Future<Metadata> metadata() {
    Metadata m = metadata;
    if (m != null) {
      return Future.succeededFuture(m);
    }
    return refresh(true).map(v -> metadata);
  }

  /** Verifies a bearer JWT; fetches the keys again once when it names an unknown key. */
  public Future<Principal> verify(String jwt) {
    return verify(jwt, settings.audience(), null);
  }

  /** Verifies an ID token from the login flow: audience is the client id, the nonce must match. */
  public Future<Principal> verifyIdToken(String jwt, String nonce) {
    return verify(jwt, settings.clientId(), nonce);
  }

  private Future<Principal> verify(String jwt, String audience, String nonce) {
    SignedJWT signed;
    try {
      signed = parse(jwt);
      if (key(signed.getHeader()) != null || !refreshAllowed()) {
        return Future.succeededFuture(check(signed, audience, nonce));
      }
    } catch (AuthFailure f) {
      return Future.failedFuture(f);
    }
    return refresh(false).transform(ignored -> {
      try {
        return Future.succeededFuture(check(signed, audience, nonce));
      } catch (AuthFailure f) {
        return Future.failedFuture(f);
      }
    });
  }

  /** Verifies with the keys at hand, never waiting; an unknown key starts a refresh and fails this call. */
  public Principal verifyCached(String jwt) {
    SignedJWT signed = parse(jwt);
    if (key(signed.getHeader()) == null && refreshAllowed()) {
      refresh(false);
    }
    return check(signed, settings.audience(), null);
  }

  private static SignedJWT parse(String jwt) {
    JWT parsed;
    try {
      parsed = JWTParser.parse(jwt);
    } catch (ParseException e) {
      throw AuthFailure.unauthenticated("malformed JWT: " + e.getMessage());
    }
    if (!(parsed instanceof SignedJWT signed)) {
      throw AuthFailure.unauthenticated("unsigned or encrypted JWT refused: sign it with RS256, PS256 or ES256 (alg none is never accepted)");
    }
    if (!ALLOWED.contains(signed.getHeader().getAlgorithm())) {
      throw AuthFailure.unauthenticated("JWT algorithm " + signed.getHeader().getAlgorithm()
          + " refused: allowed are RSA (RS*, PS*) and EC (ES*) signatures with the issuer's published keys");
    }
    return signed;
  }

  private JWK key(JWSHeader header) {
    List<JWK> found = new JWKSelector(JWKMatcher.forJWSHeader(header)).select(keys);
    return found.isEmpty() ? null : found.get(0);
  }

  private Principal check(SignedJWT jwt, String audience, String nonce) {
    JWK jwk = key(jwt.getHeader());
    if (jwk == null) {
      throw AuthFailure.unauthenticated("JWT signed with an unknown key"
          + (jwt.getHeader().getKeyID() == null ? "" : " (kid " + abbreviate(jwt.getHeader().getKeyID()) + ")")
          + ": the issuer does not publish it");
    }
    try {
      Key key = ((AsymmetricJWK) jwk).toPublicKey();
      JWSVerifier verifier = verifiers.createJWSVerifier(jwt.getHeader(), key);
      if (!jwt.verify(verifier)) {
        throw AuthFailure.unauthenticated("JWT signature is invalid");
      }
    } catch (JOSEException | ClassCastException e) {
      throw AuthFailure.unauthenticated("JWT signature cannot be verified: " + e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
      DefaultJWTClaimsVerifier<?> v = new DefaultJWTClaimsVerifier<>(Set.of(audience),
          new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("exp", "iss", "aud"), null);
      v.setMaxClockSkew((int) settings.clockSkew().toSeconds());
      v.verify(claims, null);
    } catch (ParseException e) {
      throw AuthFailure.unauthenticated("JWT claims are malformed");
    } catch (BadJWTException e) {
      throw AuthFailure.unauthenticated("JWT refused: " + e.getMessage());
    }
    if (nonce != null && !nonce.equals(claims.getClaim("nonce"))) {
      throw AuthFailure.unauthenticated("ID token nonce does not match the login: start again at /auth/login");
    }
    return principal(claims);
  }

  private Principal principal(JWTClaimsSet claims) {
    Object t = claims.getClaim(settings.tenantClaim());
    if (!(t instanceof String tenantName) || tenantName.isBlank()) {
      throw AuthFailure.forbidden("the JWT has no '" + settings.tenantClaim()
          + "' claim naming the tenant (LOOKOUT_OIDC_TENANT_CLAIM)");
    }
    String tenant;
    try {
      tenant = Tenant.resolve(tenantName);
    } catch (LookoutException e) {
      throw AuthFailure.forbidden("the JWT's '" + settings.tenantClaim() + "' claim is not a valid tenant id");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Object r = claims.getClaim(settings.rolesClaim());
    if (r instanceof Collection<?> c) {
      for (Object o : c) {
        addRole(roles, String.valueOf(o));
      }
    } else if (r instanceof String s) {
      for (String part : s.split("[\\s,]+")) {
        addRole(roles, part);
      }
    }
    if (roles.isEmpty()) {
      throw AuthFailure.forbidden("the JWT's '" + settings.rolesClaim()
          + "' claim names none of the roles ingest, viewer, editor, admin (LOOKOUT_OIDC_ROLES_CLAIM)");
    }
    String subject = claims.getSubject() == null ? "jwt" : claims.getSubject();
    return new Principal(subject, tenant, roles, "jwt");
  }

  private static void addRole(Set<Role> roles, String s) {
    Role role = Role.ofCredential(s);
    if (role != null) {
      roles.add(role);
    }
  }

  private boolean refreshAllowed() {
    return System.currentTimeMillis() - lastFetchMillis >= MIN_REFRESH_MILLIS;
  }

  /** Fetches discovery (if not yet known or {@code discover}) and the keys; one fetch at a time. */
  private Future<Void> refresh(boolean discover) {
    Promise<Void> mine = Promise.promise();
    Future<Void> running = inFlight.compareAndExchange(null, mine.future());
    if (running != null) {
      return running;
    }
    lastFetchMillis = System.currentTimeMillis();
    Future<Metadata> meta = metadata != null && !discover ? Future.succeededFuture(metadata) : discover();
    meta.compose(m -> client.getAbs(m.jwksUri()).timeout(10_000).send().compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture("jwks_uri answered HTTP " + resp.statusCode());
          }
          try {
            keys = JWKSet.parse(resp.bodyAsString()).filter(
                new JWKMatcher.Builder().publicOnly(true).build()).toPublicJWKSet();
            return Future.<Void>succeededFuture();
          } catch (ParseException e) {
            return Future.failedFuture("jwks_uri returned no valid JWK set: " + e.getMessage());
          }
        }))
        .onComplete(ar -> {
          inFlight.set(null);
          if (ar.succeeded()) {
            fetches.labelValues("ok").inc();
            LOG.info("oidc keys of {} loaded: {} keys", settings.issuer(), keys.getKeys().size());
            mine.complete();
          } else {
            fetches.labelValues("error").inc();
            LOG.warn("oidc issuer {} unreachable or invalid: {}", settings.issuer(), ar.cause().getMessage());
            mine.fail(ar.cause());
          }
        });
    return mine.future();
  }

  private Future<Metadata> discover() {
    String base = settings.issuer().endsWith("/") ? settings.issuer().substring(0, settings.issuer().length() - 1)
        : settings.issuer();
    return client.getAbs(base + "/.well-known/openid-configuration").timeout(10_000).send().compose(resp -> {
      if (resp.statusCode() != 200) {
        return Future.failedFuture("discovery answered HTTP " + resp.statusCode());
      }
      JsonObject doc;
      try {
        doc = resp.bodyAsJsonObject();
      } catch (RuntimeException e) {
        return Future.failedFuture("discovery document is not JSON");
      }
      if (doc == null || !settings.issuer().equals(doc.getString("issuer"))) {
        return Future.failedFuture("discovery names issuer '" + (doc == null ? null : doc.getString("issuer"))
            + "', expected exactly '" + settings.issuer() + "' (LOOKOUT_OIDC_ISSUER)");
      }
      if (doc.getString("jwks_uri") == null) {
        return Future.failedFuture("discovery document has no jwks_uri");
      }
      Metadata m = new Metadata(doc.getString("authorization_endpoint"), doc.getString("token_endpoint"),
          doc.getString("end_session_endpoint"), doc.getString("jwks_uri"));
      metadata = m;
      return Future.succeededFuture(m);
    });
  }

  WebClient client() {
    return client;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
