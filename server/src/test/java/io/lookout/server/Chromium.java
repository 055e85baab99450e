package io.lookout.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's Chromium, headless, driven through its chromedriver: the browser of the UI tests. */
final class Chromium {
  private static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  /**
   * Skips the calling tests when Chromium or chromedriver is missing; in CI ({@code CI=true},
   * where .ci/run installs them) fails instead.
   */
  static void assumeInstalled() {
    boolean present = Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("chromium and chromium-driver must be installed for the browser tests (see .ci/run)");
    }
    Assumptions.assumeTrue(present, "chromium and chromedriver are not installed: skipping the browser tests");
  }

  /** A headless browser with a fresh profile (empty cache and storage), 1400×1000. */
  static ChromeDriver launch() throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000",
        "--user-data-dir=" + Files.createTempDirectory("lookout-chromium-"));
    return new ChromeDriver(new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build(), options);
  }
}
