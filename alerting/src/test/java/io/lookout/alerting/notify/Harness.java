package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lookout.alerting.Alert;
import io.lookout.alerting.AlertingConfigException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared setup: Vert.x, a hand-moved clock, a webhook receiver, helpers to build alerts and config. */
abstract class Harness {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  Vertx vertx;
  MutableClock clock;
  TestWebhook hook;
  PrometheusRegistry registry;
  final List<Notifier> notifiers = new ArrayList<>();

  void setUpHarness() throws Exception {
    vertx = Vertx.vertx();
    clock = new MutableClock(T0);
    hook = new TestWebhook();
    registry = new PrometheusRegistry();
  }

  void tearDownHarness() throws Exception {
    for (Notifier n : notifiers) {
      n.close();
    }
    hook.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Options for tests: manual ticks (the periodic tick is an hour), fast backoff bounds. */
  NotifierOptions options(Path dir) {
    return NotifierOptions.defaults(dir).withTickInterval(Duration.ofHours(1))
        .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  Notifier start(NotifierOptions o, NotifyConfig config) {
    Notifier n = new Notifier(vertx, o, new PrometheusRegistry(), clock);
    notifiers.add(n);
    n.configure(config);
    return n;
  }

  static NotifyConfig config(String yaml) throws Exception {
    JsonNode root = YAML.readTree(yaml);
    return NotifyConfig.merge(List.of(NotifyConfig.parse(root, "test.yml")));
  }

  static NotifyConfig configOrThrow(String yaml) throws AlertingConfigException {
    try {
      return NotifyConfig.merge(List.of(NotifyConfig.parse(YAML.readTree(yaml), "test.yml")));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static Alert firing(Instant startsAt, String... kv) {
    return new Alert("default", labels(kv), Map.of("summary", "it broke"), startsAt, null, "http://lookout/rules");
  }

  static Alert resolved(Alert a, Instant endsAt) {
    return new Alert(a.tenant(), a.labels(), a.annotations(), a.startsAt(), endsAt, a.generatorUrl());
  }

  /** Moves the clock and runs one tick, waiting for its state work. */
  void step(Notifier n, Duration d) throws Exception {
    clock.advance(d);
    n.tickNow().get(10, TimeUnit.SECONDS);
  }

  /** Waits until nothing is in flight and nothing is due. */
  void settle(Notifier n) throws Exception {
    await(() -> {
      try {
        return n.idle().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "notifier idle");
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  static JsonNode json(TestWebhook.Request r) throws Exception {
    return JSON.readTree(r.body());
  }

  static void assertV4Shape(JsonNode body) {
    assertThat(body.fieldNames()).toIterable().containsExactly("receiver", "status", "alerts", "groupLabels",
        "commonLabels", "commonAnnotations", "externalURL", "version", "groupKey", "truncatedAlerts");
    assertThat(body.get("version").asText()).isEqualTo("4");
    for (JsonNode a : body.get("alerts")) {
      assertThat(a.fieldNames()).toIterable().containsExactly("status", "labels", "annotations", "startsAt",
          "endsAt", "generatorURL", "fingerprint");
    }
  }
}
