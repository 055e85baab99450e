package io.lookout.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code no.nav.security:mock-oauth2-server} as a separate JVM (its dependency tree does not
 * converge with the server's, so it stays off our classpath). Its runtime classpath is resolved
 * by Maven from {@code src/test/oidc/pom.xml} (offline first, then online once), then its
 * standalone main runs with {@code SERVER_PORT} and {@code JSON_CONFIG}.
 */
final class MockOidcProcess implements AutoCloseable {
  static final String MAIN = "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt";

  final int port;
  final Path logFile;
  private final Process process;

  private MockOidcProcess(int port, Path logFile, Process process) {
    this.port = port;
    this.logFile = logFile;
    this.process = process;
  }

  /** Starts the server with {@code jsonConfig} and waits for the discovery document of {@code issuerId}. */
  static MockOidcProcess start(String jsonConfig, String issuerId) throws IOException, InterruptedException {
    String classpath = classpath();
    int port = ServerProcess.freePort();
    Path log = Files.createTempFile(Path.of("target"), "mock-oidc-", ".log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", classpath, MAIN);
    pb.environment().put("SERVER_PORT", Integer.toString(port));
    pb.environment().put("SERVER_HOSTNAME", "127.0.0.1");
    pb.environment().put("JSON_CONFIG", jsonConfig);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    MockOidcProcess m = new MockOidcProcess(port, log, pb.start());
    Http.await("mock-oauth2-server on port " + port + " (log: " + log + ")", Duration.ofSeconds(60), () -> {
      if (!m.process.isAlive()) {
        throw new AssertionError("mock-oauth2-server exited with " + m.process.exitValue() + ", log: " + log);
      }
      try {
        return Http.get(m.issuer(issuerId) + "/.well-known/openid-configuration").statusCode() == 200;
      } catch (RuntimeException e) {
        return false;
      }
    });
    return m;
  }

  String issuer(String issuerId) {
    return "http://127.0.0.1:" + port + "/" + issuerId;
  }

  /** The mock server's runtime classpath, resolved by Maven into target/ once per build. */
  static String classpath() throws IOException, InterruptedException {
    Path out = Path.of("target", "mock-oidc.classpath").toAbsolutePath();
    if (Files.isRegularFile(out) && Files.size(out) > 0) {
      return Files.readString(out).trim();
    }
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isRegularFile(root.resolve("mvnw"))) {
      root = root.getParent();
    }
    if (root == null) {
      throw new IllegalStateException("mvnw not found above " + Path.of("").toAbsolutePath());
    }
    Path pom = root.resolve("server/src/test/oidc/pom.xml");
    String offline = maven(root, pom, out, true);
    if (offline != null) {
      String online = maven(root, pom, out, false);
      if (online != null) {
        throw new IllegalStateException("cannot resolve mock-oauth2-server's classpath (offline: " + offline
            + "; online: " + online + ")");
      }
    }
    return Files.readString(out).trim();
  }

  /** Runs dependency:build-classpath; null on success, else the tail of Maven's output. */
  private static String maven(Path root, Path pom, Path out, boolean offline) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-q"));
    if (offline) {
      cmd.add("-o");
    }
    cmd.addAll(List.of("-f", pom.toString(), "dependency:build-classpath", "-Dmdep.outputFile=" + out));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return "timed out";
    }
    if (p.exitValue() == 0 && Files.isRegularFile(out) && Files.size(out) > 0) {
      return null;
    }
    String s = new String(output, StandardCharsets.UTF_8);
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
