package io.lookout.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.LookoutException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {
  /** Resolves a few fixed names without DNS; literal addresses as themselves. */
  private static final EgressPolicy.Resolver FAKE_DNS = host -> switch (host) {
    case "hooks.example" -> new InetAddress[] {ip("203.0.113.7")};
    case "metadata.example" -> new InetAddress[] {ip("169.254.169.254")};
    case "mixed.example" -> new InetAddress[] {ip("203.0.113.8"), ip("169.254.169.254")};
    case "intranet.corp" -> new InetAddress[] {ip("10.1.2.3")};
    case "localhost" -> new InetAddress[] {ip("127.0.0.1")};
    default -> {
      if (host.matches("[0-9.]+") || host.contains(":")) {
        yield new InetAddress[] {InetAddress.getByName(host)};
      }
      throw new UnknownHostException(host);
    }
  };

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static EgressPolicy policy(List<String> allow, List<String> deny) {
    return new EgressPolicy(allow, deny, FAKE_DNS);
  }

  @Test
  void byDefaultAllowsPublicLoopbackAndPrivateButNotMetadata() {
    EgressPolicy p = policy(List.of(), List.of());
    assertThat(p.check("hooks.example")).isEqualTo(ip("203.0.113.7"));
    assertThat(p.allows("localhost")).isTrue();
    assertThat(p.allows("intranet.corp")).isTrue();
    assertThat(p.allows("169.254.169.254")).isFalse();
    assertThat(p.allows("fd00:ec2::254")).isFalse();
    assertThat(p.allows("[fe80::1]")).isFalse();
    assertThatThrownBy(() -> p.check("metadata.example"))
        .isInstanceOf(LookoutException.class)
        .hasMessageContaining("169.254.169.254")
        .hasMessageContaining("LOOKOUT_EGRESS_ALLOW");
  }

  @Test
  void checksEveryResolvedAddressNotOnlyTheFirst() {
    assertThat(policy(List.of(), List.of()).allows("mixed.example")).isFalse();
  }

  @Test
  void ipv4MappedIpv6MetadataAddressIsDenied() {
    assertThat(policy(List.of(), List.of()).allows("::ffff:169.254.169.254")).isFalse();
  }

  @Test
  void denyListAddsPrivateRangesAndNames() {
    EgressPolicy p = policy(List.of(), List.of("10.0.0.0/8", "127.0.0.0/8", "*.corp"));
    assertThat(p.allows("intranet.corp")).isFalse();
    assertThat(p.allows("localhost")).isFalse();
    assertThat(p.allows("hooks.example")).isTrue();
  }

  @Test
  void allowListRestrictsAndOverridesTheDenyList() {
    EgressPolicy p = policy(List.of("hooks.example", "169.254.169.254/32"), List.of());
    assertThat(p.allows("hooks.example")).isTrue();
    assertThat(p.allows("169.254.169.254")).isTrue();
    assertThatThrownBy(() -> p.check("intranet.corp")).hasMessageContaining("not in LOOKOUT_EGRESS_ALLOW");
  }

  @Test
  void unresolvableHostsAreRefused() {
    assertThatThrownBy(() -> policy(List.of(), List.of()).check("nowhere.invalid"))
        .isInstanceOf(LookoutException.class).hasMessageContaining("cannot be resolved");
  }

  @Test
  void badEntriesFailAtStartupNamingTheVariable() {
    assertThatThrownBy(() -> EgressPolicy.fromEnv(Map.of("LOOKOUT_EGRESS_DENY", "10.0.0.0/99")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOOKOUT_EGRESS_DENY");
    assertThatThrownBy(() -> EgressPolicy.fromEnv(Map.of("LOOKOUT_EGRESS_ALLOW", "http://x/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOOKOUT_EGRESS_ALLOW");
  }
}
