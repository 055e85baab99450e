package io.lookout.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {
  @TempDir Path dir;

  private static final Principal ANN = new Principal("ann", "acme", Set.of(Role.VIEWER, Role.EDITOR), "jwt");

  private static Clock at(long millis) {
    return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  @Test
  void sessionsSurviveARestartAndLogoutsAndExpiryToo() throws Exception {
    Path file = dir.resolve("auth").resolve("sessions.jsonl");
    String kept;
    String loggedOut;
    String expiring;
    try (Sessions s = new Sessions(Duration.ofHours(8), at(1_000_000), file)) {
      kept = s.create(ANN);
      loggedOut = s.create(ANN);
      s.remove(loggedOut);
    }
    try (Sessions s = new Sessions(Duration.ofMinutes(1), at(2_000_000), file)) {
      expiring = s.create(new Principal("bob", "globex", Set.of(Role.ADMIN), "jwt"));
    }

    // restarted 30 minutes later: the 8-hour session lives, the 1-minute one expired
    try (Sessions s = new Sessions(Duration.ofHours(8), at(2_000_000 + Duration.ofMinutes(30).toMillis()), file)) {
      Principal p = s.get(kept);
      assertThat(p).isNotNull();
      assertThat(p.subject()).isEqualTo("ann");
      assertThat(p.tenant()).isEqualTo("acme");
      assertThat(p.roles()).containsExactlyInAnyOrder(Role.VIEWER, Role.EDITOR);
      assertThat(p.scheme()).isEqualTo("session");
      assertThat(s.get(loggedOut)).isNull();
      assertThat(s.get(expiring)).isNull();
      assertThat(s.size()).isEqualTo(1);
    }

    // the file never holds a cookie value, only its hash, and only its owner may read it
    String content = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(content).doesNotContain(kept).doesNotContain(loggedOut).doesNotContain(expiring);
    assertThat(content.lines().count()).isEqualTo(1); // compacted at the last start
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void aTornOrGarbledLineIsSkippedAndTheRestKept() throws Exception {
    Path file = dir.resolve("sessions.jsonl");
    String id;
    try (Sessions s = new Sessions(Duration.ofHours(1), at(0), file)) {
      id = s.create(ANN);
    }
    Files.writeString(file, "not json\n{\"op\":\"put\",\"key\":\"short\"}\n{\"op\":\"put\",\"ke",
        java.nio.file.StandardOpenOption.APPEND);
    try (Sessions s = new Sessions(Duration.ofHours(1), at(1000), file)) {
      assertThat(s.get(id)).isNotNull();
      assertThat(s.size()).isEqualTo(1);
    }
  }

  @Test
  void withoutAFileSessionsLiveInMemoryOnly() {
    Sessions s = new Sessions(Duration.ofHours(1), at(0));
    String id = s.create(ANN);
    assertThat(s.get(id).tenant()).isEqualTo("acme");
    s.remove(id);
    assertThat(s.get(id)).isNull();
  }
}
