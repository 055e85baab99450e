package io.lookout.server.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.TimeParser;
import io.lookout.model.limits.Limit;
import io.lookout.model.limits.Limits;
import io.lookout.model.limits.TenantLimits;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant limits: defaults for every tenant from {@code LOOKOUT_LIMIT_*} environment variables,
 * overrides per tenant from the YAML file at {@code LOOKOUT_LIMITS_FILE}:
 *
 * <pre>
 * tenants:
 *   acme: {ingest_records_per_second: 5000, max_active_series: 200000, max_query_range: 7d}
 * </pre>
 *
 * <p>Keys are {@link Limit#key()}; durations ({@code max_query_range}, {@code query_timeout}) are
 * written like {@code 7d} or {@code 30s}; a key left out keeps the default. Once {@link #watch}
 * is called, a worker thread checks the file for changes every {@link #RELOAD_INTERVAL} and
 * reloads it; requests only read the current snapshot (never the file system, so an event loop
 * can ask). A file that does not parse is logged, counted in
 * {@code lookout_limits_reloads_total{result="error"}}, and the previous limits stay. Every limit
 * hit is counted in {@code lookout_limits_exceeded_total{tenant,limit}}.
 */
public final class TenantLimitsFile implements Limits, AutoCloseable {
  public static final String FILE_ENV = "LOOKOUT_LIMITS_FILE";
  public static final double DEFAULT_INGEST_RECORDS_PER_SECOND = 1_000_000;
  public static final double DEFAULT_INGEST_BYTES_PER_SECOND = 256L << 20;
  public static final long DEFAULT_MAX_ACTIVE_SERIES = 1_000_000;
  /** How often {@link #watch} checks the file for changes. */
  public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(TenantLimitsFile.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final TenantLimits defaults;
  private final Path file;
  private final Counter exceeded;
  private final Counter reloads;
  private volatile Map<String, TenantLimits> overrides = Map.of();
  private String fileStamp = ""; // guarded by this
  private Vertx vertx;
  private long timer = -1;

  TenantLimitsFile(TenantLimits defaults, Path file, PrometheusRegistry registry) {
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.file = file;
    this.exceeded = Counter.builder()
        .name("lookout_limits_exceeded_total")
        .help("Requests or batches refused (or cut) by a per-tenant limit, by tenant and limit")
        .labelNames("tenant", "limit")
        .register(registry);
    this.reloads = Counter.builder()
        .name("lookout_limits_reloads_total")
        .help("Reloads of LOOKOUT_LIMITS_FILE after it changed, by result (ok, error: previous limits kept)")
        .labelNames("result")
        .register(registry);
    if (file != null) {
      Map<String, TenantLimits> loaded = load(file, defaults); // fails startup on a bad file
      overrides = loaded;
      fileStamp = stamp(file);
      LOG.info("per-tenant limits loaded from {} for {} tenants", file, loaded.size());
    }
  }

  /**
   * Reads the defaults and the file named by the environment.
   *
   * @throws IllegalArgumentException naming the variable, file key or value that is wrong
   */
  public static TenantLimitsFile fromEnv(Map<String, String> env, PrometheusRegistry registry) {
    TenantLimits defaults = new TenantLimits(
        number(env, Limit.INGEST_RECORDS_PER_SECOND.env(), DEFAULT_INGEST_RECORDS_PER_SECOND),
        number(env, Limit.INGEST_BYTES_PER_SECOND.env(), DEFAULT_INGEST_BYTES_PER_SECOND),
        (long) number(env, Limit.MAX_ACTIVE_SERIES.env(), DEFAULT_MAX_ACTIVE_SERIES),
        duration(Limit.MAX_QUERY_RANGE.env(), env.get(Limit.MAX_QUERY_RANGE.env())),
        Duration.ZERO, // LOOKOUT_QUERY_TIMEOUT, applied by the query module
        (int) number(env, Limit.MAX_CONCURRENT_QUERIES.env(), 0),
        0, 0, 0); // LOOKOUT_PROMQL_MAX_SERIES, LOOKOUT_PROMQL_MAX_SAMPLES, LOOKOUT_QUERY_MAX_LIMIT
    String f = env.get(FILE_ENV);
    Path file = f == null || f.isBlank() ? null : Path.of(f.trim());
    return new TenantLimitsFile(defaults, file, registry);
  }

  /**
   * Starts checking the file for changes every {@code interval} on a worker thread; nothing to do
   * without a file. Stopped by {@link #close()}.
   */
  public synchronized void watch(Vertx vertx, Duration interval) {
    if (file == null || timer >= 0) {
      return;
    }
    this.vertx = vertx;
    timer = vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(() -> {
      reloadIfChanged();
      return null;
    }, false));
  }

  /** A snapshot read: never touches the file system, safe on an event loop. */
  @Override
  public TenantLimits of(String tenant) {
    TenantLimits t = overrides.get(tenant);
    return t == null ? defaults : t;
  }

  @Override
  public void exceeded(String tenant, Limit limit) {
    exceeded.labelValues(tenant, limit.key()).inc();
  }

  /** The limits every tenant without an override has. */
  public TenantLimits defaults() {
    return defaults;
  }

  /**
   * Reloads the file now if it changed; keeps the previous limits when it does not parse. Blocking:
   * {@link #watch} calls it on a worker thread.
   */
  public synchronized void reloadIfChanged() {
    if (file == null) {
      return;
    }
    String s = stamp(file);
    if (s.equals(fileStamp)) {
      return;
    }
    try {
      overrides = load(file, defaults);
      reloads.labelValues("ok").inc();
      LOG.info("per-tenant limits reloaded from {} for {} tenants", file, overrides.size());
    } catch (IllegalArgumentException e) {
      reloads.labelValues("error").inc();
      LOG.warn("per-tenant limits in {} not reloaded, keeping the previous ones: {}", file, e.getMessage());
    } catch (RuntimeException e) { // a bug must not end the periodic check
      reloads.labelValues("error").inc();
      LOG.error("per-tenant limits in {} not reloaded, keeping the previous ones", file, e);
    }
    fileStamp = s;
  }

  /** Stops the periodic check; the current limits stay readable. */
  @Override
  public synchronized void close() {
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private static String stamp(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
    } catch (IOException e) {
      return "missing";
    }
  }

  /** Parses the file into per-tenant limits over {@code defaults}. */
  static Map<String, TenantLimits> load(Path file, TenantLimits defaults) {
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + FILE_ENV + " " + file + ": " + firstLine(e.getMessage()));
    }
    Map<String, TenantLimits> out = new HashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Map.of();
    }
    boolean onlyTenants = root.isObject() && (root.isEmpty() || root.size() == 1 && root.has("tenants"));
    if (!onlyTenants) {
      throw new IllegalArgumentException(FILE_ENV + " " + file + ": the top level must be 'tenants:' with one map"
          + " of limits per tenant id");
    }
    JsonNode tenants = root.get("tenants");
    if (tenants == null || tenants.isNull()) {
      return Map.of();
    }
    if (!tenants.isObject()) {
      throw new IllegalArgumentException(FILE_ENV + " " + file + ": 'tenants' must map tenant ids to limits");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = tenants.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String tenant;
      try {
        tenant = Tenant.resolve(e.getKey());
      } catch (LookoutException bad) {
        throw new IllegalArgumentException(FILE_ENV + " " + file + ": tenant '" + e.getKey() + "': "
            + bad.getMessage());
      }
      out.put(tenant, tenantLimits(file, tenant, e.getValue(), defaults));
    }
    return Map.copyOf(out);
  }

  private static TenantLimits tenantLimits(Path file, String tenant, JsonNode node, TenantLimits d) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(FILE_ENV + " " + file + ": tenants." + tenant + " must be a map of limits");
    }
    double records = d.ingestRecordsPerSecond();
    double bytes = d.ingestBytesPerSecond();
    long series = d.maxActiveSeries();
    Duration range = d.maxQueryRange();
    Duration timeout = d.queryTimeout();
    int concurrent = d.maxConcurrentQueries();
    int querySeries = d.maxQuerySeries();
    long samples = d.maxQuerySamples();
    int logLines = d.maxLogLines();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String where = FILE_ENV + " " + file + ": tenants." + tenant + "." + e.getKey();
      Limit limit = Arrays.stream(Limit.values()).filter(l -> l.key().equals(e.getKey())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(where + " is not a limit: use one of "
              + Arrays.stream(Limit.values()).map(Limit::key).toList()));
      JsonNode v = e.getValue();
      switch (limit) {
        case INGEST_RECORDS_PER_SECOND -> records = number(where, v);
        case INGEST_BYTES_PER_SECOND -> bytes = number(where, v);
        case MAX_ACTIVE_SERIES -> series = (long) number(where, v);
        case MAX_QUERY_RANGE -> range = duration(where, v.asText());
        case QUERY_TIMEOUT -> timeout = duration(where, v.asText());
        case MAX_CONCURRENT_QUERIES -> concurrent = (int) Math.min(Integer.MAX_VALUE, number(where, v));
        case MAX_QUERY_SERIES -> querySeries = (int) Math.min(Integer.MAX_VALUE, number(where, v));
        case MAX_QUERY_SAMPLES -> samples = (long) number(where, v);
        case MAX_LOG_LINES -> logLines = (int) Math.min(Integer.MAX_VALUE, number(where, v));
      }
    }
    return new TenantLimits(records, bytes, series, range, timeout, concurrent, querySeries, samples, logLines);
  }

  private static double number(String where, JsonNode v) {
    double d = v.isNumber() ? v.doubleValue() : parse(where, v.asText());
    if (!(d >= 0) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("invalid " + where + " '" + v.asText() + "': use 0 (unlimited) or a"
          + " positive number");
    }
    return d;
  }

  private static double parse(String where, String s) {
    try {
      return Double.parseDouble(s.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + where + " '" + s + "': use 0 (unlimited) or a positive number");
    }
  }

  private static double number(Map<String, String> env, String name, double def) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    double d = parse(name, v);
    if (!(d >= 0) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("invalid " + name + " '" + v + "': use 0 (unlimited) or a positive number");
    }
    return d;
  }

  private static Duration duration(String where, String v) {
    if (v == null || v.isBlank()) {
      return Duration.ZERO;
    }
    try {
      return Duration.ofNanos(TimeParser.parseDuration(where, v));
    } catch (LookoutException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
