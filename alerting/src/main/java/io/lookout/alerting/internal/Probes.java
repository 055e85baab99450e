package io.lookout.alerting.internal;

import io.lookout.alerting.rules.ProbeSpec;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.net.EgressPolicy;
import io.lookout.model.spi.MetricStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP health checks: each probe runs on its interval (Vert.x timer, non-blocking client), reads
 * at most {@link ProbeSpec#MAX_BODY_BYTES} of the body, and writes {@code probe_success},
 * {@code probe_duration_seconds}, {@code probe_http_status_code} and (for https)
 * {@code probe_ssl_earliest_cert_expiry} into the metric store of the probe's tenant, labelled
 * {@code probe} and {@code instance} (the URL), so that PromQL rules alert on them. The target
 * and every redirect are checked against the egress policy first; a refused one fails the probe
 * ({@code probe_success 0}) with the reason in its status, without a connection attempt.
 */
final class Probes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Probes.class);

  /** The last result of a probe, for the health board. */
  record Result(Instant at, boolean success, int status, double durationSeconds, String error,
      Instant certExpiry) {}

  private final class Running {
    final ProbeSpec spec;
    final long timerId;
    volatile Result last;
    volatile boolean inFlight;
    volatile boolean stopped;

    Running(ProbeSpec spec) {
      this.spec = spec;
      this.timerId = vertx.setPeriodic(1, spec.interval().toMillis(), id -> run(this));
    }
  }

  private final Vertx vertx;
  private final MetricStore metrics;
  private final AlertingMetrics meters;
  private final Clock clock;
  private final Executor writer;
  private final EgressPolicy egress;
  private final HttpClient verifying;
  private final HttpClient trusting;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  Probes(Vertx vertx, MetricStore metrics, AlertingMetrics meters, Clock clock, Executor writer) {
    this(vertx, metrics, meters, clock, writer, EgressPolicy.defaults());
  }

  Probes(Vertx vertx, MetricStore metrics, AlertingMetrics meters, Clock clock, Executor writer, EgressPolicy egress) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.meters = meters;
    this.clock = clock;
    this.writer = writer;
    this.egress = egress;
    this.verifying = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(false).setVerifyHost(true))
        .withRedirectHandler(checkedRedirects()).build();
    this.trusting = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(false).setTrustAll(true).setVerifyHost(false))
        .withRedirectHandler(checkedRedirects()).build();
  }

  /** Vert.x's redirect rules, with every next hop checked and pinned to its checked address. */
  private Function<HttpClientResponse, Future<RequestOptions>> checkedRedirects() {
    return resp -> {
      Future<RequestOptions> next = HttpClientAgent.DEFAULT_REDIRECT_HANDLER.apply(resp);
      if (next == null) {
        return null;
      }
      return next.compose(o -> {
        boolean ssl = Boolean.TRUE.equals(o.isSsl());
        String host = o.getHost();
        int port = o.getPort() != null ? o.getPort() : (ssl ? 443 : 80);
        URI target = URI.create((ssl ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host)
            + ":" + port + "/");
        return Egress.check(vertx, egress, target).map(o::setServer);
      });
    };
  }

  /** Starts, restarts (when changed) and stops probes so that exactly {@code specs} run. */
  synchronized void apply(Collection<ProbeSpec> specs) {
    Map<String, ProbeSpec> want = new LinkedHashMap<>();
    for (ProbeSpec s : specs) {
      want.putIfAbsent(s.key(), s);
    }
    for (String key : new ArrayList<>(running.keySet())) {
      Running r = running.get(key);
      if (!r.spec.sameAs(want.get(key))) {
        r.stopped = true;
        vertx.cancelTimer(r.timerId);
        running.remove(key);
      }
    }
    want.forEach((key, s) -> running.computeIfAbsent(key, k -> new Running(s)));
  }

  /** Probes of a tenant with their last results. */
  List<Map.Entry<ProbeSpec, Result>> status(String tenant) {
    List<Map.Entry<ProbeSpec, Result>> out = new ArrayList<>();
    for (Running r : running.values()) {
      if (r.spec.tenant().equals(tenant)) {
        out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(r.spec, r.last));
      }
    }
    out.sort((a, b) -> a.getKey().name().compareTo(b.getKey().name()));
    return out;
  }

  private void run(Running r) {
    if (r.inFlight || r.stopped) {
      return;
    }
    r.inFlight = true;
    ProbeSpec s = r.spec;
    long t0 = System.nanoTime();
    URI uri = URI.create(s.url());
    RequestOptions opts = new RequestOptions()
        .setMethod(HttpMethod.valueOf(s.method()))
        .setAbsoluteURI(s.url())
        .setTimeout(s.timeout().toMillis())
        .setFollowRedirects(true);
    s.headers().forEach(opts::putHeader);
    HttpClient client = s.tlsSkipVerify() ? trusting : verifying;
    boolean https = "https".equals(uri.getScheme());
    Egress.check(vertx, egress, uri)
        .compose(address -> client.request(opts.setServer(address)))
        .compose(req -> req.send().compose(resp -> read(resp, s, https)))
        .onComplete(ar -> {
          double secs = (System.nanoTime() - t0) / 1e9;
          Result res;
          if (ar.succeeded()) {
            Outcome o = ar.result();
            boolean ok = s.expectStatus() == 0 ? o.status >= 200 && o.status < 300 : o.status == s.expectStatus();
            String error = ok ? "" : "unexpected status " + o.status + (s.expectStatus() == 0 ? " (expected 2xx)"
                : " (expected " + s.expectStatus() + ")");
            if (ok && s.bodyRegex() != null && !s.bodyRegex().matcher(o.body).find()) {
              ok = false;
              error = "body does not match " + s.bodyRegex().pattern();
            }
            res = new Result(clock.instant(), ok, o.status, secs, error, o.certExpiry);
          } else {
            res = new Result(clock.instant(), false, 0, secs, String.valueOf(ar.cause().getMessage()), null);
          }
          r.last = res;
          r.inFlight = false;
          meters.probeRuns.labelValues(res.success() ? "success" : "failure").inc();
          meters.probeDuration.observe(secs);
          writer.execute(() -> write(s, res));
        });
  }

  private record Outcome(int status, String body, Instant certExpiry) {}

  private io.vertx.core.Future<Outcome> read(HttpClientResponse resp, ProbeSpec s, boolean https) {
    Instant expiry = null;
    if (https) {
      try {
        for (Certificate c : resp.request().connection().peerCertificates()) {
          if (c instanceof X509Certificate x) {
            Instant na = x.getNotAfter().toInstant();
            expiry = expiry == null || na.isBefore(expiry) ? na : expiry;
          }
        }
      } catch (SSLPeerUnverifiedException | RuntimeException e) {
        expiry = null;
      }
    }
    Instant exp = expiry;
    int status = resp.statusCode();
    if (s.bodyRegex() == null) {
      return resp.end().map(v -> new Outcome(status, "", exp)).recover(t -> io.vertx.core.Future.succeededFuture(
          new Outcome(status, "", exp)));
    }
    Buffer body = Buffer.buffer();
    io.vertx.core.Promise<Outcome> p = io.vertx.core.Promise.promise();
    resp.handler(chunk -> {
      int room = ProbeSpec.MAX_BODY_BYTES - body.length();
      if (room > 0) {
        body.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
      }
      if (body.length() >= ProbeSpec.MAX_BODY_BYTES) {
        p.tryComplete(new Outcome(status, body.toString(), exp));
        resp.request().reset();
      }
    });
    resp.endHandler(v -> p.tryComplete(new Outcome(status, body.toString(), exp)));
    resp.exceptionHandler(t -> p.tryComplete(new Outcome(status, body.toString(), exp)));
    return p.future();
  }

  private void write(ProbeSpec s, Result r) {
    long t = r.at().toEpochMilli();
    List<SeriesBatch.Series> series = new ArrayList<>();
    series.add(one("probe_success", s, t, r.success() ? 1 : 0));
    series.add(one("probe_duration_seconds", s, t, r.durationSeconds()));
    series.add(one("probe_http_status_code", s, t, r.status()));
    if (r.certExpiry() != null) {
      series.add(one("probe_ssl_earliest_cert_expiry", s, t, r.certExpiry().getEpochSecond()));
    }
    try {
      metrics.append(s.tenant(), new SeriesBatch(series, List.of())).exceptionally(e -> {
        LOG.debug("probe {} result not stored: {}", s.name(), e.toString());
        return null;
      });
    } catch (RuntimeException e) {
      LOG.debug("probe {} result not stored: {}", s.name(), e.toString());
    }
  }

  private static SeriesBatch.Series one(String name, ProbeSpec s, long t, double v) {
    return SeriesBatch.Series.ofSamples(
        Labels.of(Labels.NAME, name, "probe", s.name(), "instance", s.url()), List.of(new Sample(t, v)));
  }

  @Override
  public synchronized void close() {
    for (Running r : running.values()) {
      r.stopped = true;
      vertx.cancelTimer(r.timerId);
    }
    running.clear();
    verifying.close();
    trusting.close();
  }
}
