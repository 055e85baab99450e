package io.lookout.alerting.notify;

import io.lookout.alerting.notify.NotifyConfig.Receiver;
import io.lookout.alerting.notify.NotifyConfig.Webhook;
import io.lookout.alerting.notify.Outbox.Attempt;
import io.lookout.alerting.notify.Outbox.Entry;
import io.lookout.alerting.internal.Egress;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends outbox entries to their webhooks and records each attempt: 2xx delivers; 5xx, 429 (with
 * {@code Retry-After}), connection errors and timeouts retry with exponential backoff and full
 * jitter; other statuses fail permanently. One group's notifications to one receiver go out in
 * order, one at a time. Runs on the notifier's state thread; HTTP completions are posted back
 * to it through {@code onStateThread}. Every destination is checked against the egress policy
 * first (off the event loop); a refused one fails permanently without a connection attempt.
 */
final class Deliverer {
  private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
  static final String ID_HEADER = "X-Lookout-Notification-Id";
  static final String SIGNATURE_HEADER = "X-Lookout-Signature";
  static final String TENANT_HEADER = "X-Lookout-Tenant";

  private final Vertx vertx;
  private final Outbox outbox;
  private final WebClient client;
  private final NotifierOptions options;
  private final Clock clock;
  private final NotifyMetrics metrics;
  private final Consumer<Runnable> onStateThread;
  private int inFlight;
  private final Set<String> inFlightChains = new HashSet<>();

