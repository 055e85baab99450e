package io.lookout.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** JWT validation against a real issuer (discovery + JWKS over HTTP on port 0). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcVerifierTest {
  private final Vertx vertx = Vertx.vertx();
  private RSAKey key;
  private RSAKey stranger;
  private String issuer;
  private OidcVerifier verifier;

  @BeforeAll
  void start() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    stranger = new RSAKeyGenerator(2048).keyID("k2").generate();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/.well-known/openid-configuration")) {
        req.response().end(new JsonObject().put("issuer", issuer).put("jwks_uri", issuer + "/jwks")
            .put("authorization_endpoint", issuer + "/authorize").put("token_endpoint", issuer + "/token").encode());
      } else if (req.path().equals("/jwks")) {
        req.response().end(new JWKSet(key.toPublicJWK()).toString());
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    issuer = "http://127.0.0.1:" + server.actualPort();
    verifier = new OidcVerifier(vertx, new OidcSettings(issuer, "lookout", null, "lookout-api", "tenant", "roles",
        Duration.ofSeconds(60), null, "openid", Duration.ofHours(1)), new PrometheusRegistry());
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private JWTClaimsSet.Builder claims() {
    long now = System.currentTimeMillis();
    return new JWTClaimsSet.Builder().issuer(issuer).audience("lookout-api").subject("alice")
        .expirationTime(new Date(now + 300_000)).issueTime(new Date(now)).claim("tenant", "acme")
        .claim("roles", List.of("viewer", "unknown-role"));
  }

  private static String sign(RSAKey k, JWTClaimsSet c) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(k.getKeyID()).build(), c);
    jwt.sign(new RSASSASigner(k));
    return jwt.serialize();
  }

  private Object verify(String jwt) throws Exception {
    Future<Principal> f = verifier.verify(jwt);
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aValidTokenYieldsTenantAndRoles() throws Exception {
    Object r = verify(sign(key, claims().build()));
    assertThat(r).isInstanceOf(Principal.class);
    Principal p = (Principal) r;
    assertThat(p.tenant()).isEqualTo("acme");
    assertThat(p.roles()).containsExactly(Role.VIEWER);
    assertThat(p.subject()).isEqualTo("alice");
  }

  @Test
  void expiredWrongAudienceAndWrongIssuerAreRefused() throws Exception {
    long past = System.currentTimeMillis() - 120_000; // beyond the 60 s skew
    assertRefused(sign(key, claims().expirationTime(new Date(past)).build()), "expired");
    assertThat(verify(sign(key, claims().expirationTime(new Date(System.currentTimeMillis() - 30_000)).build())))
        .as("within the clock skew").isInstanceOf(Principal.class);
    assertRefused(sign(key, claims().audience("someone-else").build()), "aud");
    assertRefused(sign(key, claims().issuer(issuer + "/other").build()), "iss");
    assertRefused(sign(key, claims().notBeforeTime(new Date(System.currentTimeMillis() + 600_000)).build()), "before");
  }

  @Test
  void unsignedHmacAndUnknownKeysAreRefused() throws Exception {
    assertRefused(new PlainJWT(claims().build()).serialize(), "alg none");
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
    hmac.sign(new MACSigner(new byte[32]));
    assertRefused(hmac.serialize(), "HS256");
    assertRefused(sign(stranger, claims().build()), "unknown key");
    // the public key itself as an HMAC secret (algorithm confusion) is refused as well
    SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
    confused.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
    assertRefused(confused.serialize(), "HS256");
  }

  @Test
  void missingTenantOrRolesIsForbidden() throws Exception {
    Object r = verify(sign(key, claims().claim("tenant", null).build()));
    assertThat(r).isInstanceOf(AuthFailure.class);
    assertThat(((AuthFailure) r).forbidden()).isTrue();
    r = verify(sign(key, claims().claim("roles", "nothing").build()));
    assertThat(((AuthFailure) r).forbidden()).isTrue();
    assertThat(verify(sign(key, claims().claim("roles", "editor ingest").build())))
        .extracting(p -> ((Principal) p).roles()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION)
        .containsExactlyInAnyOrder(Role.EDITOR, Role.INGEST);
  }

  private void assertRefused(String jwt, String why) throws Exception {
    Object r = verify(jwt);
    assertThat(r).as(why).isInstanceOf(AuthFailure.class);
    assertThat(((AuthFailure) r).forbidden()).as(why).isFalse();
    assertThat(((AuthFailure) r).getMessage()).containsIgnoringCase(why.split(" ")[0].equals("alg") ? "alg none" : why);
  }
}
