package io.lookout.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real server jar, started as a separate JVM process, as a user runs it. */
final class ServerProcess implements AutoCloseable {
  final Path dataDir;
  final int httpPort;
  final int otlpHttpPort;
  final int otlpGrpcPort;
  final Path logFile;
  private final Map<String, String> extraEnv;
  private Process process;

  ServerProcess(Path dataDir, Map<String, String> extraEnv) throws IOException {
    this.dataDir = dataDir;
    this.extraEnv = extraEnv;
    this.httpPort = freePort();
    this.otlpHttpPort = freePort();
    this.otlpGrpcPort = freePort();
    this.logFile = Files.createTempFile(Path.of("target"), "lookout-server-", ".log");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Path jar() {
    String jar = System.getProperty("lookout.server.jar", "target/lookout-server.jar");
    Path p = Path.of(jar);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("server jar not built: " + p + " (run ./mvnw verify)");
    }
    return p;
  }

  /** Starts the process and waits until /readyz answers 200. */
  ServerProcess start() throws IOException {
    return start(s -> Http.get(s.api() + "/readyz").statusCode() == 200);
  }

  /** Starts the process and waits until {@code ready} holds (e.g. /readyz over TLS); exceptions count as not yet. */
  ServerProcess start(java.util.function.Predicate<ServerProcess> ready) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-jar", jar().toString());
    Map<String, String> env = pb.environment();
    env.put("LOOKOUT_DATA_DIR", dataDir.toString());
    env.put("LOOKOUT_HTTP_PORT", Integer.toString(httpPort));
    env.put("LOOKOUT_OTLP_HTTP_PORT", Integer.toString(otlpHttpPort));
    env.put("LOOKOUT_OTLP_GRPC_PORT", Integer.toString(otlpGrpcPort));
    env.put("LOOKOUT_BIND_ADDRESS", "127.0.0.1");
    env.putAll(extraEnv);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    process = pb.start();
    Http.await("server ready on port " + httpPort + " (log: " + logFile + ")", Duration.ofSeconds(90), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("server exited with " + process.exitValue() + ", log: " + logFile);
      }
      try {
        return ready.test(this);
      } catch (RuntimeException e) {
        return false;
      }
    });
    return this;
  }

  String api() {
    return "http://127.0.0.1:" + httpPort;
  }

  String otlpHttp() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  String otlpGrpc() {
    return "http://127.0.0.1:" + otlpGrpcPort;
  }

  /** kill -9: no shutdown hook, no commit. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code (or -1 if it did not exit within the timeout). */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    return process.exitValue();
  }

  String log() throws IOException {
    return Files.readString(logFile);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
