package io.lookout.agent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.agent.pipeline.Sink.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskQueueTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(DiskQueue.Batch b) {
    List<String> out = new ArrayList<>();
    b.payloads().forEach(p -> out.add(new String(p, StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void entriesComeBackInOrderBatchedBySignal() throws Exception {
    try (DiskQueue q = new DiskQueue(dir, 1 << 20, 64 << 10)) {
      q.append(Signal.LOGS, bytes("a"), 1).get();
      q.append(Signal.LOGS, bytes("b"), 2).get();
      q.append(Signal.METRICS, bytes("m"), 5).get();
      q.append(Signal.LOGS, bytes("c"), 1).get();
      DiskQueue.Batch b1 = q.poll(1 << 20, Duration.ofSeconds(5));
      assertThat(b1.signal()).isEqualTo(Signal.LOGS);
      assertThat(texts(b1)).containsExactly("a", "b");
      assertThat(b1.items()).isEqualTo(3);
      q.ack(b1);
      DiskQueue.Batch b2 = q.poll(1 << 20, Duration.ofSeconds(5));
      assertThat(b2.signal()).isEqualTo(Signal.METRICS);
      q.ack(b2);
      DiskQueue.Batch b3 = q.poll(1 << 20, Duration.ofSeconds(5));
      assertThat(texts(b3)).containsExactly("c");
      q.ack(b3);
      assertThat(q.isEmpty()).isTrue();
      assertThat(q.poll(1 << 20, Duration.ofMillis(50))).isNull();
    }
  }

  @Test
  void unacknowledgedEntriesAreReadAgainAfterRestart() throws Exception {
    try (DiskQueue q = new DiskQueue(dir, 1 << 20, 64 << 10)) {
      for (int i = 0; i < 5; i++) {
        q.append(Signal.LOGS, bytes("e" + i), 1).get();
      }
      DiskQueue.Batch b = q.poll(4, Duration.ofSeconds(5));
      assertThat(texts(b)).containsExactly("e0", "e1");
      q.ack(b);
      assertThat(texts(q.poll(4, Duration.ofSeconds(5)))).containsExactly("e2", "e3"); // read, never acked
    }
    try (DiskQueue q = new DiskQueue(dir, 1 << 20, 64 << 10)) {
      assertThat(q.usedBytes()).isEqualTo(3 * (DiskQueue.HEADER + 2));
      assertThat(texts(q.poll(1 << 20, Duration.ofSeconds(5)))).containsExactly("e2", "e3", "e4");
    }
  }

  @Test
  void segmentsRollAndAcknowledgedOnesAreDeleted() throws Exception {
    byte[] big = new byte[20_000];
    try (DiskQueue q = new DiskQueue(dir, 10 << 20, 64 << 10)) {
      for (int i = 0; i < 10; i++) {
        q.append(Signal.LOGS, big, 1).get();
      }
      assertThat(segments()).hasSizeGreaterThan(2);
      int read = 0;
      while (read < 10) {
        DiskQueue.Batch b = q.poll(50_000, Duration.ofSeconds(5));
        read += b.payloads().size();
        q.ack(b);
      }
      assertThat(segments()).hasSize(1);
      assertThat(q.usedBytes()).isZero();
    }
  }

  @Test
  void overBudgetAppendsAreRefused() throws Exception {
    try (DiskQueue q = new DiskQueue(dir, 1 << 20, 64 << 10)) {
      q.append(Signal.LOGS, new byte[1000_000], 1).get();
      assertThatThrownBy(() -> q.append(Signal.LOGS, new byte[100_000], 1).get())
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(QueueFullException.class)
          .hasMessageContaining("raise buffer.max_bytes");
      q.ack(q.poll(1 << 20, Duration.ofSeconds(5)));
      q.append(Signal.LOGS, new byte[100_000], 1).get();
    }
  }

  @Test
  void tornTailIsCutOnRecovery() throws Exception {
    try (DiskQueue q = new DiskQueue(dir, 1 << 20, 64 << 10)) {
      q.append(Signal.LOGS, bytes("whole"), 1).get();
    }
    Path seg = segments().get(0);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3})); // half a frame, as after a crash
    }
    try (DiskQueue q = new DiskQueue(dir, 1 << 20, 64 << 10)) {
      assertThat(texts(q.poll(1 << 20, Duration.ofSeconds(5)))).containsExactly("whole");
      q.append(Signal.LOGS, bytes("next"), 1).get();
      assertThat(texts(q.poll(1 << 20, Duration.ofSeconds(5)))).containsExactly("next");
    }
  }

  private List<Path> segments() throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }
}
