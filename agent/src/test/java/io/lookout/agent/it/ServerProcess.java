package io.lookout.agent.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real server jar as a separate JVM (adapted from the server module's test helper). */
final class ServerProcess implements AutoCloseable {
  final Path dataDir;
  final int httpPort;
  final int otlpHttpPort;
  final int otlpGrpcPort;
  final Path logFile;
  private Process process;

  ServerProcess(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    this.httpPort = freePort();
    this.otlpHttpPort = freePort();
    this.otlpGrpcPort = freePort();
    Files.createDirectories(Path.of("target"));
    this.logFile = Files.createTempFile(Path.of("target"), "lookout-server-", ".log");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Path jar() {
    Path p = Path.of(System.getProperty("lookout.server.jar", "../server/target/lookout-server.jar"));
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("server jar not built: " + p + " (run ./mvnw -pl server package)");
    }
    return p;
  }

  /** Starts the process and waits until /readyz answers 200. */
  ServerProcess start() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-jar", jar().toString());
    Map<String, String> env = pb.environment();
    env.put("LOOKOUT_DATA_DIR", dataDir.toString());
    env.put("LOOKOUT_HTTP_PORT", Integer.toString(httpPort));
    env.put("LOOKOUT_OTLP_HTTP_PORT", Integer.toString(otlpHttpPort));
    env.put("LOOKOUT_OTLP_GRPC_PORT", Integer.toString(otlpGrpcPort));
    env.put("LOOKOUT_BIND_ADDRESS", "127.0.0.1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    process = pb.start();
    try {
      Http.await("server ready on port " + httpPort + " (log: " + logFile + ")", Duration.ofSeconds(90), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("server exited with " + process.exitValue() + ", log: " + logFile);
        }
        try {
          return Http.get(api() + "/readyz").statusCode() == 200;
        } catch (RuntimeException e) {
          return false;
        }
      });
    } catch (RuntimeException | Error e) {
      process.destroyForcibly(); // never leave a half-started process behind
      throw e;
    }
    return this;
  }

  String api() {
    return "http://127.0.0.1:" + httpPort;
  }

  String otlpHttp() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the server finishes what it acknowledged, then exits. */
  void terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      kill9();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
