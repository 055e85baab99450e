package io.lookout.alerting.notify;

import io.lookout.alerting.Alert;
import io.lookout.alerting.AlertSink;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert notification, the way Alertmanager does it: keeps the alerts of each tenant, routes them
 * through the configured tree into groups, waits {@code group_wait} / {@code group_interval} /
 * {@code repeat_interval}, honours silences and acknowledgements, and hands notifications to a
 * durable outbox that delivers them to webhooks (Alertmanager v4 payload, HMAC signature, the same
 * notification id on every retry, at least once across restarts). A persisted notification log
 * keeps a group from being notified twice for the same content, also across restarts.
 *
 * <p>All state lives on one thread of its own; {@link #send} only enqueues. Optionally forwards
 * every alert to an external Alertmanager.
 */
public final class Notifier implements AlertSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final Vertx vertx;
  private final NotifierOptions options;
  private final Clock clock;
  private final ExecutorService actor;
  private final StateFile state;
  private final Outbox outbox;
  private final NotifyEngine engine;
  private final WebClient client;
  private final Deliverer deliverer;
  private final AlertmanagerForwarder forwarder;
  private final long timerId;
  private boolean configured; // state thread only
  private volatile int pendingCount;
  private volatile long oldestPendingAt = Long.MAX_VALUE;
  private volatile boolean closed;

  /**
   * Loads the outbox and state from {@code options.dataDir()} and starts the clock tick. Nothing is
   * delivered before the first {@link #configure} call (pending entries need their receivers).
   *
   * @throws UncheckedIOException when the data directory cannot be read or written
   */
  public Notifier(Vertx vertx, NotifierOptions options, PrometheusRegistry registry, Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      this.state = new StateFile(options.dataDir());
      this.outbox = new Outbox(options.dataDir(), options.historyLimit());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the notification state in " + options.dataDir()
          + ": the directory must be writable", e);
    }
    this.engine = new NotifyEngine(state, outbox, options.resolveTimeout(), options.externalUrl());
    NotifyMetrics metrics = new NotifyMetrics(registry, () -> pendingCount,
        () -> {
          long o = oldestPendingAt;
          return o == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - o) / 1000.0;
        });
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.requestTimeout().toMillis()))
        .setFollowRedirects(false).setUserAgent("Lookout-Notifier"));
    this.actor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lookout-notify");
      t.setDaemon(true);
      return t;
    });
    this.deliverer = new Deliverer(vertx, outbox, client, options, clock, metrics, this::submit);
    this.forwarder = options.alertmanagerUrl() == null ? null
        : new AlertmanagerForwarder(vertx, client, options.alertmanagerUrl(), options.egress(),
            options.requestTimeout().toMillis(),
            metrics);
    submit(() -> { }); // publishes the outbox gauges
    this.timerId = vertx.setPeriodic(options.tickInterval().toMillis(), id -> submit(this::tick));
  }

  /**
   * Replaces receivers and routes (hot reload). Alerts, groups whose key stays, silences, acks,
   * the notification log and pending outbox entries are kept.
   */
  public void configure(NotifyConfig config) {
    Objects.requireNonNull(config, "config");
    long at = clock.millis();
    submit(() -> {
      engine.configure(config, at);
      configured = true;
    });
  }

  /**
   * Mounts {@code /api/v1/alerting/silences}, {@code /api/v1/alerting/acks} and
   * {@code /api/v1/alerting/notifications} on the router.
   */
  public void mount(Router router) {
    new NotifyApi(this, clock).mount(router);
  }

  /** Enqueues the alerts of one rule-group evaluation; never blocks. */
  @Override
  public void send(String tenant, List<Alert> alerts) {
    if (closed || alerts.isEmpty()) {
      return;
    }
    List<Alert> copy = List.copyOf(alerts);
    if (forwarder != null) {
      forwarder.forward(tenant, copy);
    }
    long receivedAt = clock.millis(); // the time of receipt, not of processing
    submit(() -> {
      engine.ingest(tenant, copy, receivedAt);
      engine.flushDue(clock.millis()); // a group due now (group_wait 0s) goes out without waiting for the tick
    });
  }

  /** Stops delivering, flushes the outbox and state to disk. Pending entries are resent on the next start. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(timerId);
    try {
      actor.submit(() -> {
        try {
          outbox.syncAll();
          state.save();
        } catch (IOException | UncheckedIOException e) {
          LOG.error("saving the notification state failed: {}", e.toString());
        }
        outbox.close();
      }).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("closing the notifier failed: {}", e.toString());
    }
    actor.shutdownNow();
    client.close();
  }

  /** Runs {@code task} on the state thread, then syncs, persists and dispatches. */
  <T> CompletableFuture<T> call(Supplier<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      actor.execute(() -> {
        try {
          f.complete(task.get());
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
        }
        afterTask();
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new IllegalStateException("the notifier is closed"));
    }
    return f;
  }

  NotifyEngine engine() {
    return engine;
  }

  Outbox outbox() {
    return outbox;
  }

  NotifierOptions options() {
    return options;
  }

  /** Test hook: one tick now, completed when its work (not its HTTP requests) is done. */
  CompletableFuture<Void> tickNow() {
    return call(() -> {
      tick();
      return null;
    });
  }

  /** Test hook: true when no request is in flight and no pending entry is due. */
  CompletableFuture<Boolean> idle() {
    return call(() -> {
      long now = clock.millis();
      for (Outbox.Entry e : outbox.pending()) {
        if (e.nextAttemptAt <= now) {
          return false;
        }
      }
      return deliverer.inFlight() == 0;
    });
  }

  private void tick() {
    engine.tick(clock.millis());
    outbox.syncAll(); // attempts and outcomes reach the disk at least once per tick
  }

  private void submit(Runnable task) {
    if (closed && !Thread.currentThread().getName().equals("lookout-notify")) {
      return;
    }
    try {
      actor.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.error("notifier task failed", e);
        }
        afterTask();
      });
    } catch (RejectedExecutionException e) {
      // closed: pending work stays in the outbox for the next start
    }
  }

  private void afterTask() {
    if (closed) {
      return;
    }
    boolean synced = false;
    try {
      outbox.sync(); // new entries are durable before their first attempt
      synced = true;
      if (engine.takeStateDirty()) {
        state.save();
      }
    } catch (IOException | UncheckedIOException e) {
      engine.markDirty();
      LOG.error("writing the notification state to {} failed: {}", options.dataDir(), e.toString());
    }
    if (configured && synced) {
      deliverer.dispatch(engine.config().receivers());
    }
    pendingCount = outbox.pendingCount();
    oldestPendingAt = outbox.oldestPendingCreatedAt();
  }
}
