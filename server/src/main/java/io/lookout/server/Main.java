package io.lookout.server;

import io.lookout.model.LookoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Entry point of {@code lookout-server.jar}: configuration from the environment only. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    LookoutServer server;
    try {
      server = LookoutServer.start(System.getenv());
    } catch (LookoutException | IllegalArgumentException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.err.println("lookout: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("startup failed", e);
      System.exit(1);
      return;
    }
    Runnable stop = server::stop;
    // SIGTERM / SIGINT: stop accepting, finish in-flight requests, commit, exit 0.
    for (String sig : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(sig), s -> {
        Thread t = new Thread(() -> {
          stop.run();
          System.exit(0);
        }, "lookout-shutdown");
        t.start();
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "lookout-shutdown-hook"));
  }
}
