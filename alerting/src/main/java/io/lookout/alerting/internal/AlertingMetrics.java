package io.lookout.alerting.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/** The rule engine's and health checks' metrics, registered on the server's registry. */
final class AlertingMetrics {
  final Histogram ruleDuration;
  final Counter ruleEvaluations;
  final Counter ruleFailures;
  final Counter missedIterations;
  final Counter reloads;
  final Gauge invalidFiles;
  final Counter probeRuns;
  final Histogram probeDuration;
  final Counter stateWriteFailures;

  AlertingMetrics(PrometheusRegistry registry, Supplier<long[]> alertsByState) {
    ruleDuration = Histogram.builder()
        .name("lookout_alerting_rule_evaluation_duration_seconds")
        .help("Time to evaluate one rule, by kind (promql, logs, traces, heartbeat, record)")
        .labelNames("kind")
        .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
        .register(registry);
    ruleEvaluations = Counter.builder()
        .name("lookout_alerting_rule_evaluations_total")
        .help("Rule evaluations, by kind")
        .labelNames("kind")
        .register(registry);
    ruleFailures = Counter.builder()
        .name("lookout_alerting_rule_evaluation_failures_total")
        .help("Rule evaluations that failed (query error, timeout, bad result), by kind")
        .labelNames("kind")
        .register(registry);
    missedIterations = Counter.builder()
        .name("lookout_alerting_group_iterations_missed_total")
        .help("Group evaluations skipped because the previous one was still running")
        .register(registry);
    reloads = Counter.builder()
        .name("lookout_alerting_config_reloads_total")
        .help("Rule file loads, by result (success, failure); a failed file keeps its last good version")
        .labelNames("result")
        .register(registry);
    invalidFiles = Gauge.builder()
        .name("lookout_alerting_config_files_invalid")
        .help("Rule files whose current content cannot be used (the last good version is in effect)")
        .register(registry);
    probeRuns = Counter.builder()
        .name("lookout_alerting_probe_runs_total")
        .help("Health check runs, by result (success, failure)")
        .labelNames("result")
        .register(registry);
    probeDuration = Histogram.builder()
        .name("lookout_alerting_probe_duration_seconds")
        .help("Time of one health check request")
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
        .register(registry);
    stateWriteFailures = Counter.builder()
        .name("lookout_alerting_state_write_failures_total")
        .help("Alert state files that could not be written (state is retried at the next change)")
        .register(registry);
    GaugeWithCallback.builder()
        .name("lookout_alerting_alerts")
        .help("Alert instances by state (pending, firing, inactive = resolved and still reported)")
        .labelNames("state")
        .callback(cb -> {
          long[] s = alertsByState.get();
          cb.call(s[0], "inactive");
          cb.call(s[1], "pending");
          cb.call(s[2], "firing");
        })
        .register(registry);
  }
}
