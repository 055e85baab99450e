package io.lookout.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.metrics.Labels;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.Trace;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import io.lookout.query.promql.eval.Engine;
import io.lookout.query.promql.eval.EngineOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How log and trace rules turn into store calls and alert points. The stores here answer from
 * scripts (what the real Lucene store returns is covered end to end by the server's AlertingIT:
 * alerting does not depend on storage).
 */
class StoreQuerierTest {
  static final Instant TS = Instant.parse("2026-03-01T10:00:00Z");
  static final long END = StoreQuerier.nanos(TS);

  final ScriptedLogs logs = new ScriptedLogs();
  final ScriptedSpans spans = new ScriptedSpans();
  final StoreQuerier querier = new StoreQuerier(new Engine(new RecordingMetricStore(), EngineOptions.defaults()),
      logs, spans, 5_000);

  List<QueryPoint> query(RuleSpec.Query q) {
    return querier.query("acme", q, TS);
  }

  @Test
  void tenantsAreThoseOfTheLogAndSpanStores() {
    assertThat(querier.tenants()).isEmpty();
    logs.tenants.addAll(List.of("acme", "default"));
    spans.tenants.addAll(List.of("acme", "globex"));
    assertThat(querier.tenants()).containsExactlyInAnyOrder("acme", "default", "globex");
    StoreQuerier metricsOnly = new StoreQuerier(new Engine(new RecordingMetricStore(), EngineOptions.defaults()),
        null, null, 5_000);
    assertThat(metricsOnly.tenants()).isEmpty();
  }

  @Test
  void logRuleCountsTheWindowAndFiresOnlyAboveTheThreshold() {
    logs.counts.put("severity:ERROR", 6L);
    List<QueryPoint> fired = query(new RuleSpec.Logs("severity:ERROR", Duration.ofMinutes(1), 5, List.of()));
    assertThat(fired).containsExactly(new QueryPoint(Labels.EMPTY, 6));
    LogQuery asked = logs.histograms.get(0);
    assertThat(asked.tenant()).isEqualTo("acme");
    assertThat(asked.endNanos()).isEqualTo(END);
    assertThat(asked.startNanos()).isEqualTo(END - Duration.ofMinutes(1).toNanos() + 1); // (t - window, t]
    assertThat(query(new RuleSpec.Logs("severity:ERROR", Duration.ofMinutes(1), 6, List.of()))).isEmpty();
  }

  @Test
  void groupByRefinesEachValueAndNamesLabelsAfterTheFields() {
    logs.values.put("(severity:ERROR)|resource.host.name",
        new FieldValues("resource.host.name", List.of(vc("web-1", 7), vc("web-2", 3), vc("we\"b", 9)), 19, 19, false));
    logs.values.put("(severity:ERROR) AND resource.host.name:\"web-1\"|attributes.http.route",
        new FieldValues("attributes.http.route", List.of(vc("/pay", 6), vc("/cart", 1)), 7, 7, false));
    logs.values.put("(severity:ERROR) AND resource.host.name:\"we\\\"b\"|attributes.http.route",
        new FieldValues("attributes.http.route", List.of(vc("/pay", 9)), 9, 9, false));
    List<QueryPoint> fired = query(new RuleSpec.Logs("severity:ERROR", Duration.ofMinutes(5), 5,
        List.of("resource.host.name", "attributes.http.route")));
    assertThat(fired).containsExactlyInAnyOrder(
        new QueryPoint(Labels.of("resource_host_name", "web-1", "attributes_http_route", "/pay"), 6),
        new QueryPoint(Labels.of("resource_host_name", "we\"b", "attributes_http_route", "/pay"), 9));
    // web-2 had an exact count of 3, not above 5: it was not refined further
    assertThat(logs.fieldValueQueries).noneMatch(q -> q.contains("web-2"));
  }

  @Test
  void sampledGroupCountsAreRecountedExactly() {
    logs.values.put("(*)|service",
        new FieldValues("service", List.of(vc("checkout", 2), vc("cart", 1)), 50_000, 10_000, true));
    logs.counts.put("(*) AND service:\"checkout\"", 12L);
    logs.counts.put("(*) AND service:\"cart\"", 4L);
    List<QueryPoint> fired = query(new RuleSpec.Logs("*", Duration.ofMinutes(1), 5, List.of("service")));
    assertThat(fired).containsExactly(new QueryPoint(Labels.of("service", "checkout"), 12));
  }

