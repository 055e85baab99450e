package io.lookout.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real Prometheus server (Debian's `prometheus` package) as a separate process. */
final class PrometheusProcess implements AutoCloseable {
  static final String BINARY = "/usr/bin/prometheus";
  static final String PROMTOOL = "/usr/bin/promtool";
  final int port;
  final Path dir;
  private final Process process;

  static boolean installed() {
    return Files.isExecutable(Path.of(BINARY)) && Files.isExecutable(Path.of(PROMTOOL));
  }

  /** Starts Prometheus with {@code config} (YAML) and waits until it is ready. */
  PrometheusProcess(String config) throws IOException {
    port = ServerProcess.freePort();
    dir = Files.createTempDirectory("prometheus-it-");
    Path cfg = dir.resolve("prometheus.yml");
    Files.writeString(cfg, config);
    ProcessBuilder pb = new ProcessBuilder(BINARY,
        "--config.file=" + cfg,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn");
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("prometheus.log").toFile());
    process = pb.start();
    Http.await("prometheus ready on " + port, Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited: see " + dir.resolve("prometheus.log"));
      }
      try {
        return Http.get(url() + "/-/ready").statusCode() == 200;
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
