package io.lookout.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenTableTest {
  private static String entry(String tenant, String role, String token, String name) {
    return "  - {tenant: " + tenant + ", role: " + role + ", name: " + name + ", sha256: \"" + TokenTable.hash(token)
        + "\"}\n";
  }

  @Test
  void aPresentedTokenFindsItsEntryWhateverTheTableSize() {
    StringBuilder yaml = new StringBuilder("tokens:\n");
    for (int i = 0; i < 500; i++) {
      yaml.append(entry("t" + (i % 7), i % 2 == 0 ? "ingest" : "viewer", "secret-" + i, "n" + i));
    }
    TokenTable table = TokenTable.parse(yaml.toString(), "test");
    assertThat(table.size()).isEqualTo(500);
    Principal p = table.authenticate("secret-321");
    assertThat(p.subject()).isEqualTo("n321");
    assertThat(p.tenant()).isEqualTo("t" + (321 % 7));
    assertThat(p.roles()).containsExactly(Role.VIEWER);
    assertThat(p.scheme()).isEqualTo("token");
    assertThat(table.authenticate("secret-0").roles()).containsExactly(Role.INGEST);
  }

  @Test
  void unknownOrEmptyTokensFindNothing() {
    TokenTable table = TokenTable.parse("tokens:\n" + entry("acme", "ingest", "s1", "a"), "test");
    assertThat(table.authenticate("s2")).isNull();
    assertThat(table.authenticate("")).isNull();
    assertThat(table.authenticate(null)).isNull();
    assertThat(table.authenticate(TokenTable.hash("s1"))).as("the hash itself is not a credential").isNull();
  }

  @Test
  void aTokenInBothTablesTakesTheFileEntry() {
    TokenTable inline = TokenTable.parse("tokens:\n" + entry("acme", "ingest", "s1", "inline"), "env");
    TokenTable file = TokenTable.parse("tokens:\n" + entry("globex", "viewer", "s1", "file"), "file");
    Principal p = inline.plus(file).authenticate("s1");
    assertThat(p.subject()).isEqualTo("file");
    assertThat(p.tenant()).isEqualTo("globex");
  }
}
