package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.alerting.AlertingConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifyConfigTest {

  private static NotifyConfig parse(String yaml, String source) throws Exception {
    return NotifyConfig.parse(Harness.YAML.readTree(yaml), source);
  }

  @Test
  void readsTheDocumentedFormatAndInheritsSettings() throws Exception {
    NotifyConfig c = NotifyConfig.merge(List.of(parse("""
        groups: []
        receivers:
          - name: oncall
            webhook: {url: "https://hooks.example/alerts", secret: "x", headers: {X-Team: pay}}
          - name: tickets
            webhook: {url: "http://tickets:8080/in", send_resolved: false, max_alerts: 10}
        route:
          receiver: oncall
          group_by: [alertname]
          group_wait: 10s
          group_interval: 1m
          repeat_interval: 4h
          routes:
            - matchers: ['severity="ticket"']
              receiver: tickets
              repeat_interval: 1d
        """, "a.yml")));
    assertThat(c.receiverNames()).containsExactly("oncall", "tickets");
    NotifyConfig.Route root = c.route();
    NotifyConfig.Route child = root.routes().get(0);
    assertThat(child.groupBy()).containsExactly("alertname");
    assertThat(child.groupWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(child.groupInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(child.repeatInterval()).isEqualTo(Duration.ofDays(1));
    assertThat(root.match(Map.of("severity", "ticket"))).containsExactly(child);
    assertThat(root.match(Map.of("severity", "page"))).containsExactly(root);
    assertThat(c.receivers().get("tickets").webhook().sendResolved()).isFalse();
    assertThat(c.receivers().get("oncall").webhook().toString()).doesNotContain("x\"").doesNotContain("pay");
  }

  @Test
  void mergesFilesAndChecksReceiversAcrossThem() throws Exception {
    NotifyConfig receivers = parse("receivers: [{name: a, webhook: {url: 'http://a/'}}]", "r.yml");
    NotifyConfig route = parse("route: {receiver: a}", "route.yml");
    assertThat(NotifyConfig.merge(List.of(receivers, route)).hasRoute()).isTrue();
    assertThatThrownBy(() -> NotifyConfig.merge(List.of(receivers, receivers)))
        .isInstanceOf(AlertingConfigException.class).hasMessageContaining("receiver names must be unique");
    assertThatThrownBy(() -> NotifyConfig.merge(List.of(receivers, route, parse("route: {receiver: a}", "b.yml"))))
        .hasMessageContaining("b.yml").hasMessageContaining("at most one file may have a root route");
    assertThatThrownBy(() -> NotifyConfig.merge(List.of(parse("route: {receiver: nobody}", "x.yml"))))
        .hasMessage("x.yml: route.receiver: unknown receiver 'nobody': known receivers are []");
    assertThat(NotifyConfig.merge(List.of()).hasRoute()).isFalse();
  }

  @Test
  void errorsNameTheFileThePathAndWhatIsAllowed() {
    assertThatThrownBy(() -> parse("route: {receiver: a, group_wait: soon}", "f.yml"))
        .hasMessageStartingWith("f.yml: route.group_wait: invalid group_wait 'soon'");
    assertThatThrownBy(() -> parse("route: {receiver: a, routes: [{matchers: ['sev=\"x']}]}", "f.yml"))
        .hasMessageStartingWith("f.yml: route.routes[0].matchers[0]:");
    assertThatThrownBy(() -> parse("route: {receiver: a, grup_by: [x]}", "f.yml"))
        .hasMessageContaining("route.grup_by: unknown key: allowed are");
    assertThatThrownBy(() -> parse("receivers: [{name: a, webhook: {url: 'ftp://x/'}}]", "f.yml"))
        .hasMessage("f.yml: receivers[0].webhook.url: invalid url: use an absolute http or https url");
    assertThatThrownBy(() -> parse("receivers: [{name: a}, {name: a}]", "f.yml"))
        .hasMessageContaining("receivers[1].name: duplicate receiver name 'a'");
    assertThatThrownBy(() -> parse("route: {group_by: [x]}", "f.yml"))
        .hasMessageContaining("the root route must name a receiver");
    assertThatThrownBy(() -> parse("route: {receiver: a, matchers: ['a=b']}", "f.yml"))
        .hasMessageContaining("must not have matchers");
    assertThatThrownBy(() -> parse("route: {receiver: a, group_by: ['...', x]}", "f.yml"))
        .hasMessageContaining("cannot be combined");
  }

  @Test
  void parsesAlertmanagerMatcherSyntax() {
    assertThat(AlertMatcher.parse("severity=\"page\"")).containsExactly(AlertMatcher.of("severity", AlertMatcher.Op.EQ, "page"));
    assertThat(AlertMatcher.parse("severity = page")).hasSize(1);
    assertThat(AlertMatcher.parse("{a=\"1\", b!=\"2\", c=~\"x|y\", d!~\"z.*\"}")).extracting(AlertMatcher::op)
        .containsExactly(AlertMatcher.Op.EQ, AlertMatcher.Op.NE, AlertMatcher.Op.RE, AlertMatcher.Op.NRE);
    assertThat(AlertMatcher.parse("msg=\"say \\\"hi\\\", ok\"").get(0).value()).isEqualTo("say \"hi\", ok");
    List<AlertMatcher> m = AlertMatcher.parse("c=~\"x|y\"");
    assertThat(AlertMatcher.all(m, Map.of("c", "x"))).isTrue();
    assertThat(AlertMatcher.all(m, Map.of("c", "xx"))).isFalse(); // anchored
    assertThat(AlertMatcher.all(AlertMatcher.parse("missing!=\"\""), Map.of())).isFalse();
    assertThatThrownBy(() -> AlertMatcher.parse("a=~\"(\"")).hasMessageContaining("invalid regular expression");
    assertThatThrownBy(() -> AlertMatcher.parse("=b")).hasMessageContaining("invalid matcher");
    assertThatThrownBy(() -> AlertMatcher.parse("")).hasMessageContaining("empty matcher");
  }

  @Test
  void optionsReadTheEnvironment() {
    NotifierOptions o = NotifierOptions.fromEnv(Map.of("LOOKOUT_ALERTMANAGER_URL", "http://am:9093",
        "LOOKOUT_NOTIFY_BACKOFF_MAX", "1m", "LOOKOUT_NOTIFY_MAX_IN_FLIGHT", "4"), java.nio.file.Path.of("/data"));
    assertThat(o.dataDir()).isEqualTo(java.nio.file.Path.of("/data/alerting/notify"));
    assertThat(o.alertmanagerUrl()).hasToString("http://am:9093");
    assertThat(o.backoffMax()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.maxInFlight()).isEqualTo(4);
    assertThatThrownBy(() -> NotifierOptions.fromEnv(Map.of("LOOKOUT_ALERTMANAGER_URL", "am:9093"),
        java.nio.file.Path.of("/d"))).hasMessageContaining("LOOKOUT_ALERTMANAGER_URL");
  }
}
