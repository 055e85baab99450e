package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The npm project of real Node clients (src/test/node: the OpenTelemetry JS SDK, pino-loki,
 * winston-loki), installed under target/node-clients with {@code npm ci} from the pinned lock file
 * (again whenever the lock file changed since the last install). Tests that need it are skipped
 * where Node is not installed, and fail in CI.
 */
final class NodeProject {
  private NodeProject() {}

  private static boolean hasCommand(String cmd) {
    try {
      Process p = new ProcessBuilder(cmd, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs {@code command} in {@code dir}, asserts it succeeded within 300 s, returns its output. */
  static String run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(p.exitValue()).as("%s failed:%n%s", command, out).isZero();
    return out;
  }

  /** The installed project directory (skips the test when node/npm are missing outside CI). */
  static synchronized Path install() throws IOException, InterruptedException {
    boolean node = hasCommand("node") && hasCommand("npm");
    if (System.getenv("CI") != null) {
      assertThat(node).as("node and npm must be installed in CI (.ci/run installs them)").isTrue();
    }
    assumeTrue(node, "node/npm not installed: the Node client tests need Node.js 20+");

    Path dir = Path.of("target", "node-clients");
    Files.createDirectories(dir);
    Path src = Path.of("src", "test", "node");
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path installed = dir.resolve("node_modules").resolve(".lookout-installed-lock.json");
    byte[] lock = Files.readAllBytes(dir.resolve("package-lock.json"));
    if (!Files.isRegularFile(installed) || !Arrays.equals(Files.readAllBytes(installed), lock)) {
      run(dir, List.of("npm", "ci", "--no-audit", "--no-fund"));
      Files.write(installed, lock);
    }
    return dir;
  }
}
