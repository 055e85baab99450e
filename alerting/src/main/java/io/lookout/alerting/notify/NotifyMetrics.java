package io.lookout.alerting.notify;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/** The notifier's metrics, registered on the registry it is given. */
final class NotifyMetrics {
  final Counter sent;
  final Counter failed;
  final Counter attempts;
  final Histogram attemptSeconds;
  final Counter forwarded;

  NotifyMetrics(PrometheusRegistry registry, DoubleSupplier outboxEntries, DoubleSupplier oldestAgeSeconds) {
    sent = Counter.builder().name("lookout_alerting_notifications_sent_total")
        .help("Notifications delivered (2xx) by receiver").labelNames("receiver").register(registry);
    failed = Counter.builder().name("lookout_alerting_notifications_failed_total")
        .help("Notifications that failed permanently (4xx other than 429, receiver removed, gave up)")
        .labelNames("receiver").register(registry);
    attempts = Counter.builder().name("lookout_alerting_notification_attempts_total")
        .help("Webhook delivery attempts by receiver and outcome (success, retry, failed)")
        .labelNames("receiver", "outcome").register(registry);
    attemptSeconds = Histogram.builder().name("lookout_alerting_notification_attempt_duration_seconds")
        .help("Duration of webhook delivery attempts").classicOnly()
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .labelNames("receiver").register(registry);
    forwarded = Counter.builder().name("lookout_alerting_alertmanager_forwards_total")
        .help("Alert batches forwarded to the external Alertmanager by outcome (success, retry, failed, dropped)")
        .labelNames("outcome").register(registry);
    GaugeWithCallback.builder().name("lookout_alerting_outbox_entries")
        .help("Notifications in the outbox waiting for delivery")
        .callback(cb -> cb.call(outboxEntries.getAsDouble())).register(registry);
    GaugeWithCallback.builder().name("lookout_alerting_outbox_oldest_pending_age_seconds")
        .help("Age of the oldest notification waiting in the outbox, 0 when empty")
        .callback(cb -> cb.call(oldestAgeSeconds.getAsDouble())).register(registry);
  }
}
