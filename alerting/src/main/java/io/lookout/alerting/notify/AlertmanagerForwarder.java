package io.lookout.alerting.notify;

import io.lookout.alerting.Alert;
import io.lookout.alerting.internal.Egress;
import io.lookout.model.net.EgressPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts every batch of alerts to an external Alertmanager's {@code /api/v2/alerts}, with a few
 * retries. Not durable on purpose: the rule engine sends the same alerts again after its next
 * evaluation, which heals a lost batch. At most {@link #MAX_PENDING} batches wait; more are dropped
 * and counted. The destination is checked against the egress policy before every attempt; a
 * refused one is not retried.
 */
final class AlertmanagerForwarder {
  private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerForwarder.class);
  static final int MAX_PENDING = 64;
  static final int MAX_ATTEMPTS = 4;

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final URI target;
  private final EgressPolicy egress;
  private final long timeoutMs;
  private final NotifyMetrics metrics;
  private final AtomicInteger pending = new AtomicInteger();

  AlertmanagerForwarder(Vertx vertx, WebClient client, URI base, EgressPolicy egress, long timeoutMs,
      NotifyMetrics metrics) {
    this.vertx = vertx;
    this.client = client;
    String b = base.toString();
    this.url = (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/api/v2/alerts";
    this.target = URI.create(url);
    this.egress = egress;
    this.timeoutMs = timeoutMs;
    this.metrics = metrics;
  }

  void forward(String tenant, List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      metrics.forwarded.labelValues("dropped").inc();
      LOG.warn("alertmanager forwarding dropped {} alerts of tenant {}: {} batches already waiting (max {})",
          alerts.size(), tenant, MAX_PENDING, MAX_PENDING);
      return;
    }
    attempt(Buffer.buffer(Payloads.alertmanagerV2(tenant, alerts)), 1);
  }

  private void attempt(Buffer body, int n) {
    Egress.check(vertx, egress, target)
        .compose(address -> client.requestAbs(HttpMethod.POST, address, url).timeout(timeoutMs)
            .followRedirects(false).putHeader("Content-Type", "application/json").sendBuffer(body))
        .onComplete(ar -> {
          int status = ar.succeeded() ? ar.result().statusCode() : 0;
          boolean denied = ar.failed() && ar.cause() instanceof Egress.DeniedException;
          if (status >= 200 && status < 300) {
            pending.decrementAndGet();
            metrics.forwarded.labelValues("success").inc();
          } else if (!denied && (status == 0 || status == 429 || status >= 500) && n < MAX_ATTEMPTS) {
            metrics.forwarded.labelValues("retry").inc();
            long cap = 500L << (n - 1);
            vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(cap), id -> attempt(body, n + 1));
          } else {
            pending.decrementAndGet();
            metrics.forwarded.labelValues("failed").inc();
            LOG.warn("alertmanager forwarding failed after {} attempts: {}", n,
                ar.succeeded() ? "status " + status : ar.cause().toString());
          }
        });
  }
}
