package io.lookout.alerting.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lookout.alerting.AlertingConfigException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RuleParserTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static RuleFile parse(String yaml) throws Exception {
    return RuleParser.parseFile(YAML.readTree(yaml), "rules/test.yml");
  }

  @Test
  void prometheusRuleFileLoadsUnchanged() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/rules/prometheus-node.rules.yml")) {
      root = YAML.readTree(in);
    }
    RuleFile f = RuleParser.parseFile(root, "prometheus-node.rules.yml");
    assertThat(f.groups()).hasSize(2);
    GroupSpec rec = f.groups().get(0);
    assertThat(rec.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(rec.tenant()).isEqualTo("default");
    assertThat(rec.rules()).allSatisfy(r -> assertThat(r.recording()).isTrue());
    GroupSpec alerts = f.groups().get(1);
    assertThat(alerts.rules()).hasSize(3);
    RuleSpec high = alerts.rules().get(1);
    assertThat(high.forDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(high.keepFiringFor()).isEqualTo(Duration.ofMinutes(5));
    assertThat(high.query()).isInstanceOf(RuleSpec.Promql.class);
  }

  @Test
  void architectureExampleParses() throws Exception {
    RuleFile f = parse("""
        groups:
          - name: checkout
            interval: 15s
            tenant: acme
            rules:
              - alert: HighErrorRate
                expr: sum(rate(http_server_requests_total{code=~"5.."}[5m])) > 1
                for: 2m
                labels: {severity: page}
                annotations: {summary: "{{ $labels.service }} is failing"}
              - alert: CheckoutErrors
                logs: {query: 'service:checkout AND severity:ERROR', window: 1m, threshold: 5, group_by: [resource.host.name]}
              - alert: PaymentsSlow
                traces: {service: payments, operation: charge, signal: p99, window: 5m, threshold: 500ms}
              - alert: PaymentsFailing
                traces: {service: payments, signal: error_rate, window: 5m, threshold: "10%"}
        probes:
          - name: checkout-health
            url: http://checkout:8080/health
            interval: 10s
            timeout: 2s
            expect_status: 200
        """);
    GroupSpec g = f.groups().get(0);
    assertThat(g.tenant()).isEqualTo("acme");
    RuleSpec.Logs logs = (RuleSpec.Logs) g.rules().get(1).query();
    assertThat(logs.window()).isEqualTo(Duration.ofMinutes(1));
    assertThat(logs.threshold()).isEqualTo(5);
    assertThat(logs.groupBy()).containsExactly("resource.host.name");
    RuleSpec.Traces slow = (RuleSpec.Traces) g.rules().get(2).query();
    assertThat(slow.signal()).isEqualTo(RuleSpec.TraceSignal.P99);
    assertThat(slow.threshold()).isEqualTo(0.5);
    assertThat(slow.operation()).isEqualTo("charge");
    RuleSpec.Traces failing = (RuleSpec.Traces) g.rules().get(3).query();
    assertThat(failing.threshold()).isEqualTo(0.1);
    ProbeSpec p = f.probes().get(0);
    assertThat(p.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.expectStatus()).isEqualTo(200);
    assertThat(p.method()).isEqualTo("GET");
  }

  @Test
  void unknownKeysNameFilePathAndAllowedKeys() {
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X, exp: up}]}]"))
        .isInstanceOf(AlertingConfigException.class)
        .hasMessageStartingWith("rules/test.yml: groups[0].rules[0].exp: unknown key 'exp'")
        .hasMessageContaining("allowed keys are alert, record, expr");
    assertThatThrownBy(() -> parse("grups: []"))
        .hasMessageContaining("rules/test.yml: grups: unknown key 'grups': allowed keys are groups, probes, receivers, route");
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X, logs: {query: x, window: 1m, treshold: 5}}]}]"))
        .hasMessageContaining("groups[0].rules[0].logs.treshold: unknown key");
  }

  @Test
  void invalidValuesAreExplained() {
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X, expr: 'sum(up'}]}]"))
        .hasMessageContaining("groups[0].rules[0].expr: invalid PromQL");
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X, expr: up, for: 5 minutes}]}]"))
        .hasMessageContaining("groups[0].rules[0].for: invalid duration '5 minutes'");
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{record: 'bad name', expr: up}]}]"))
        .hasMessageContaining("invalid recording rule name");
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X}]}]"))
        .hasMessageContaining("exactly one of 'expr' (PromQL), 'logs' or 'traces'");
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X, traces: {service: s, signal: p95, window: 1m, threshold: 1}}]}]"))
        .hasMessageContaining("unknown signal 'p95': use error_rate, p50, p90 or p99");
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X, traces: {service: s, signal: error_rate, window: 1m, threshold: 10}}]}]"))
        .hasMessageContaining("use a fraction from 0 to 1");
    assertThatThrownBy(() -> parse("groups: [{name: a}, {name: a}]")).hasMessageContaining("repeated in the same file");
    assertThatThrownBy(() -> parse("probes: [{name: p, url: 'ftp://x'}]")).hasMessageContaining("probes[0].url");
    // refused before RE2/J could expand it into a billion instructions
    assertThatThrownBy(() -> parse("probes: [{name: p, url: 'http://x', body_regex: '((a{1000}){1000}){1000}'}]"))
        .hasMessageContaining("probes[0].body_regex").hasMessageContaining("invalid repeat count");
    assertThatThrownBy(() -> parse("groups: [{name: a, rules: [{alert: X, expr: up, labels: {alertname: y}}]}]"))
        .hasMessageContaining("set by the rule itself");
  }

  @Test
  void emptyFileHasNoRules() throws Exception {
    assertThat(RuleParser.parseFile(YAML.readTree(""), "empty.yml").groups()).isEmpty();
  }
}
