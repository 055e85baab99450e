package io.lookout.agent.metrics;

import io.lookout.agent.metrics.Exposition.Family;
import io.lookout.agent.pipeline.Sink;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes Prometheus endpoints (text format 0.0.4, or OpenMetrics text when the target offers it)
 * on each target's interval and submits every scrape to the sink as one OTLP metrics export.
 * Like Prometheus, each scrape adds {@code up} (1, or 0 when the target could not be scraped or
 * its exposition is unusable), {@code scrape_duration_seconds} and {@code scrape_samples_scraped},
 * and staleness markers for series that disappeared (all of them when a scrape fails);
 * the target's job and instance are the {@code service.name} and {@code service.instance.id}
 * resource attributes, which Lookout turns into {@code job} and {@code instance} labels.
 *
 * <p>Bodies are limited to {@value #DEFAULT_MAX_BODY_BYTES} bytes (also after gzip) and
 * {@value #DEFAULT_MAX_SAMPLES} samples; over that, or on any malformed line, the scrape fails
 * as a whole (counted, logged at debug, {@code up} 0), never the agent. One scheduler thread; the
 * HTTP client runs its callbacks on it.
 */
public final class Scraper implements AutoCloseable {
  public static final long DEFAULT_MAX_BODY_BYTES = 10L << 20;
  public static final int DEFAULT_MAX_SAMPLES = 200_000;

  static final String ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.6,"
      + "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1";

  private static final Logger LOG = LoggerFactory.getLogger(Scraper.class);

  private final List<ScrapeTarget> targets;
  private final Map<String, String> resourceAttributes;
  private final Sink sink;
  private final long maxBodyBytes;
  private final int maxSamples;
  private final Counter scrapes;
  private final Counter failures;
  private final Counter samplesScraped;
  private ScheduledExecutorService scheduler;
  private HttpClient client;

  public Scraper(List<ScrapeTarget> targets, Map<String, String> resourceAttributes, Sink sink,
      PrometheusRegistry registry) {
    this(targets, resourceAttributes, sink, registry, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SAMPLES);
  }

  Scraper(List<ScrapeTarget> targets, Map<String, String> resourceAttributes, Sink sink, PrometheusRegistry registry,
      long maxBodyBytes, int maxSamples) {
    this.targets = List.copyOf(targets);
    this.resourceAttributes = resourceAttributes == null ? Map.of() : Map.copyOf(resourceAttributes);
    this.sink = sink;
    this.maxBodyBytes = maxBodyBytes;
    this.maxSamples = maxSamples;
    this.scrapes = Counter.builder()
        .name("lookout_agent_scrapes_total")
        .help("Scrapes of Prometheus endpoints, by job and instance")
        .labelNames("job", "instance")
        .register(registry);
    this.failures = Counter.builder()
        .name("lookout_agent_scrape_failures_total")
        .help("Failed scrapes by job, instance and reason (connect, timeout, http_status, too_large, parse, sink)")
        .labelNames("job", "instance", "reason")
        .register(registry);
    this.samplesScraped = Counter.builder()
        .name("lookout_agent_scrape_samples_total")
        .help("Samples read from scraped expositions, by job and instance")
        .labelNames("job", "instance")
        .register(registry);
  }

  /** Starts scraping every target: the first scrape at once, then every interval. */
  public synchronized void start() {
    if (scheduler != null) {
      throw new IllegalStateException("scraper already started");
    }
    if (targets.isEmpty()) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lookout-scraper");
      t.setDaemon(true);
      return t;
    });
    client = HttpClient.newBuilder()
        .executor(scheduler)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    for (ScrapeTarget target : targets) {
      AtomicBoolean inFlight = new AtomicBoolean();
      Staleness staleness = new Staleness();
      scheduler.scheduleAtFixedRate(() -> {
        if (inFlight.compareAndSet(false, true)) {
          try {
            scrape(target, staleness).whenComplete((ok, err) -> inFlight.set(false));
          } catch (RuntimeException e) {
            inFlight.set(false);
            LOG.warn("scrape of {} failed unexpectedly", target.url(), e);
          }
        }
      }, 0, target.interval().toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("scraping {} every {} as job {} instance {}", target.url(), target.interval(), target.job(),
          target.instance());
    }
  }

  /** The outcome of one scrape: the export request to submit and, when it failed, the reason. */
  record Outcome(ExportMetricsServiceRequest request, String failure, String detail) {}

  /** Scrapes one target and submits the result; completes when the sink has it (or refused it). */
  private CompletableFuture<Void> scrape(ScrapeTarget target, Staleness staleness) {
    long startNanos = System.currentTimeMillis() * 1_000_000L;
    long t0 = System.nanoTime();
    HttpRequest request = HttpRequest.newBuilder(target.url())
        .timeout(target.timeout())
        .header("Accept", ACCEPT)
        .header("Accept-Encoding", "gzip")
        .header("User-Agent", "lookout-agent")
        .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(target.timeout().toMillis() / 1000.0))
        .GET()
        .build();
    CompletableFuture<HttpResponse<byte[]>> response;
    try {
      response = client.sendAsync(request, BoundedBody.handler(maxBodyBytes));
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    return response
        .orTimeout(target.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((resp, err) -> outcome(target, staleness, resp, err, startNanos, (System.nanoTime() - t0) / 1e9))
        .thenCompose(o -> submit(target, o));
  }

  private CompletableFuture<Void> submit(ScrapeTarget target, Outcome o) {
    scrapes.labelValues(target.job(), target.instance()).inc();
    if (o.failure() != null) {
      failures.labelValues(target.job(), target.instance(), o.failure()).inc();
      LOG.debug("scrape of {} failed ({}): {}", target.url(), o.failure(), o.detail());
    }
    CompletableFuture<Void> queued;
    try {
      queued = sink.submit(Sink.Signal.METRICS, o.request().toByteArray());
    } catch (RuntimeException e) {
      queued = CompletableFuture.failedFuture(e);
    }
    return queued.handle((ok, err) -> {
      if (err != null) {
        failures.labelValues(target.job(), target.instance(), "sink").inc();
        LOG.warn("scrape of {} not queued: {}", target.url(), unwrap(err).toString());
      }
      return null;
    });
  }

  /** Turns a response (or its failure) into the export request; never throws. */
  Outcome outcome(ScrapeTarget target, Staleness staleness, HttpResponse<byte[]> resp, Throwable err, long startNanos,
      double seconds) {
    List<Metric> metrics = new ArrayList<>();
    String failure = null;
    String detail = null;
    int samples = 0;
    if (err != null) {
      Throwable cause = unwrap(err);
      failure = cause instanceof BoundedBody.TooLargeException ? "too_large"
          : cause instanceof HttpTimeoutException || cause instanceof TimeoutException ? "timeout"
          : cause instanceof ConnectException ? "connect"
          : "http";
      detail = cause.toString();
    } else if (resp.statusCode() != 200) {
      failure = "http_status";
      detail = "http status " + resp.statusCode();
    } else {
      try {
        byte[] body = resp.body();
        if (resp.headers().firstValue("Content-Encoding").orElse("").trim().equalsIgnoreCase("gzip")) {
          body = BoundedBody.gunzip(body, maxBodyBytes);
        }
        String contentType = resp.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        boolean openMetrics = contentType.startsWith("application/openmetrics-text");
        List<Family> families = new ExpositionParser(openMetrics, maxSamples)
            .parse(new String(body, StandardCharsets.UTF_8));
        for (Family f : families) {
          samples += f.samples().size();
        }
        metrics.addAll(new ExpositionConverter(target.labels()).convert(families, startNanos));
        samplesScraped.labelValues(target.job(), target.instance()).inc(samples);
      } catch (BoundedBody.TooLargeException e) {
        failure = "too_large";
        detail = e.getMessage();
      } catch (Exposition.ParseException | RuntimeException e) {
        failure = "parse";
        detail = e.getMessage();
        metrics.clear();
        samples = 0;
      } catch (IOException e) {
        failure = "http";
        detail = e.toString();
      }
    }
    metrics.addAll(staleness.update(List.copyOf(metrics), startNanos));
    metrics.add(scrapeGauge(target, "up", "", failure == null ? 1 : 0, startNanos));
    metrics.add(scrapeGauge(target, "scrape_duration_seconds", "s", seconds, startNanos));
    metrics.add(scrapeGauge(target, "scrape_samples_scraped", "", samples, startNanos));
    return new Outcome(request(target, metrics), failure, detail);
  }

  private Metric scrapeGauge(ScrapeTarget target, String name, String unit, double value, long timeNanos) {
    Map<String, String> labels = new LinkedHashMap<>(target.labels());
    labels.remove("job");
    labels.remove("instance");
    return Otlp.gauge(name, unit, "", List.of(Otlp.point(value, Otlp.attrs(labels), 0, timeNanos)));
  }

  private ExportMetricsServiceRequest request(ScrapeTarget target, List<Metric> metrics) {
    Map<String, String> resource = new LinkedHashMap<>(resourceAttributes);
    resource.put("service.name", target.job());
    resource.put("service.instance.id", target.instance());
    resource.remove("service.namespace");
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Otlp.resource(resource))
            .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(metrics)))
        .build();
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
    if (client != null) {
      client.shutdownNow();
    }
  }
}
