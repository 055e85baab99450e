package io.lookout.server;

import io.lookout.model.spi.CheckResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** {@code /healthz}, {@code /readyz}, {@code /metrics} and the landing page. */
final class OpsRoutes {
  private final Health health;
  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  OpsRoutes(Health health, PrometheusRegistry registry) {
    this.health = health;
    this.registry = registry;
  }

  void mount(Router router) {
    router.get("/healthz").handler(ctx -> respond(ctx, health.liveness()));
    router.get("/readyz").handler(ctx -> respond(ctx, health.readiness()));
    router.get("/metrics").blockingHandler(this::metrics, false);
    router.get("/").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("Lookout is running.\n"
            + "Send OTLP to :4317 (gRPC) or :4318 (HTTP /v1/logs, /v1/traces, /v1/metrics).\n"
            + "Prometheus remote_write: POST /prometheus/api/v1/write\n"
            + "Logs: GET /api/v1/logs?query=...  Traces: GET /api/v1/traces?service=... and /api/v1/traces/{traceId}\n"
            + "Prometheus API (PromQL): /prometheus/api/v1/query  Jaeger API: /jaeger/api/services\n"
            + "Operations: /healthz /readyz /metrics\n"));
  }

  private static void respond(RoutingContext ctx, CheckResult r) {
    ctx.response()
        .setStatusCode(r.healthy() ? 200 : 503)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", r.healthy() ? "ok" : "unavailable").put("detail", r.detail()).encode());
  }

  private void metrics(RoutingContext ctx) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      ctx.fail(e);
      return;
    }
    ctx.response()
        .putHeader("Content-Type", writer.getContentType())
        .end(Buffer.buffer(out.toByteArray()));
  }
}
