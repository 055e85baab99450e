package io.lookout.query.internal;

import io.lookout.model.LookoutException;
import io.lookout.query.LogTailConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every kind of live tail (native SSE, Loki WebSocket) shares: the per-tenant and total caps
 * ({@code LOOKOUT_TAIL_MAX_PER_TENANT}, {@code LOOKOUT_TAIL_MAX_CONNECTIONS}), the worker pool the
 * polls run on, the open tails (ended on {@link #close()}) and the tail metrics.
 */
public final class TailSlots implements AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final LogTailConfig config;
  private final WorkerExecutor pollers;
  private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final Map<Slot, Boolean> open = new ConcurrentHashMap<>();
  private final Gauge connections;
  private final Counter lines;
  private final Counter refused;

  /** @param pollTimeoutMillis how long one poll may take at most before its worker is reported blocked */
  public TailSlots(Vertx vertx, LogTailConfig config, long pollTimeoutMillis, PrometheusRegistry registry) {
    this.config = config;
    this.pollers = vertx.createSharedWorkerExecutor("lookout-tail-" + INSTANCES.incrementAndGet(),
        Math.min(4, config.maxTotal()), pollTimeoutMillis, TimeUnit.MILLISECONDS);
    connections = Gauge.builder().name("lookout_tail_connections")
        .help("Live tails open now (native and Loki)").register(registry);
    lines = Counter.builder().name("lookout_tail_lines_total")
        .help("Log lines sent to live tails (native and Loki)").register(registry);
    refused = Counter.builder().name("lookout_tail_refused_total")
        .help("Live tails refused by the per-tenant or total connection cap").register(registry);
  }

  public LogTailConfig config() {
    return config;
  }

  /** The pool every poll runs on. */
  public WorkerExecutor pollers() {
    return pollers;
  }

  /** Counts lines sent to a client. */
  public void sent(int count) {
    lines.inc(count);
  }

  /**
   * Takes a slot for a new tail of {@code tenant}; {@code onShutdown} runs (once) when the server
   * ends every tail, after the slot was released.
   *
   * @throws LookoutException 429 past the per-tenant cap, 503 past the total cap
   */
  public Slot acquire(String tenant, Runnable onShutdown) {
    AtomicInteger mine = perTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
    if (mine.incrementAndGet() > config.maxPerTenant()) {
      mine.decrementAndGet();
      refused.inc();
      throw LookoutException.rateLimited("tenant '" + tenant + "' already has " + config.maxPerTenant()
          + " live tails open, the limit LOOKOUT_TAIL_MAX_PER_TENANT: close a tail and retry", 5);
    }
    if (total.incrementAndGet() > config.maxTotal()) {
      total.decrementAndGet();
      mine.decrementAndGet();
      refused.inc();
      throw LookoutException.overloaded("the server already has " + config.maxTotal()
          + " live tails open, the limit LOOKOUT_TAIL_MAX_CONNECTIONS: retry later", 5);
    }
    connections.inc();
    Slot s = new Slot(mine, onShutdown);
    open.put(s, Boolean.TRUE);
    return s;
  }

  /** Ends every open tail and stops the pollers. */
  @Override
  public void close() {
    for (Slot s : List.copyOf(open.keySet())) {
      if (s.release()) {
        s.onShutdown.run();
      }
    }
    pollers.close();
  }

  /** One open tail's place under the caps. */
  public final class Slot {
    private final AtomicInteger tenantCount;
    private final Runnable onShutdown;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(AtomicInteger tenantCount, Runnable onShutdown) {
      this.tenantCount = tenantCount;
      this.onShutdown = onShutdown;
    }

    /** True once released. */
    public boolean released() {
      return released.get();
    }

    /** Gives the slot back; true the first time only. */
    public boolean release() {
      if (!released.compareAndSet(false, true)) {
        return false;
      }
      open.remove(this);
      tenantCount.decrementAndGet();
      total.decrementAndGet();
      connections.dec();
      return true;
    }
  }
}
