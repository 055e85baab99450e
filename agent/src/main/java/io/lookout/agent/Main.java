package io.lookout.agent;

import io.lookout.agent.config.AgentConfig;
import io.lookout.agent.config.ConfigException;
import io.lookout.agent.config.ConfigLoader;
import io.lookout.agent.config.IsolatedConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar lookout-agent.jar [config.yaml]}: the config path comes from the first argument
 * or {@code LOOKOUT_AGENT_CONFIG}. Exit codes: 0 after SIGTERM/SIGINT (pending data flushed to the
 * disk queue), 1 when startup fails, 2 for a bad config (the message on stderr names file, line
 * and column).
 */
public final class Main {
  static {
    configureLogging(System.getenv("LOOKOUT_AGENT_LOG_LEVEL"));
  }

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * Plain lines on stdout through slf4j-simple, configured by system properties before the first
   * logger exists; {@code -Dorg.slf4j.simpleLogger.*} on the command line still wins.
   */
  static void configureLogging(String level) {
    String l = level == null || level.isBlank() ? "info" : level.trim().toLowerCase(java.util.Locale.ROOT);
    if (l.equals("warning")) {
      l = "warn";
    }
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", l);
    setDefault("org.slf4j.simpleLogger.logFile", "System.out");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  public static void main(String[] args) {
    String path = args.length > 0 ? args[0] : System.getenv(ConfigLoader.CONFIG_ENV);
    if (path == null || path.isBlank()) {
      System.err.println("no config file: set " + ConfigLoader.CONFIG_ENV + " or pass the path as the first argument");
      System.exit(2);
    }
    AgentConfig config;
    try {
      config = IsolatedConfig.load(Path.of(path), System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Agent agent;
    try {
      agent = new Agent(config, new PrometheusRegistry());
      agent.start();
    } catch (Exception e) {
      LOG.error("agent failed to start: {}", e.getMessage(), e);
      System.err.println("agent failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) {
        LOG.info("stopping");
        agent.close();
        LOG.info("stopped");
        done.countDown();
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.run();
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "lookout-agent-shutdown"));
    // SIGTERM and SIGINT exit 0 after a clean stop (the JVM's default would be 143/130)
    for (String sig : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> Thread.ofPlatform().name("lookout-agent-signal").start(() -> {
          stop.run();
          Runtime.getRuntime().halt(0);
        }));
      } catch (IllegalArgumentException e) {
        // signal not available here: the shutdown hook still stops cleanly
      }
    }
    // Inputs may run on daemon threads only (host metrics or scraping without the HTTP port):
    // the main thread keeps the process alive until a signal stops it.
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
