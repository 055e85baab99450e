package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.net.EgressPolicy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks go only where the egress policy allows; a refused one fails permanently, never connecting. */
class WebhookEgressTest extends Harness {
  @TempDir Path dir;

  @BeforeEach
  void setUp() throws Exception {
    setUpHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    tearDownHarness();
  }

  private static String receiver(String url) {
    return """
        receivers:
          - name: oncall
            webhook: {url: "%s"}
        route:
          receiver: oncall
          group_by: [alertname]
          group_wait: 10s
        """.formatted(url);
  }

  private Outbox.Entry sendOne(Notifier n) throws Exception {
    n.send("default", List.of(firing(clock.instant(), "alertname", "A")));
    step(n, Duration.ofSeconds(10));
    settle(n);
    return n.call(() -> n.outbox().newestFirst().get(0)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aWebhookToTheMetadataAddressFailsPermanentlyWithoutAConnectionAttempt() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    EgressPolicy counting = new EgressPolicy(List.of(), List.of(), host -> {
      lookups.incrementAndGet();
      return InetAddress.getAllByName(host);
    });
    Notifier n = start(options(dir).withEgress(counting), config(receiver("http://169.254.169.254/hook")));
    Outbox.Entry e = sendOne(n);
    assertThat(e.state).isEqualTo("failed");
    assertThat(e.reason).startsWith("egress denied:").contains("169.254.169.254")
        .contains("refused by the egress deny list").contains(EgressPolicy.ALLOW_ENV);
    assertThat(e.attempts).isEqualTo(1);
    assertThat(lookups).hasValue(1); // checked once, and not retried
    step(n, Duration.ofMinutes(10));
    settle(n);
    assertThat(n.call(() -> n.outbox().newestFirst().get(0).attempts).get(5, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void aDeniedLoopbackReceiverIsNeverContacted() throws Exception {
    Notifier n = start(options(dir).withEgress(NotifierOptions.egress(Map.of(EgressPolicy.DENY_ENV, "127.0.0.0/8"))),
        config(receiver(hook.url("/hook"))));
    Outbox.Entry e = sendOne(n);
    assertThat(e.state).isEqualTo("failed");
    assertThat(e.reason).startsWith("egress denied:").contains("127.0.0.1");
    assertThat(hook.requests).isEmpty();
  }

  @Test
  void anAllowedLoopbackReceiverByNameIsDeliveredWithItsHostHeader() throws Exception {
    Notifier n = start(options(dir), config(receiver(hook.url("/hook").replace("127.0.0.1", "localhost"))));
    Outbox.Entry e = sendOne(n);
    assertThat(e.state).as(e.reason).isEqualTo("delivered");
    assertThat(hook.at("/hook")).hasSize(1);
    assertThat(hook.at("/hook").get(0).header("Host")).startsWith("localhost:");
  }

  @Test
  void invalidEgressVariablesFailAtStartNamingTheVariable() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> NotifierOptions.fromEnv(Map.of(EgressPolicy.DENY_ENV, "10.0.0.0/99"), dir))
        .hasMessageContaining(EgressPolicy.DENY_ENV).hasMessageContaining("10.0.0.0/99");
  }
}
