package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;

  private static Outbox.Entry entry(String id, long at) {
    return new Outbox.Entry(id, "default", "r", "{}:{}", "firing", at, List.of("f1"), List.of(), 1, "{\"a\":1}");
  }

  @Test
  void keepsPendingEntriesAndHistoryAcrossReopenAndIgnoresATornLastLine() throws Exception {
    try (Outbox o = new Outbox(dir, 10)) {
      o.add(entry("one", 1));
      o.add(entry("two", 2));
      o.sync();
      o.attempt(o.get("one"), new Outbox.Attempt(3, 5, 500, "status 500", 1000, 900));
      o.finish(o.get("two"), "delivered", "", 4);
    }
    Files.writeString(dir.resolve("outbox.log"), "{\"t\":\"add\",\"id\":\"torn", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (Outbox o = new Outbox(dir, 10)) {
      assertThat(o.pendingCount()).isEqualTo(1);
      Outbox.Entry one = o.get("one");
      assertThat(one.body).isEqualTo("{\"a\":1}");
      assertThat(one.attempts).isEqualTo(1);
      assertThat(one.nextAttemptAt).isEqualTo(900);
      assertThat(o.get("two").state).isEqualTo("delivered");
      assertThat(o.newestFirst()).extracting(e -> e.id).containsExactly("two", "one");
    }
  }

  @Test
  void boundsTheHistoryOfFinishedEntries() throws Exception {
    try (Outbox o = new Outbox(dir, 3)) {
      for (int i = 0; i < 10; i++) {
        o.add(entry("e" + i, i));
        o.finish(o.get("e" + i), "failed", "status 400", i);
      }
      assertThat(o.newestFirst()).extracting(e -> e.id).containsExactly("e9", "e8", "e7");
    }
    try (Outbox o = new Outbox(dir, 3)) {
      assertThat(o.newestFirst()).hasSize(3);
    }
  }
}
