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

/** {@code /healthz}, {@code /readyz} and {@code /metrics}; the web UI (with its API list at {@code /api}) is at {@code /}, see {@link UiRoutes}. */
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
