package io.lookout.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.LookoutException;
import io.vertx.core.http.HttpMethod;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private final AccessPolicy policy = AccessPolicy.standard(Role.VIEWER);

  @Test
  void mapsRoutesToRolesAndDeniesUnknownOnes() {
    assertThat(policy.required(HttpMethod.GET, "/healthz")).isEqualTo(Role.PUBLIC);
    assertThat(policy.required(HttpMethod.POST, "/healthz")).isNull();
    assertThat(policy.required(HttpMethod.POST, "/prometheus/api/v1/write")).isEqualTo(Role.INGEST);
    assertThat(policy.required(HttpMethod.GET, "/api/v1/logs/")).isEqualTo(Role.VIEWER);
    assertThat(policy.required(HttpMethod.POST, "/api/v1/logs")).isEqualTo(Role.VIEWER);
    assertThat(policy.required(HttpMethod.GET, "/api/v1/traces/abc")).isEqualTo(Role.VIEWER);
    assertThat(policy.required(HttpMethod.GET, "/api/v1/traces/abc/extra")).isNull();
    assertThat(policy.required(HttpMethod.DELETE, "/api/v1/alerting/rules/g")).isEqualTo(Role.EDITOR);
    assertThat(policy.required(HttpMethod.GET, "/api/v1/alerting/rules/g")).isEqualTo(Role.VIEWER);
    assertThat(policy.required(HttpMethod.GET, "/api/v1/admin/routes")).isEqualTo(Role.ADMIN);
    assertThat(policy.required(HttpMethod.GET, "/api/v1/unknown")).isNull();
    assertThat(policy.required(HttpMethod.GET, "/api/v1/traces/")).isEqualTo(Role.VIEWER);
    assertThat(AccessPolicy.standard(Role.PUBLIC).required(HttpMethod.GET, "/metrics")).isEqualTo(Role.PUBLIC);
  }

  @Test
  void rolesNestExceptIngest() {
    assertThat(Role.ADMIN.grants(Role.EDITOR)).isTrue();
    assertThat(Role.EDITOR.grants(Role.VIEWER)).isTrue();
    assertThat(Role.VIEWER.grants(Role.EDITOR)).isFalse();
    assertThat(Role.INGEST.grants(Role.VIEWER)).isFalse();
    assertThat(Role.ADMIN.grants(Role.INGEST)).isFalse();
    assertThat(Role.INGEST.grants(Role.INGEST)).isTrue();
    assertThat(Role.VIEWER.grants(Role.PUBLIC)).isTrue();
  }

  @Test
  void tokenTableMatchesHashesOnly() {
    TokenTable t = TokenTable.parse("tokens:\n"
        + "  - {tenant: acme, role: ingest, sha256: \"" + TokenTable.hash("s3cret") + "\", name: agent}\n"
        + "  - {tenant: b, roles: [viewer, ingest], sha256: \"" + TokenTable.hash("other").toUpperCase() + "\"}\n", "test");
    Principal p = t.authenticate("s3cret");
    assertThat(p.tenant()).isEqualTo("acme");
    assertThat(p.subject()).isEqualTo("agent");
    assertThat(p.may(Role.INGEST)).isTrue();
    assertThat(p.may(Role.VIEWER)).isFalse();
    assertThat(t.authenticate("other").may(Role.VIEWER)).isTrue();
    assertThat(t.authenticate("s3cre")).isNull();
    assertThat(t.authenticate("")).isNull();
    assertThat(TokenTable.parse("", "empty").size()).isZero();
  }

  @Test
  void badTokenTablesFailNamingTheProblem() {
    String h = TokenTable.hash("x");
    assertThatThrownBy(() -> TokenTable.parse("tokens:\n  - {tenant: a, role: root, sha256: " + h + "}", "f"))
        .isInstanceOf(LookoutException.class).hasMessageContaining("unknown role 'root'");
    assertThatThrownBy(() -> TokenTable.parse("tokens:\n  - {tenant: a, role: viewer, sha256: abc}", "f"))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> TokenTable.parse("tokens:\n  - {tenant: '../x', role: viewer, sha256: " + h + "}", "f"))
        .hasMessageContaining("tenant");
    assertThatThrownBy(() -> TokenTable.parse("tokens:\n  - {tenant: a, role: viewer, token: x, sha256: " + h + "}", "f"))
        .hasMessageContaining("unknown key 'token'");
    assertThatThrownBy(() -> TokenTable.parse("tokens:\n  - {tenant: a, role: viewer, sha256: " + h + "}\n"
        + "  - {tenant: b, role: viewer, sha256: " + h + "}", "f")).hasMessageContaining("twice");
  }

  @Test
  void credentialsComeFromBearerOrBasicPassword() {
    assertThat(Authenticator.credential("Bearer abc")).isEqualTo("abc");
    assertThat(Authenticator.credential("bearer  abc ")).isEqualTo("abc");
    String basic = Base64.getEncoder().encodeToString("acme:tok".getBytes());
    assertThat(Authenticator.credential("Basic " + basic)).isEqualTo("tok");
    assertThatThrownBy(() -> Authenticator.credential("Digest x")).isInstanceOf(AuthFailure.class);
    assertThatThrownBy(() -> Authenticator.credential("Bearer")).isInstanceOf(AuthFailure.class);
  }

  @Test
  void authModeIsValidated() {
    assertThat(AuthConfig.fromEnv(java.util.Map.of()).enabled()).isFalse();
    assertThatThrownBy(() -> AuthConfig.fromEnv(java.util.Map.of("LOOKOUT_AUTH", "tokens")))
        .hasMessageContaining("use none, token, oidc or token,oidc");
    assertThatThrownBy(() -> AuthConfig.fromEnv(java.util.Map.of("LOOKOUT_AUTH", "token")))
        .hasMessageContaining("LOOKOUT_TOKENS_FILE");
    assertThatThrownBy(() -> AuthConfig.fromEnv(java.util.Map.of("LOOKOUT_AUTH", "oidc")))
        .hasMessageContaining("LOOKOUT_OIDC_ISSUER");
  }

  @Test
  void returnTargetsStayOnThisSite() {
    assertThat(OidcLogin.safeReturn("/logs?query=a")).isEqualTo("/logs?query=a");
    assertThat(OidcLogin.safeReturn("//evil.example/")).isEqualTo("/");
    assertThat(OidcLogin.safeReturn("https://evil.example/")).isEqualTo("/");
    assertThat(OidcLogin.safeReturn("/\\evil.example")).isEqualTo("/");
  }
}
