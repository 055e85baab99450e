package io.lookout.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.alerting.Alert;
import io.lookout.alerting.AlertSink;
import io.lookout.alerting.notify.NotifyConfig;
import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import io.lookout.model.metrics.Labels;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleEngineTest {
  @TempDir Path tmp;
  Path rules;
  Path data;
  Vertx vertx;
  MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  /** Results per PromQL text; absent = empty result. */
  Map<String, List<QueryPoint>> results = new ConcurrentHashMap<>();
  List<List<Alert>> sent = new CopyOnWriteArrayList<>();
  List<NotifyConfig> notifyConfigs = new CopyOnWriteArrayList<>();
  List<RuleEngine> engines = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    rules = Files.createDirectories(tmp.resolve("rules"));
    data = tmp.resolve("data");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    engines.forEach(RuleEngine::close);
    vertx.close();
  }

  RuleEngine engine() throws Exception {
    RuleQuerier q = (tenant, query, ts) -> query instanceof RuleSpec.Promql p
        ? results.getOrDefault(p.text(), List.of()) : List.of();
    AlertSink sink = (tenant, alerts) -> sent.add(alerts);
    RuleEngine e = new RuleEngine(new RuleEngine.Options(data, rules, Duration.ofSeconds(15), Duration.ZERO,
        Duration.ofSeconds(1), "http://lookout:8080", 1000, 1, 1000), q, null, sink, notifyConfigs::add, vertx,
        new PrometheusRegistry(), clock);
    engines.add(e);
    e.start(false);
    return e;
  }

  void write(String name, String yaml) throws Exception {
    Path f = rules.resolve(name);
    Files.writeString(f, yaml);
    // make a rewrite within the same timestamp granularity visible
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(engines.size() + sent.size())));
  }

  static final String FILE = """
      groups:
        - name: g
          rules:
            - alert: Down
              expr: up == 0
              for: 1m
              labels: {severity: page}
              annotations: {summary: "{{ $labels.job }} down"}
      receivers:
        - name: hook
          webhook: {url: "http://127.0.0.1:1/hook"}
      route: {receiver: hook}
      """;

  static final List<QueryPoint> DOWN = List.of(new QueryPoint(Labels.of("__name__", "up", "job", "api"), 0));

  @Test
  void firesAfterForAndSendsFiringThenResolved() throws Exception {
    write("a.yml", FILE);
    RuleEngine e = engine();
    assertThat(notifyConfigs).last().satisfies(c -> assertThat(c.receiverNames()).containsExactly("hook"));
    results.put("up == 0", DOWN);
    e.evaluateAllNow();
    assertThat(sent).isEmpty(); // pending
    clock.advance(Duration.ofSeconds(60));
    e.evaluateAllNow();
    assertThat(sent).singleElement().satisfies(batch -> {
      Alert a = batch.get(0);
      assertThat(a.labels()).containsEntry("alertname", "Down").containsEntry("severity", "page");
      assertThat(a.annotations()).containsEntry("summary", "api down");
      assertThat(a.startsAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
      assertThat(a.resolved()).isFalse();
      assertThat(a.generatorUrl()).isEqualTo("http://lookout:8080/alerts?alertname=Down");
    });
    results.remove("up == 0");
    clock.advance(Duration.ofSeconds(15));
    e.evaluateAllNow();
    assertThat(sent.get(1).get(0).endsAt()).isEqualTo(Instant.parse("2026-03-01T10:01:15Z"));
    List<History.Entry> h = e.history.query("default", "Down", null, null, null, 10);
    assertThat(h).extracting(History.Entry::to).containsExactly("inactive", "firing", "pending");
  }

  @Test
  void pendingTimerAndFiringAlertSurviveARestart() throws Exception {
    write("a.yml", FILE);
    RuleEngine first = engine();
    results.put("up == 0", DOWN);
    first.evaluateAllNow();
    clock.advance(Duration.ofSeconds(30));
    first.evaluateAllNow();
    first.close(); // state is on disk after every change; close adds nothing
    engines.remove(first);

    clock.advance(Duration.ofSeconds(20));
    RuleEngine second = engine();
    second.evaluateAllNow();
    assertThat(sent).isEmpty(); // 50s active: still pending
    clock.advance(Duration.ofSeconds(10));
    second.evaluateAllNow();
    assertThat(sent).singleElement().satisfies(b -> assertThat(b.get(0).startsAt())
        .isEqualTo(Instant.parse("2026-03-01T10:00:00Z")));
    second.close();
    engines.remove(second);

    RuleEngine third = engine();
    clock.advance(Duration.ofSeconds(15));
    third.evaluateAllNow();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).get(0).startsAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
  }

  @Test
  void brokenFileKeepsItsLastGoodVersionAndReportsTheError() throws Exception {
    write("a.yml", FILE);
    RuleEngine e = engine();
    assertThat(e.groups("default")).extracting(g -> g.spec.name()).contains("g");
    write("a.yml", FILE.replace("for: 1m", "for: 1m\n        bogus: 1"));
    e.reloadNow();
    assertThat(e.groups("default")).extracting(g -> g.spec.name()).contains("g");
    assertThat(e.fileStatus()).singleElement().satisfies(f -> {
      assertThat(f.healthy()).isFalse();
      assertThat(f.error()).contains("a.yml").contains("groups[0].rules[0]").contains("allowed keys are");
    });
    write("a.yml", FILE.replace("name: g", "name: renamed"));
    e.reloadNow();
    assertThat(e.groups("default")).extracting(g -> g.spec.name()).contains("renamed").doesNotContain("g");
    assertThat(e.fileStatus().get(0).healthy()).isTrue();
  }

  @Test
  void reloadKeepsStateOfUnchangedRules() throws Exception {
    write("a.yml", FILE);
    RuleEngine e = engine();
    results.put("up == 0", DOWN);
    e.evaluateAllNow();
    write("a.yml", FILE.replace("\"{{ $labels.job }} down\"", "\"{{ $labels.job }} is down\""));
    e.reloadNow();
    clock.advance(Duration.ofSeconds(60));
    e.evaluateAllNow();
    assertThat(sent).singleElement().satisfies(b -> assertThat(b.get(0).annotations())
        .containsEntry("summary", "api is down"));
  }

  @Test
  void heartbeatGroupIsBuiltInPerTenant() throws Exception {
    write("a.yml", FILE.replace("- name: g", "- name: g\n    tenant: acme"));
    RuleEngine e = new RuleEngine(new RuleEngine.Options(data, rules, Duration.ofSeconds(15), Duration.ofMinutes(5),
        Duration.ofSeconds(1), "", 1000, 1, 1000), (t, q, ts) -> List.of(), null, (t, a) -> { }, c -> { }, vertx,
        new PrometheusRegistry(), clock);
    engines.add(e);
    e.start(false);
    assertThat(e.groups("default")).extracting(g -> g.spec.name()).containsExactly(RuleEngine.HEARTBEAT_GROUP);
    assertThat(e.groups("acme")).extracting(g -> g.spec.name()).contains(RuleEngine.HEARTBEAT_GROUP, "g");
  }

  @Test
  void heartbeatGroupStartsForATenantThatAppearsInTheStoresWithoutDisturbingOtherGroups() throws Exception {
    write("a.yml", FILE);
    Set<String> stored = ConcurrentHashMap.newKeySet();
    Map<String, List<List<Alert>>> sentByTenant = new ConcurrentHashMap<>();
    RuleQuerier q = new RuleQuerier() {
      @Override
      public List<QueryPoint> query(String tenant, RuleSpec.Query query, Instant ts) {
        return switch (query) {
          case RuleSpec.Promql p -> results.getOrDefault(p.text(), List.of());
          case RuleSpec.Heartbeat h -> tenant.equals("acme") ? List.of(new QueryPoint(Labels.of("service", "checkout"),
              900)) : List.of();
          default -> List.of();
        };
      }

      @Override
      public Set<String> tenants() {
        return Set.copyOf(stored);
      }
    };
    RuleEngine e = new RuleEngine(new RuleEngine.Options(data, rules, Duration.ofSeconds(15), Duration.ofMinutes(5),
        Duration.ofSeconds(1), "", 1000, 1, 1000), q, null,
        (t, a) -> sentByTenant.computeIfAbsent(t, k -> new CopyOnWriteArrayList<>()).add(a), c -> { }, vertx,
        new PrometheusRegistry(), clock);
    engines.add(e);
    e.start(false);
    assertThat(e.groups("acme")).isEmpty();
    results.put("up == 0", DOWN);
    e.evaluateAllNow(); // Down pending in default
    List<GroupRunner> before = e.groups("default");

    stored.add("acme");
    e.reloadNow();
    assertThat(e.groups("acme")).extracting(g -> g.spec.name()).containsExactly(RuleEngine.HEARTBEAT_GROUP);
    assertThat(e.heartbeatTenants()).containsExactly("acme", "default");
    assertThat(e.groups("default")).usingElementComparator((a, b) -> a == b ? 0 : 1).containsExactlyElementsOf(before);

    clock.advance(Duration.ofSeconds(60));
    e.evaluateAllNow();
    assertThat(sentByTenant.get("acme")).singleElement().satisfies(b -> assertThat(b.get(0).labels())
        .containsEntry("alertname", "ServiceSilent").containsEntry("service", "checkout"));
    // the pending state of default's rule survived the tenant change: it fires after its 1m
    assertThat(sentByTenant.get("default")).singleElement().satisfies(b -> assertThat(b.get(0).labels())
        .containsEntry("alertname", "Down"));

    stored.clear(); // retention removed acme's data: its heartbeat stops
    e.reloadNow();
    assertThat(e.groups("acme")).isEmpty();
    assertThat(e.groups("default")).usingElementComparator((a, b) -> a == b ? 0 : 1).containsExactlyElementsOf(before);
  }

  @Test
  void tenantsOfTheQuerierAreListedAtStartAndAFailingListingKeepsThePreviousOnes() throws Exception {
    Set<String> stored = ConcurrentHashMap.newKeySet(1);
    stored.add("globex");
    boolean[] fail = {false};
    RuleQuerier q = new RuleQuerier() {
      @Override
      public List<QueryPoint> query(String tenant, RuleSpec.Query query, Instant ts) {
        return List.of();
      }

      @Override
      public Set<String> tenants() {
        if (fail[0]) {
          throw new IllegalStateException("store closed");
        }
        return Set.copyOf(stored);
      }
    };
    RuleEngine e = new RuleEngine(new RuleEngine.Options(data, null, Duration.ofSeconds(15), Duration.ofMinutes(5),
        Duration.ofSeconds(1), "", 1000, 1, 1000), q, null, (t, a) -> { }, c -> { }, vertx, new PrometheusRegistry(),
        clock);
    engines.add(e);
    e.start(false);
    assertThat(e.groups("globex")).extracting(g -> g.spec.name()).containsExactly(RuleEngine.HEARTBEAT_GROUP);
    fail[0] = true;
    e.reloadNow();
    assertThat(e.groups("globex")).extracting(g -> g.spec.name()).containsExactly(RuleEngine.HEARTBEAT_GROUP);
  }

  @Test
  void groupLimitFailsARuleWithTooManyAlerts() throws Exception {
    write("a.yml", """
        groups:
          - name: g
            limit: 1
            rules:
              - alert: Down
                expr: up == 0
        """);
    results.put("up == 0", List.of(new QueryPoint(Labels.of("job", "a"), 0), new QueryPoint(Labels.of("job", "b"), 0)));
    RuleEngine e = engine();
    e.evaluateAllNow();
    GroupRunner.RuleRunner r = e.groups("default").stream().filter(g -> g.spec.name().equals("g")).findFirst()
        .orElseThrow().rules.get(0);
    assertThat(r.health).isEqualTo("err");
    assertThat(r.lastError).isEqualTo("exceeded limit of 1 with 2 alerts");
    assertThat(r.alerts).isEmpty();
    results.put("up == 0", List.of(new QueryPoint(Labels.of("job", "a"), 0)));
    e.evaluateAllNow();
    assertThat(r.health).isEqualTo("ok");
    assertThat(r.alerts).hasSize(1);
  }
}
