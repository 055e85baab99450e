package io.lookout.alerting.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.metrics.Labels;
import io.lookout.query.promql.PromqlParser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRuleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final QueryPoint UP0 = new QueryPoint(Labels.of("__name__", "up", "job", "api", "instance", "a:1"), 0);

  private static AlertRule rule(Duration forD, Duration keep) {
    return new AlertRule(new RuleSpec("InstanceDown", false, new RuleSpec.Promql("up == 0", PromqlParser.parse("up == 0")),
        forD, keep, Map.of("severity", "page"), Map.of("summary", "{{ $labels.instance }} is down ({{ $value }})")));
  }

  private static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void pendingUntilForElapsedThenFiringThenResolved() {
    AlertRule r = rule(Duration.ofSeconds(60), Duration.ZERO);
    List<Transition> tr = r.apply(t(0), List.of(UP0), 0);
    assertThat(tr).singleElement().satisfies(x -> {
      assertThat(x.from()).isEqualTo(AlertState.INACTIVE);
      assertThat(x.to()).isEqualTo(AlertState.PENDING);
    });
    ActiveAlert a = r.alerts().get(0);
    assertThat(a.labels()).containsExactlyInAnyOrderEntriesOf(
        Map.of("alertname", "InstanceDown", "job", "api", "instance", "a:1", "severity", "page"));
    assertThat(a.annotations()).containsEntry("summary", "a:1 is down (0)");
    assertThat(r.toSend(t(0))).isEmpty(); // pending alerts are not sent

    assertThat(r.apply(t(30), List.of(UP0), 0)).isEmpty();
    assertThat(r.state()).isEqualTo(AlertState.PENDING);
    List<Transition> fire = r.apply(t(60), List.of(UP0), 0);
    assertThat(fire).singleElement().satisfies(x -> assertThat(x.to()).isEqualTo(AlertState.FIRING));
    assertThat(r.alerts().get(0).activeAt()).isEqualTo(t(0));
    assertThat(r.alerts().get(0).firedAt()).isEqualTo(t(60));
    assertThat(r.toSend(t(60))).singleElement().satisfies(x -> assertThat(x.state()).isEqualTo(AlertState.FIRING));

    List<Transition> resolve = r.apply(t(90), List.of(), 0);
    assertThat(resolve).singleElement().satisfies(x -> {
      assertThat(x.from()).isEqualTo(AlertState.FIRING);
      assertThat(x.to()).isEqualTo(AlertState.INACTIVE);
    });
    ActiveAlert resolved = r.alerts().get(0);
    assertThat(resolved.resolvedAt()).isEqualTo(t(90));
    // resolved alerts are still sent for 15 minutes, then dropped
    assertThat(r.toSend(t(90))).hasSize(1);
    r.apply(t(90 + 15 * 60), List.of(), 0);
    assertThat(r.alerts()).hasSize(1);
    r.apply(t(90 + 15 * 60 + 1), List.of(), 0);
    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void pendingAlertThatClearsIsDroppedWithoutResolution() {
    AlertRule r = rule(Duration.ofMinutes(5), Duration.ZERO);
    r.apply(t(0), List.of(UP0), 0);
    List<Transition> tr = r.apply(t(15), List.of(), 0);
    assertThat(tr).singleElement().satisfies(x -> {
      assertThat(x.from()).isEqualTo(AlertState.PENDING);
      assertThat(x.to()).isEqualTo(AlertState.INACTIVE);
    });
    assertThat(r.alerts()).isEmpty();
    // a new occurrence starts a new pending period
    r.apply(t(30), List.of(UP0), 0);
    assertThat(r.alerts().get(0).activeAt()).isEqualTo(t(30));
  }

  @Test
  void zeroForFiresAtTheFirstEvaluation() {
    AlertRule r = rule(Duration.ZERO, Duration.ZERO);
    assertThat(r.apply(t(0), List.of(UP0), 0)).singleElement()
        .satisfies(x -> assertThat(x.to()).isEqualTo(AlertState.FIRING));
  }

  @Test
  void keepFiringForHoldsAFiringAlertAfterTheConditionClears() {
    AlertRule r = rule(Duration.ZERO, Duration.ofSeconds(60));
    r.apply(t(0), List.of(UP0), 0);
    assertThat(r.apply(t(15), List.of(), 0)).isEmpty();
    assertThat(r.alerts().get(0).keepFiringSince()).isEqualTo(t(15));
    assertThat(r.apply(t(74), List.of(), 0)).isEmpty();
    assertThat(r.state()).isEqualTo(AlertState.FIRING);
    // the condition returns: keepFiringSince resets
    r.apply(t(80), List.of(UP0), 0);
    assertThat(r.alerts().get(0).keepFiringSince()).isNull();
    r.apply(t(90), List.of(), 0);
    assertThat(r.apply(t(150), List.of(), 0)).singleElement()
        .satisfies(x -> assertThat(x.to()).isEqualTo(AlertState.INACTIVE));
  }

  @Test
  void resolvedAlertThatReturnsStartsANewPendingPeriod() {
    AlertRule r = rule(Duration.ofSeconds(30), Duration.ZERO);
    r.apply(t(0), List.of(UP0), 0);
    r.apply(t(30), List.of(UP0), 0);
    r.apply(t(45), List.of(), 0);
    assertThat(r.apply(t(60), List.of(UP0), 0)).singleElement().satisfies(x -> {
      assertThat(x.from()).isEqualTo(AlertState.INACTIVE);
      assertThat(x.to()).isEqualTo(AlertState.PENDING);
    });
    assertThat(r.alerts().get(0).activeAt()).isEqualTo(t(60));
    assertThat(r.alerts().get(0).resolvedAt()).isNull();
  }

  @Test
  void valueAndAnnotationsFollowTheLatestEvaluation() {
    AlertRule r = rule(Duration.ZERO, Duration.ZERO);
    r.apply(t(0), List.of(new QueryPoint(UP0.labels(), 3)), 0);
    r.apply(t(15), List.of(new QueryPoint(UP0.labels(), 7)), 0);
    assertThat(r.alerts().get(0).value()).isEqualTo(7);
    assertThat(r.alerts().get(0).annotations().get("summary")).isEqualTo("a:1 is down (7)");
    assertThat(r.alerts().get(0).activeAt()).isEqualTo(t(0));
  }

  @Test
  void sameLabelSetTwiceIsAnError() {
    AlertRule r = rule(Duration.ZERO, Duration.ZERO);
    QueryPoint a = new QueryPoint(Labels.of("__name__", "up", "job", "x"), 0);
    QueryPoint b = new QueryPoint(Labels.of("__name__", "other", "job", "x"), 0);
    assertThatThrownBy(() -> r.apply(t(0), List.of(a, b), 0)).hasMessageContaining("same labelset");
  }

  @Test
  void limitExceededClearsTheAlerts() {
    AlertRule r = rule(Duration.ZERO, Duration.ZERO);
    QueryPoint a = new QueryPoint(Labels.of("job", "a"), 0);
    QueryPoint b = new QueryPoint(Labels.of("job", "b"), 0);
    assertThatThrownBy(() -> r.apply(t(0), List.of(a, b), 1)).hasMessage("exceeded limit of 1 with 2 alerts");
    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void restoredPendingAlertKeepsItsTimer() {
    AlertRule r = rule(Duration.ofSeconds(60), Duration.ZERO);
    r.apply(t(0), List.of(UP0), 0);
    AlertRule after = rule(Duration.ofSeconds(60), Duration.ZERO);
    after.restore(r.alerts());
    assertThat(after.apply(t(45), List.of(UP0), 0)).isEmpty();
    assertThat(after.apply(t(60), List.of(UP0), 0)).singleElement()
        .satisfies(x -> assertThat(x.to()).isEqualTo(AlertState.FIRING));
  }
}
