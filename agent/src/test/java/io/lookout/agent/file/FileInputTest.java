package io.lookout.agent.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.agent.config.ConfigLoader;
import io.lookout.agent.config.FileInputConfig;
import io.lookout.agent.output.DiskQueue;
import io.lookout.agent.output.QueueSink;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInputTest {
  @TempDir Path tmp;
  private Path logs;
  private DiskQueue queue;
  private QueueSink sink;
  private PrometheusRegistry registry;
  private FileMetrics metrics;
  private FileInput input;
  private final List<LogRecord> received = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    logs = Files.createDirectories(tmp.resolve("logs"));
    registry = new PrometheusRegistry();
    queue = new DiskQueue(tmp.resolve("queue"), 64 << 20, 1 << 20);
    sink = new QueueSink(queue, registry);
    metrics = new FileMetrics(registry);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (input != null) {
      input.close();
    }
    queue.close();
  }

  private FileInput start(String yaml) throws IOException {
    String full = "endpoint: http://x:1\nfiles:\n  - paths: [\"" + logs + "/app.log*\"]\n" + yaml.indent(4);
    FileInputConfig c = ConfigLoader.parse("t.yaml", full, Map.of()).files().get(0);
    input = new FileInput(c, tmp.resolve("ckpt/files.txt"), Map.of("service.name", "t"), sink, 50, 1 << 20,
        Duration.ofMillis(50), metrics);
    input.start();
    return input;
  }

  private void stop() throws Exception {
    input.close();
    input = null;
  }

  private static void append(Path p, String... lines) throws IOException {
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static String[] lines(String prefix, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> String.format("%s %05d some text to make it longer", prefix, i))
        .toArray(String[]::new);
  }

  /** Drains the queue into {@link #received} until it holds {@code n} records or the deadline passes. */
  private List<String> awaitBodies(int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (received.size() < n && System.nanoTime() < deadline) {
      drainOnce(Duration.ofMillis(100));
    }
    return bodies();
  }

  private void drainOnce(Duration wait) throws Exception {
    DiskQueue.Batch b = queue.poll(1 << 20, wait);
    if (b != null) {
      for (byte[] p : b.payloads()) {
        ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(p);
        r.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl -> received.addAll(sl.getLogRecordsList())));
      }
      queue.ack(b);
    }
  }

  private List<String> bodies() {
    return received.stream().map(r -> r.getBody().getStringValue()).toList();
  }

  /** Stops the input, then takes everything left in the queue. */
  private List<String> finish() throws Exception {
    stop();
    while (!queue.isEmpty()) {
      drainOnce(Duration.ofMillis(100));
    }
    return bodies();
  }

  @Test
  void followsRenameRotationReadingTheOldFileToItsEnd() throws Exception {
    Path app = logs.resolve("app.log");
    append(app, lines("a", 1, 100));
    start("multiline: {java_stack_traces: false}");
    assertThat(awaitBodies(100)).hasSize(100);
    Files.move(app, logs.resolve("app.log.1"));
    append(logs.resolve("app.log.1"), lines("a", 101, 120)); // the writer still had the old file open
    append(app, lines("a", 121, 200));
    awaitBodies(200);
    assertThat(finish()).containsExactly(lines("a", 1, 200));
    LogRecord r = received.get(0);
    assertThat(r.getAttributesList()).extracting(KeyValue::getKey).contains("log.file.path", "log.file.name");
  }

  @Test
  void renamedOutOfTheGlobIsStillReadToItsEnd() throws Exception {
    Path app = logs.resolve("app.log");
    append(app, lines("b", 1, 10));
    start("multiline: {java_stack_traces: false}");
    awaitBodies(10);
    Files.move(app, logs.resolve("old-app")); // no longer matched by app.log*
    append(logs.resolve("old-app"), lines("b", 11, 20));
    append(app, lines("b", 21, 30));
    awaitBodies(30);
    assertThat(finish()).containsExactlyInAnyOrder(lines("b", 1, 30));
  }

  @Test
  void copyTruncateResumesInTheCopyAndRestartsTheOriginal() throws Exception {
    Path app = logs.resolve("app.log");
    append(app, lines("c", 1, 100));
    start("multiline: {java_stack_traces: false}");
    awaitBodies(100);
    append(app, lines("c", 101, 150)); // maybe not read before the rotation below
    Files.copy(app, logs.resolve("app.log.1"), StandardCopyOption.COPY_ATTRIBUTES);
    try (var ch = java.nio.channels.FileChannel.open(app, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    append(app, lines("c", 151, 170));
    awaitBodies(170);
    assertThat(finish()).containsExactlyInAnyOrder(lines("c", 1, 170));
    assertThat(metrics.rotations.labelValues("truncate").get()).isEqualTo(1.0);
  }

  @Test
  void truncationWithoutCopyRestartsAtZero() throws Exception {
    Path app = logs.resolve("app.log");
    append(app, lines("d", 1, 50));
    start("multiline: {java_stack_traces: false}");
    awaitBodies(50);
    try (var ch = java.nio.channels.FileChannel.open(app, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    append(app, lines("e", 1, 5));
    awaitBodies(55);
    assertThat(finish()).containsExactly(IntStreamConcat.of(lines("d", 1, 50), lines("e", 1, 5)));
  }

  @Test
  void restartResumesFromTheCheckpoint() throws Exception {
    Path app = logs.resolve("app.log");
    append(app, lines("f", 1, 30));
    start("multiline: {java_stack_traces: false}");
    awaitBodies(30);
    stop();
    append(app, lines("f", 31, 40));
    Files.move(app, logs.resolve("app.log.9")); // renamed while the agent was down: same fingerprint
    start("multiline: {java_stack_traces: false}");
    awaitBodies(40);
    assertThat(finish()).containsExactly(lines("f", 1, 40));
  }

  @Test
  void startAtEndSkipsExistingContentOfUnknownFiles() throws Exception {
    Path app = logs.resolve("app.log");
    append(app, lines("g", 1, 30));
    start("start_at: end\nmultiline: {java_stack_traces: false}");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (input.openFiles() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    append(app, lines("g", 31, 35));
    awaitBodies(5);
    assertThat(finish()).containsExactly(lines("g", 31, 35));
  }

  @Test
  void javaStackTracesAreJoinedAndFlushedAfterTheTimeout() throws Exception {
    Path app = logs.resolve("app.log");
    append(app, "2026-01-02 ERROR request failed", "java.lang.IllegalStateException: boom",
        "\tat a.b.C.d(C.java:10)", "    at a.b.C.e(C.java:20)", "Caused by: java.io.IOException: disk",
        "\t... 2 more", "2026-01-02 INFO next one");
    start("multiline: {timeout: 200ms}");
    List<String> b = awaitBodies(2);
    assertThat(b).hasSize(2);
    assertThat(b.get(0)).startsWith("2026-01-02 ERROR request failed\njava.lang.IllegalStateException: boom\n")
        .endsWith("\t... 2 more");
    assertThat(b.get(1)).isEqualTo("2026-01-02 INFO next one");
  }

  @Test
  void startPatternJoinsContinuationLines() throws Exception {
    append(logs.resolve("app.log"), "2026-01-02 a", "  more a", "plain more a", "2026-01-03 b");
    start("multiline: {start_pattern: '^\\d{4}-', timeout: 100ms}");
    assertThat(awaitBodies(2)).containsExactly("2026-01-02 a\n  more a\nplain more a", "2026-01-03 b");
  }

  @Test
  void longLinesAreTruncatedAndCounted() throws Exception {
    append(logs.resolve("app.log"), "x".repeat(5000), "short", "y".repeat(200_000), "end");
    start("max_line_bytes: 1KiB\nmultiline: {java_stack_traces: false}");
    List<String> b = awaitBodies(4);
    assertThat(b).containsExactly("x".repeat(1024), "short", "y".repeat(1024), "end");
    assertThat(received.get(0).getAttributesList()).extracting(KeyValue::getKey).contains("log.record.truncated");
    stop();
    assertThat(metrics.truncated.get()).isEqualTo(2.0);
  }

  @Test
  void utf16AndLatin1AreDecoded() throws Exception {
    Files.write(logs.resolve("app.log"), "héllo wörld\r\nsecond ✓\n".getBytes(Charset.forName("UTF-16LE")));
    start("encoding: UTF-16LE\nmultiline: {java_stack_traces: false}");
    assertThat(awaitBodies(2)).containsExactly("héllo wörld", "second ✓");
    stop();
    received.clear();
    Files.delete(logs.resolve("app.log"));
    Files.write(logs.resolve("app.log.l1"), "caf\u00e9 ol\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    start("encoding: ISO-8859-1\nmultiline: {java_stack_traces: false}");
    assertThat(awaitBodies(1)).containsExactly("café olé");
  }

  @Test
  void fullQueuePausesTheInputWithoutDroppingAnything() throws Exception {
    queue.close();
    queue = new DiskQueue(tmp.resolve("small-queue"), 1 << 20, 256 << 10);
    sink = new QueueSink(queue, new PrometheusRegistry());
    String pad = "p".repeat(1000);
    String[] all = IntStream.rangeClosed(1, 4000).mapToObj(i -> i + " " + pad).toArray(String[]::new);
    append(logs.resolve("app.log"), all); // about 4 MB: four times the queue budget
    start("multiline: {java_stack_traces: false}");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (metrics.queueFullWaits.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(metrics.queueFullWaits.get()).as("paused on a full queue").isPositive();
    assertThat(awaitBodies(4000)).containsExactly(all);
  }

  @Test
  void fingerprintFollowsContentNotPath() throws Exception {
    Path a = logs.resolve("a.log");
    append(a, "same first line", "rest");
    try (var ch = java.nio.channels.FileChannel.open(a)) {
      Fingerprint fp = Fingerprint.of(ch);
      assertThat(fp.length()).isEqualTo("same first line\n".length());
      Path b = Files.copy(a, logs.resolve("b.log"));
      try (var chb = java.nio.channels.FileChannel.open(b)) {
        assertThat(Fingerprint.of(chb)).isEqualTo(fp);
      }
      assertThat(Fingerprint.parse(fp.key())).isEqualTo(fp);
    }
    Path c = logs.resolve("c.log");
    Files.writeString(c, "no newline yet");
    try (var ch = java.nio.channels.FileChannel.open(c)) {
      assertThat(Fingerprint.of(ch)).isNull();
    }
    Files.writeString(c, "z".repeat(300));
    try (var ch = java.nio.channels.FileChannel.open(c)) {
      assertThat(Fingerprint.of(ch).length()).isEqualTo(Fingerprint.MAX_LENGTH);
    }
  }

  @Test
  void globsMatchDoubleStarAcrossZeroOrMoreDirectories() throws IOException {
    Files.createDirectories(logs.resolve("x/y"));
    Files.writeString(logs.resolve("top.log"), "1\n");
    Files.writeString(logs.resolve("x/y/deep.log"), "1\n");
    Files.writeString(logs.resolve("x/skip.txt"), "1\n");
    assertThat(new Glob(logs + "/**/*.log").files()).containsExactlyInAnyOrder(logs.resolve("top.log"),
        logs.resolve("x/y/deep.log"));
    assertThat(new Glob(logs + "/*.log").files()).containsExactly(logs.resolve("top.log"));
    assertThat(new Glob(logs + "/x/*/deep.{log,txt}").files()).containsExactly(logs.resolve("x/y/deep.log"));
  }

  /** Concatenates arrays. */
  static final class IntStreamConcat {
    static String[] of(String[] a, String[] b) {
      String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }
}