  @Test
  void traceErrorRateIsErrorsOverRequestsOfTheWindow() {
    spans.red.add(new RedPoint(0, 10, 3, 1e6, 2e6, 3e6));
    List<QueryPoint> fired = query(new RuleSpec.Traces("payments", "charge", RuleSpec.TraceSignal.ERROR_RATE,
        Duration.ofMinutes(5), 0.1));
    assertThat(fired).containsExactly(new QueryPoint(Labels.of("service", "payments", "operation", "charge"), 0.3));
    RedQuery asked = spans.asked.get(0);
    assertThat(asked.service()).isEqualTo("payments");
    assertThat(asked.operation()).isEqualTo("charge");
    assertThat(asked.endNanos()).isEqualTo(END);
    assertThat(asked.startNanos()).isEqualTo(END - Duration.ofMinutes(5).toNanos() + 1);
    assertThat(asked.stepNanos()).isGreaterThan(asked.endNanos()); // one bucket for the whole window
    assertThat(query(new RuleSpec.Traces("payments", "charge", RuleSpec.TraceSignal.ERROR_RATE,
        Duration.ofMinutes(5), 0.3))).isEmpty();
  }

  @Test
  void tracePercentileIsInSecondsAndNoRequestsMeansNoAlert() {
    spans.red.add(new RedPoint(0, 100, 0, 10e6, 200e6, 750e6));
    List<QueryPoint> fired = query(new RuleSpec.Traces("payments", null, RuleSpec.TraceSignal.P99,
        Duration.ofMinutes(5), 0.5));
    assertThat(fired).containsExactly(new QueryPoint(Labels.of("service", "payments"), 0.75));
    assertThat(query(new RuleSpec.Traces("payments", null, RuleSpec.TraceSignal.P90, Duration.ofMinutes(5), 0.5)))
        .isEmpty();
    spans.red.clear();
    spans.red.add(new RedPoint(0, 0, 0, Double.NaN, Double.NaN, Double.NaN));
    assertThat(query(new RuleSpec.Traces("payments", null, RuleSpec.TraceSignal.ERROR_RATE, Duration.ofMinutes(5),
        0))).isEmpty();
    assertThat(query(new RuleSpec.Traces("payments", null, RuleSpec.TraceSignal.P99, Duration.ofMinutes(5), 0)))
        .isEmpty();
  }

  @Test
  void fieldNamesBecomeLabelNames() {
    assertThat(StoreQuerier.labelName("resource.host.name")).isEqualTo("resource_host_name");
    assertThat(StoreQuerier.labelName("attributes.http-route")).isEqualTo("attributes_http_route");
    assertThat(StoreQuerier.labelName("9lives")).isEqualTo("_lives");
  }

  static FieldValues.ValueCount vc(String value, long count) {
    return new FieldValues.ValueCount(value, count);
  }

  /** Answers counts and top values from maps keyed by query text (and field). */
  static final class ScriptedLogs implements LogStore {
    final Map<String, Long> counts = new HashMap<>();
    final Map<String, FieldValues> values = new HashMap<>();
    final List<LogQuery> histograms = new ArrayList<>();
    final List<String> fieldValueQueries = new ArrayList<>();
    final Set<String> tenants = new HashSet<>();

    @Override
    public Set<String> tenants() {
      return tenants;
    }

    @Override
    public Histogram histogram(LogQuery query, long stepNanos) {
      histograms.add(query);
      return new Histogram(stepNanos, List.of(new Histogram.Bucket(0, counts.getOrDefault(query.query(), 0L))));
    }

    @Override
    public FieldValues fieldValues(LogQuery query, String field, int limit) {
      fieldValueQueries.add(query.query());
      return values.getOrDefault(query.query() + "|" + field, new FieldValues(field, List.of(), 0, 0, false));
    }

    @Override
    public CompletableFuture<AppendResult> append(String tenant, List<LogRecord> records) {
      throw new UnsupportedOperationException();
    }

    @Override
    public LogPage search(LogQuery query) {
      return new LogPage(List.of(), null);
    }

    @Override
    public List<String> fieldNames(String tenant, long startNanos, long endNanos) {
      return List.of();
    }

    @Override
    public CheckResult check() {
      return CheckResult.OK;
    }

    @Override
    public void close() {}
  }

  /** Answers RED queries with a fixed list of points and records the queries. */
  static final class ScriptedSpans implements SpanStore {
    final List<RedPoint> red = new ArrayList<>();
    final List<RedQuery> asked = new ArrayList<>();
    final Set<String> tenants = new HashSet<>();

    @Override
    public Set<String> tenants() {
      return tenants;
    }

    @Override
    public List<RedPoint> red(RedQuery query) {
      asked.add(query);
      return List.copyOf(red);
    }

    @Override
    public CompletableFuture<AppendResult> append(String tenant, List<Span> spans) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis) {
      return Optional.empty();
    }

    @Override
    public TracePage searchTraces(TraceQuery query) {
      return new TracePage(List.of(), null);
    }

    @Override
    public List<String> services(String tenant, long startNanos, long endNanos) {
      return List.of();
    }

    @Override
    public List<Operation> operations(String tenant, String service, long startNanos, long endNanos) {
      return List.of();
    }

    @Override
    public List<DependencyEdge> dependencies(String tenant, long startNanos, long endNanos, long timeoutMillis) {
      return List.of();
    }

    @Override
    public CheckResult check() {
      return CheckResult.OK;
    }

    @Override
    public void close() {}
  }
}
