package io.lookout.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.AlertSink;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.alerting.notify.NotifyConfig;
import io.lookout.alerting.rules.AlertState;
import io.lookout.alerting.rules.GroupSpec;
import io.lookout.alerting.rules.ProbeSpec;
import io.lookout.alerting.rules.RuleFile;
import io.lookout.alerting.rules.RuleSpec;
import io.lookout.model.Tenant;
import io.lookout.model.net.EgressPolicy;
import io.lookout.model.spi.MetricStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the running rule groups and probes equal to what the rule files, the API and the
 * built-in heartbeat define; schedules each group on its interval on a small worker pool
 * (never on a Vert.x event loop), one evaluation of a group at a time.
 *
 * <p>The heartbeat group runs for {@code default}, every tenant with rules or probes and every
 * tenant with stored logs or spans ({@link RuleQuerier#tenants()}), listed again on every rule
 * file poll: a tenant that starts sending data gets its heartbeat group then, without disturbing
 * the other groups.
 */
public final class RuleEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);
  public static final String HEARTBEAT_GROUP = "lookout-heartbeat";
  public static final Duration HEARTBEAT_LOOKBACK = Duration.ofDays(1);

  /** Settings. */
  public record Options(Path dataDir, Path rulesDir, Duration evalInterval, Duration heartbeatThreshold,
      Duration reloadInterval, String externalUrl, long storeTimeoutMillis, int workers, int historyLimit,
      EgressPolicy egress) {
    public Options {
      egress = egress == null ? EgressPolicy.defaults() : egress;
    }

    /** With the built-in egress rules only. */
    public Options(Path dataDir, Path rulesDir, Duration evalInterval, Duration heartbeatThreshold,
        Duration reloadInterval, String externalUrl, long storeTimeoutMillis, int workers, int historyLimit) {
      this(dataDir, rulesDir, evalInterval, heartbeatThreshold, reloadInterval, externalUrl, storeTimeoutMillis,
          workers, historyLimit, EgressPolicy.defaults());
    }
  }

  private final Options options;
  private final Clock clock;
  private final Consumer<NotifyConfig> notify;
  private final RuleFiles files;
  final ApiRules api;
  final History history;
  private final StateStore states;
  final AlertingMetrics meters;
  final Probes probes;
  private final GroupRunner.Context ctx;
  private final RuleQuerier querier;
  private final ScheduledExecutorService ticker;
  private final ExecutorService workers;
  private final Map<String, Scheduled> groups = new ConcurrentHashMap<>();
  private volatile String notifyError = "";
  /** Groups of the rule files and the API, as of the last {@link #reconcile()}; guarded by this. */
  private List<GroupSpec> defined = List.of();
  /** Tenants with rules or probes, as of the last {@link #reconcile()}; guarded by this. */
  private Set<String> ruleTenants = Set.of();
  /** Tenants with stored data, as last listed; guarded by this. */
  private Set<String> dataTenants = Set.of();

  private final class Scheduled {
    final GroupRunner runner;
    final AtomicBoolean queued = new AtomicBoolean();
    ScheduledFuture<?> future;

    Scheduled(GroupRunner runner) {
      this.runner = runner;
    }

    void cancel() {
      if (future != null) {
        future.cancel(false);
      }
    }

    void tick() {
      if (!queued.compareAndSet(false, true)) {
        meters.missedIterations.inc();
        return;
      }
      try {
        workers.execute(() -> {
          queued.set(false);
          runner.tryEvaluate(clock.instant(), ctx);
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        queued.set(false); // shutting down
      }
    }
  }

  public RuleEngine(Options options, RuleQuerier querier, MetricStore metrics, AlertSink sink,
      Consumer<NotifyConfig> notify, Vertx vertx, PrometheusRegistry registry, Clock clock) throws IOException {
    this.options = options;
    this.clock = clock;
    this.notify = notify;
    this.querier = querier;
    this.files = new RuleFiles(options.rulesDir());
    this.api = new ApiRules(options.dataDir().resolve("api-rules.json"));
    this.history = new History(options.dataDir(), options.historyLimit());
    this.states = new StateStore(options.dataDir().resolve("state"));
    this.meters = new AlertingMetrics(registry, this::alertsByState);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(options.workers(), r -> {
      Thread t = new Thread(r, "lookout-alerting-eval-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lookout-alerting-scheduler");
      t.setDaemon(true);
      return t;
    });
    this.probes = new Probes(vertx, metrics, meters, clock, workers, options.egress());
    this.ctx = new GroupRunner.Context(querier, metrics, states, history, sink, meters, options.externalUrl(),
        options.storeTimeoutMillis());
  }

  private volatile boolean schedule = true;

  /** Loads the rule files, starts groups and probes, and polls the files for changes. */
  public void start() {
    start(true);
  }

  /**
   * Loads the rule files and starts; with {@code schedule} false groups are evaluated only by
   * {@link #evaluateAllNow()} and files re-read only by {@link #reloadNow()} (tests, benchmarks).
   */
  public void start(boolean schedule) {
    this.schedule = schedule;
    files.scan(clock.instant());
    reconcile();
    Duration every = options.reloadInterval();
    if (schedule && every != null && every.isPositive()) {
      // also without a rules directory: the poll lists the tenants with data for the heartbeat
      ticker.scheduleWithFixedDelay(this::reloadQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Re-reads changed rule files and lists the tenants with stored data now. */
  public void reloadNow() {
    if (files.scan(clock.instant())) {
      reconcile();
    } else {
      refreshTenants();
    }
  }

  private void reloadQuietly() {
    try {
      reloadNow();
    } catch (RuntimeException e) {
      LOG.error("rule reload failed", e);
    }
  }

  /**
   * Starts (or stops) heartbeat groups when the tenants with stored data changed since the last
   * listing; other groups keep running untouched.
   */
  synchronized void refreshTenants() {
    Set<String> now = listDataTenants();
    if (!now.equals(dataTenants)) {
      dataTenants = now;
      applyGroups(withHeartbeats());
    }
  }

  private Set<String> listDataTenants() {
    try {
      Set<String> t = querier.tenants();
      return t == null ? Set.of() : Set.copyOf(t);
    } catch (RuntimeException e) {
      LOG.warn("cannot list the tenants with stored data, the heartbeat keeps its previous tenants: {}", e.toString());
      return dataTenants;
    }
  }

  /** The defined groups plus one heartbeat group per watched tenant. */
  private List<GroupSpec> withHeartbeats() {
    List<GroupSpec> specs = new ArrayList<>(defined);
    Duration hb = options.heartbeatThreshold();
    if (hb != null && hb.isPositive()) {
      for (String t : heartbeatTenants()) {
        specs.add(heartbeatGroup(t, hb));
      }
    }
    return specs;
  }

  /** {@code default}, the tenants with rules or probes and the tenants with stored data, sorted. */
  synchronized Set<String> heartbeatTenants() {
    Set<String> tenants = new TreeSet<>(ruleTenants);
    tenants.add(Tenant.DEFAULT);
    tenants.addAll(dataTenants);
    return tenants;
  }

  /** Makes the running groups, probes and notification config match the current definitions. */
  synchronized void reconcile() {
    List<RuleFile> good = files.good();
    long invalid = files.invalidCount();
    meters.invalidFiles.set(invalid);
    meters.reloads.labelValues(invalid == 0 ? "success" : "failure").inc();
    List<GroupSpec> specs = new ArrayList<>();
    List<ProbeSpec> probeSpecs = new ArrayList<>();
    List<NotifyConfig> notifyParts = new ArrayList<>();
    for (RuleFile f : good) {
      specs.addAll(f.groups());
      probeSpecs.addAll(f.probes());
      notifyParts.add(f.notifyConfig());
    }
    specs.addAll(api.groups());
    probeSpecs.addAll(api.probes());
    Set<String> tenants = new TreeSet<>();
    specs.forEach(g -> tenants.add(g.tenant()));
    probeSpecs.forEach(p -> tenants.add(p.tenant()));
    defined = List.copyOf(specs);
    ruleTenants = tenants;
    dataTenants = listDataTenants();
    applyGroups(withHeartbeats());
    probes.apply(probeSpecs);
    try {
      NotifyConfig merged = NotifyConfig.merge(notifyParts);
      notifyError = "";
      notify.accept(merged);
    } catch (AlertingConfigException e) {
      notifyError = e.getMessage();
      LOG.error("receivers and routes of the rule files do not fit together, the previous ones stay in effect: {}",
          e.getMessage());
    }
  }

  static GroupSpec heartbeatGroup(String tenant, Duration threshold) {
    RuleSpec rule = new RuleSpec("ServiceSilent", false, new RuleSpec.Heartbeat(threshold, HEARTBEAT_LOOKBACK),
        Duration.ZERO, Duration.ZERO, Map.of("severity", "warning"),
        Map.of("summary", "service {{ $labels.service }} has sent no logs or spans for {{ humanizeDuration $value }}"));
    return new GroupSpec(HEARTBEAT_GROUP, tenant, null, List.of(rule), GroupSpec.BUILTIN);
  }

  private void applyGroups(Collection<GroupSpec> specs) {
    Map<String, GroupSpec> want = new LinkedHashMap<>();
    for (GroupSpec g : specs) {
      want.putIfAbsent(g.key(), g);
    }
    for (String key : new ArrayList<>(groups.keySet())) {
      if (!want.containsKey(key)) {
        Scheduled s = groups.remove(key);
        s.cancel();
        states.delete(key);
      }
    }
    for (GroupSpec g : want.values()) {
      Scheduled old = groups.get(g.key());
      if (old != null && old.runner.spec.equals(g)) {
        continue;
      }
      Duration interval = g.intervalOr(options.evalInterval());
      GroupRunner runner = new GroupRunner(g, interval, g.limit());
      if (old != null) {
        old.cancel();
        runner.restoreFrom(old.runner);
      } else {
        runner.restoreFrom(states.load(g.key()));
      }
      Scheduled s = new Scheduled(runner);
      groups.put(g.key(), s);
      if (schedule) {
        s.future = ticker.scheduleAtFixedRate(s::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Running groups of a tenant, by file then name. */
  List<GroupRunner> groups(String tenant) {
    List<GroupRunner> out = new ArrayList<>();
    for (Scheduled s : groups.values()) {
      if (s.runner.spec.tenant().equals(tenant)) {
        out.add(s.runner);
      }
    }
    out.sort((a, b) -> {
      int c = a.spec.source().compareTo(b.spec.source());
      return c != 0 ? c : a.spec.name().compareTo(b.spec.name());
    });
    return out;
  }

  /** Evaluates every group once, now, on the calling thread (tests and benchmarks). */
  public void evaluateAllNow() {
    for (Scheduled s : groups.values()) {
      s.runner.tryEvaluate(clock.instant(), ctx);
    }
  }

  List<RuleFiles.FileStatus> fileStatus() {
    return files.status();
  }

  String notifyError() {
    return notifyError;
  }

  private long[] alertsByState() {
    long[] n = new long[3];
    for (Scheduled s : groups.values()) {
      for (GroupRunner.RuleRunner r : s.runner.rules) {
        for (var a : r.alerts) {
          n[a.state() == AlertState.INACTIVE ? 0 : a.state() == AlertState.PENDING ? 1 : 2]++;
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    probes.close();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    history.close();
  }
}
