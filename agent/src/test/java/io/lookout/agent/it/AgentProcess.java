package io.lookout.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real agent jar as a separate JVM, started by bin/lookout-agent as a user runs it. */
final class AgentProcess implements AutoCloseable {
  final Path config;
  final int httpPort;
  final Path logFile;
  private final Map<String, String> env;
  private Process process;

  /** Writes {@code yaml} (which should use ${AGENT_HTTP_PORT} or leave http_port to the override) to a file. */
  AgentProcess(Path dir, String yaml, Map<String, String> env) throws IOException {
    Files.createDirectories(dir);
    this.config = dir.resolve("agent.yaml");
    Files.writeString(config, yaml);
    this.httpPort = ServerProcess.freePort();
    this.env = env;
    this.logFile = Files.createTempFile(Path.of("target"), "lookout-agent-", ".log");
  }

  static Path jar() {
    Path p = Path.of(System.getProperty("lookout.agent.jar", "target/lookout-agent.jar"));
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("agent jar not built: " + p + " (run ./mvnw -pl agent package)");
    }
    return p;
  }

  static Path launcher() {
    Path p = Path.of(System.getProperty("lookout.agent.launcher", "bin/lookout-agent"));
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("agent launcher not found: " + p);
    }
    return p;
  }

  AgentProcess start() throws IOException {
    // through bin/lookout-agent, which carries the small-footprint JVM flags (24 MB heap...) users get;
    // the script execs java, so the process (and kill -9) is the JVM itself
    ProcessBuilder pb = new ProcessBuilder("sh", launcher().toString(), config.toString());
    pb.environment().put("LOOKOUT_AGENT_JAR", jar().toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("LOOKOUT_AGENT_HTTP_PORT", Integer.toString(httpPort));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    process = pb.start();
    try {
      Http.await("agent healthy on port " + httpPort + " (log: " + logFile + ")", Duration.ofSeconds(60), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("agent exited with " + process.exitValue() + ", log: " + logFile);
        }
        try {
          return Http.get(base() + "/healthz").statusCode() == 200;
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

  String base() {
    return "http://127.0.0.1:" + httpPort;
  }

  String metrics() {
    return Http.get(base() + "/metrics").body();
  }

  double metric(String name) {
    return Http.metric(metrics(), name);
  }

  long pid() {
    return process.pid();
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code (-1 if it did not exit in time). */
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
}
