package io.lookout.ingest;

import io.lookout.ingest.metrics.OtlpToPrometheus;
import io.lookout.ingest.metrics.SpanMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Real Vert.x servers on port 0 with both receivers over in-memory stores. */
final class TestServers implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final MemoryStores stores = new MemoryStores();
  final PrometheusRegistry registry = new PrometheusRegistry();
  final HttpServer http;
  final HttpServer grpc;
  /** Span metrics of both receivers; tests flush them directly (the timer's hour never passes). */
  final SpanMetrics spanMetrics;

  TestServers(IngestConfig config) throws Exception {
    this(config, IngestAuth.TRUST_ORG_ID);
  }

  TestServers(IngestConfig config, IngestAuth auth) throws Exception {
    // one translator for both OTLP receivers, as the server does: delta state is shared
    OtlpToPrometheus translator = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, registry);
    spanMetrics = SpanMetrics.start(stores.metrics,
        new IngestConfig(config.maxRequestBytes(), Duration.ofHours(1), config.spanMetricsMaxSeries()), registry);
    OtlpHttpReceiver httpReceiver = new OtlpHttpReceiver(
        vertx, stores.logs, stores.spans, stores.metrics, translator, spanMetrics, config, registry, auth);
    OtlpGrpcReceiver grpcReceiver = new OtlpGrpcReceiver(
        vertx, stores.logs, stores.spans, stores.metrics, translator, spanMetrics, config, registry, auth);
    Router router = Router.router(vertx);
    httpReceiver.mount(router);
    // remote_write is served on the API port in the server; one port is enough here
    new RemoteWriteReceiver(vertx, stores.metrics, config, registry, auth).mount(router);
    http = vertx.createHttpServer(OtlpHttpReceiver.serverOptions(0)).requestHandler(router)
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    grpc = vertx.createHttpServer(OtlpGrpcReceiver.serverOptions(0)).requestHandler(grpcReceiver.grpcServer())
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int httpPort() {
    return http.actualPort();
  }

  int grpcPort() {
    return grpc.actualPort();
  }

  /** Current value of a counter with exactly these label name/value pairs; 0 when never incremented. */
  double counter(String name, String... labels) {
    String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    Labels wanted = Labels.of(labels);
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot.getMetadata().getName().equals(base) && snapshot instanceof CounterSnapshot counters) {
        for (CounterSnapshot.CounterDataPointSnapshot p : counters.getDataPoints()) {
          if (p.getLabels().equals(wanted)) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }

  @Override
  public void close() throws Exception {
    spanMetrics.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
