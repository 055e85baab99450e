package io.lookout.alerting;

import io.lookout.alerting.internal.AlertingRoutes;
import io.lookout.alerting.internal.RuleEngine;
import io.lookout.alerting.internal.RuleQuerier;
import io.lookout.alerting.internal.StoreQuerier;
import io.lookout.alerting.notify.NotifyConfig;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.MetricStore;
import io.lookout.model.spi.SpanStore;
import io.lookout.query.promql.eval.Engine;
import io.lookout.query.promql.eval.EngineOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The rule engine and health checks, wired: rule files and API rules, evaluation of PromQL, log,
 * trace and heartbeat rules, alert state (persisted, restored at start), history, probes, and the
 * APIs {@code /api/v1/alerting/rules|alerts|history|probes} and
 * {@code /prometheus/api/v1/rules|alerts}. Alerts go to an {@link AlertSink} (the notifier); the
 * receivers and routes of the rule files go to {@code notifyConfig} on every change.
 *
 * <pre>{@code
 * AlertingService a = new AlertingService(vertx, logs, spans, metrics, AlertingConfig.fromEnv(env, dataDir),
 *     notifier, notifier::configure, registry, Clock.systemUTC());
 * a.mount(router);   // before QueryApi.mount: /prometheus/api/v1/rules and /alerts
 * a.start();
 * ...
 * a.close();         // before the notifier and storage
 * }</pre>
 */
public final class AlertingService implements AutoCloseable {
  private final RuleEngine engine;
  private final AlertingRoutes routes;

  public AlertingService(Vertx vertx, LogStore logs, SpanStore spans, MetricStore metrics, AlertingConfig config,
      AlertSink sink, Consumer<NotifyConfig> notifyConfig, PrometheusRegistry registry, Clock clock) {
    this(vertx, logs, spans, metrics, EngineOptions.defaults(), config, sink, notifyConfig, registry, clock);
  }

  /** With the PromQL settings of the query API (lookback, limits, window semantics) for rules too. */
  public AlertingService(Vertx vertx, LogStore logs, SpanStore spans, MetricStore metrics, EngineOptions promql,
      AlertingConfig config, AlertSink sink, Consumer<NotifyConfig> notifyConfig, PrometheusRegistry registry,
      Clock clock) {
    this(vertx, new StoreQuerier(new Engine(metrics, promql), logs, spans, config.queryTimeout().toMillis()),
        metrics, config, sink, notifyConfig, registry, clock);
  }

  /** With a custom querier (tests, benchmarks). */
  public AlertingService(Vertx vertx, RuleQuerier querier, MetricStore metrics, AlertingConfig config,
      AlertSink sink, Consumer<NotifyConfig> notifyConfig, PrometheusRegistry registry, Clock clock) {
    Objects.requireNonNull(config, "config");
    try {
      this.engine = new RuleEngine(new RuleEngine.Options(config.dataDir(), config.rulesDir(), config.evalInterval(),
          config.heartbeatThreshold(), config.reloadInterval(), config.externalUrl(), config.queryTimeout().toMillis(),
          config.workers(), config.historyLimit(), config.egress()), querier, metrics, sink, notifyConfig, vertx, registry, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the alerting data in " + config.dataDir(), e);
    }
    this.routes = new AlertingRoutes(vertx, engine, clock);
  }

  /** Adds the routes; mount before the query API (its catch-all under /prometheus/api/v1/). */
  public void mount(Router router) {
    routes.mount(router);
  }

  /** Loads the rule files, restores alert state and starts evaluating. */
  public void start() {
    engine.start();
  }

  /** Evaluates every group once on the calling thread (tests and benchmarks). */
  public void evaluateAllNow() {
    engine.evaluateAllNow();
  }

  /** Stops evaluations and probes; state already on disk stays for the next start. */
  @Override
  public void close() {
    engine.close();
  }
}