  Deliverer(Vertx vertx, Outbox outbox, WebClient client, NotifierOptions options, Clock clock, NotifyMetrics metrics,
      Consumer<Runnable> onStateThread) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.client = client;
    this.options = options;
    this.clock = clock;
    this.metrics = metrics;
    this.onStateThread = onStateThread;
  }

  int inFlight() {
    return inFlight;
  }

  /** Starts every entry that is due and allowed, up to the in-flight limit. */
  void dispatch(Map<String, Receiver> receivers) {
    if (inFlight >= options.maxInFlight()) {
      return;
    }
    long now = clock.millis();
    Set<String> blocked = new HashSet<>(inFlightChains);
    List<Entry> expired = new ArrayList<>();
    List<Entry> orphaned = new ArrayList<>();
    for (Entry e : outbox.pending()) { // oldest first
      if (inFlight >= options.maxInFlight()) {
        break;
      }
      if (!blocked.add(e.chain()) || e.nextAttemptAt > now) {
        continue; // behind an earlier entry of its chain, or waiting for its backoff
      }
      Receiver r = receivers.get(e.receiver);
      if (r == null || r.webhook() == null) {
        orphaned.add(e);
      } else if (now - e.createdAt > options.giveUpAfter().toMillis()) {
        expired.add(e);
      } else {
        start(e, r.webhook());
      }
    }
    for (Entry e : orphaned) {
      fail(e, "receiver '" + e.receiver + "' is no longer configured with a webhook", now);
    }
    for (Entry e : expired) {
      fail(e, "gave up after " + e.attempts + " attempts over " + options.giveUpAfter(), now);
    }
  }

  private void start(Entry e, Webhook w) {
    e.inFlight = true;
    inFlight++;
    inFlightChains.add(e.chain());
    long started = System.nanoTime();
    Egress.check(vertx, options.egress(), w.url()).onComplete(checked -> {
      if (checked.failed()) {
        long ms = (System.nanoTime() - started) / 1_000_000;
        onStateThread.accept(() -> completed(e, io.vertx.core.Future.<HttpResponse<Buffer>>failedFuture(checked.cause()), ms));
      } else {
        send(e, w, checked.result(), started);
      }
    });
  }

  private void send(Entry e, Webhook w, SocketAddress address, long started) {
    byte[] body = e.body.getBytes(StandardCharsets.UTF_8);
    HttpRequest<Buffer> req = client.requestAbs(HttpMethod.POST, address, w.url().toString())
        .timeout(options.requestTimeout().toMillis()).followRedirects(false);
    w.headers().forEach(req::putHeader);
    req.putHeader("Content-Type", "application/json");
    req.putHeader("User-Agent", "Lookout-Notifier");
    req.putHeader(ID_HEADER, e.id);
    req.putHeader(TENANT_HEADER, e.tenant);
    if (w.secret() != null && !w.secret().isEmpty()) {
      req.putHeader(SIGNATURE_HEADER, Payloads.signature(body, w.secret()));
    }
    req.sendBuffer(Buffer.buffer(body)).onComplete(ar -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      onStateThread.accept(() -> completed(e, ar, ms));
    });
  }

  private void completed(Entry e, AsyncResult<HttpResponse<Buffer>> ar, long ms) {
    e.inFlight = false;
    inFlight--;
    inFlightChains.remove(e.chain());
    if (!e.state.equals("pending")) {
      return;
    }
    long now = clock.millis();
    metrics.attemptSeconds.labelValues(e.receiver).observe(ms / 1000.0);
    int status = ar.succeeded() ? ar.result().statusCode() : 0;
    String error = ar.succeeded() ? (status >= 300 ? "status " + status : null) : describe(ar.cause());
    if (status >= 200 && status < 300) {
      outbox.attempt(e, new Attempt(now, ms, status, null, 0, 0));
      outbox.finish(e, "delivered", "", now);
      metrics.attempts.labelValues(e.receiver, "success").inc();
      metrics.sent.labelValues(e.receiver).inc();
      LOG.debug("notification {} delivered to receiver {} after {} attempts", e.id, e.receiver, e.attempts);
    } else if (!ar.succeeded() && ar.cause() instanceof Egress.DeniedException denied) {
      outbox.attempt(e, new Attempt(now, ms, 0, denied.getMessage(), 0, 0));
      metrics.attempts.labelValues(e.receiver, "failed").inc();
      fail(e, denied.getMessage(), now);
    } else if (status == 0 || status == 429 || status >= 500) {
      long cap = backoffCap(e.attempts + 1);
      long delay = ThreadLocalRandom.current().nextLong(cap + 1);
      if (status == 429) {
        long ra = retryAfterMillis(ar.result().getHeader("Retry-After"), now);
        if (ra >= 0) {
          delay = Math.min(ra, options.giveUpAfter().toMillis());
        }
      }
      outbox.attempt(e, new Attempt(now, ms, status, error, cap, now + delay));
      metrics.attempts.labelValues(e.receiver, "retry").inc();
      LOG.info("notification {} to receiver {} failed ({}), attempt {}, retry in {} ms", e.id, e.receiver, error,
          e.attempts, delay);
    } else {
      outbox.attempt(e, new Attempt(now, ms, status, error, 0, 0));
      metrics.attempts.labelValues(e.receiver, "failed").inc();
      fail(e, "receiver answered status " + status + " (not retried: only 5xx, 429 and connection errors are)", now);
    }
  }

  private void fail(Entry e, String reason, long now) {
    outbox.finish(e, "failed", reason, now);
    metrics.failed.labelValues(e.receiver).inc();
    LOG.warn("notification {} to receiver {} failed permanently: {}", e.id, e.receiver, reason);
  }

  /** The bound of the delay after the n-th failed attempt: initial * 2^(n-1), at most max. */
  long backoffCap(int n) {
    long initial = options.backoffInitial().toMillis();
    long max = options.backoffMax().toMillis();
    int shift = Math.min(n - 1, 40);
    long cap = initial << shift;
    return cap <= 0 || cap > max || (cap >> shift) != initial ? max : cap;
  }

  static long retryAfterMillis(String header, long now) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    String h = header.strip();
    try {
      return Math.max(0, Long.parseLong(h)) * 1000;
    } catch (NumberFormatException e) {
      try {
        return Math.max(0, ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - now);
      } catch (RuntimeException ex) {
        return -1;
      }
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    String name = t.getClass().getSimpleName();
    return m == null ? name : name + ": " + (m.length() > 200 ? m.substring(0, 200) : m);
  }
}
