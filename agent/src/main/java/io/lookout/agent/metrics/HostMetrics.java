package io.lookout.agent.metrics;

import io.lookout.agent.pipeline.Sink;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects host metrics (CPU, memory, load, disk, filesystem, network) from /proc on an interval
 * and submits each collection to the sink as one OTLP metrics export request. Resource attributes:
 * {@code service.name} ({@value #DEFAULT_SERVICE_NAME} unless given), {@code host.name} and
 * {@code service.instance.id} (the host name unless given), plus the given ones. In Lookout
 * the series get {@code job="lookout-agent"} and {@code instance="<host>"}.
 *
 * <p>One daemon thread; {@link #start()} collects at once, then every interval.
 */
public final class HostMetrics implements AutoCloseable {
  public static final String DEFAULT_SERVICE_NAME = "lookout-agent";

  private static final Logger LOG = LoggerFactory.getLogger(HostMetrics.class);

  private final Duration interval;
  private final Sink sink;
  private final HostCollector collector;
  private final Map<String, String> resource;
  private final Counter collections;
  private final Counter sourceErrors;
  private ScheduledExecutorService scheduler;

  public HostMetrics(Path procRoot, Duration interval, Map<String, String> resourceAttributes, Sink sink,
      PrometheusRegistry registry) {
    Objects.requireNonNull(procRoot, "procRoot");
    if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("host_metrics interval is " + interval + ": it must be at least 1s");
    }
    this.interval = interval;
    this.sink = Objects.requireNonNull(sink, "sink");
    this.collector = new HostCollector(procRoot);
    String host = collector.hostName();
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("service.name", DEFAULT_SERVICE_NAME);
    attrs.put("host.name", host);
    if (resourceAttributes != null) {
      attrs.putAll(resourceAttributes);
    }
    attrs.putIfAbsent("service.instance.id", attrs.get("host.name"));
    this.resource = Map.copyOf(attrs);
    this.collections = Counter.builder()
        .name("lookout_agent_host_metrics_collections_total")
        .help("Host metric collections, by outcome (ok, partial: some /proc source failed, sink_failed)")
        .labelNames("outcome")
        .register(registry);
    this.sourceErrors = Counter.builder()
        .name("lookout_agent_host_metrics_source_errors_total")
        .help("Host metric sources (cpu, memory, load, disk, filesystem, network) that could not be read")
        .labelNames("source")
        .register(registry);
  }

  /** Starts collecting: once now, then every interval. */
  public synchronized void start() {
    if (scheduler != null) {
      throw new IllegalStateException("host metrics already started");
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lookout-host-metrics");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleAtFixedRate(this::collectAndSubmit, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("host metrics every {}", interval);
  }

  /** One collection now: the export request and the number of sources that failed. */
  record Collection(ExportMetricsServiceRequest request, int failedSources) {}

  Collection collect() {
    long now = System.currentTimeMillis() * 1_000_000L;
    HostCollector.Result result = collector.collect(now);
    result.failures().forEach((source, why) -> {
      sourceErrors.labelValues(source).inc();
      LOG.debug("host metrics: cannot read {}: {}", source, why);
    });
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Otlp.resource(resource))
            .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(result.metrics())))
        .build();
    return new Collection(request, result.failures().size());
  }

  private void collectAndSubmit() {
    try {
      Collection c = collect();
      String outcome = c.failedSources() > 0 ? "partial" : "ok";
      sink.submit(Sink.Signal.METRICS, c.request().toByteArray()).whenComplete((ok, err) -> {
        if (err != null) {
          collections.labelValues("sink_failed").inc();
          LOG.warn("host metrics not queued: {}", err.toString());
        } else {
          collections.labelValues(outcome).inc();
        }
      });
    } catch (RuntimeException e) {
      collections.labelValues("failed").inc();
      LOG.warn("host metrics collection failed", e);
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
