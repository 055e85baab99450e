package io.lookout.model.net;

import io.lookout.model.LookoutException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides where outbound requests (alert webhooks, Alertmanager forwarding, HTTP probes) may go.
 *
 * <p>Entries of {@code LOOKOUT_EGRESS_ALLOW} and {@code LOOKOUT_EGRESS_DENY} are comma-separated:
 * a CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}), an address, a host name ({@code hooks.example})
 * or a domain suffix ({@code *.internal}). Rules, in order:
 *
 * <ol>
 *   <li>the host is resolved and every address is checked (not only the name);
 *   <li>a destination that matches an allow entry (by name or by address) is allowed;
 *   <li>one that matches a deny entry, or the built-in deny list (link-local addresses, where
 *       cloud metadata services live: {@code 169.254.0.0/16}, {@code fe80::/10},
 *       {@code fd00:ec2::254}), is refused;
 *   <li>when {@code LOOKOUT_EGRESS_ALLOW} is set, anything else is refused; otherwise allowed.
 * </ol>
 *
 * <p>Loopback and private ranges are allowed by default so that a laptop setup works; deny them
 * with {@code LOOKOUT_EGRESS_DENY=127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7}.
 * Callers connect to the address {@link #check} returned, not to the name again, so that a DNS
 * answer that changes between the check and the connection (DNS rebinding) cannot slip through.
 */
public final class EgressPolicy {
  public static final String ALLOW_ENV = "LOOKOUT_EGRESS_ALLOW";
  public static final String DENY_ENV = "LOOKOUT_EGRESS_DENY";
  /** Always denied unless explicitly allowed: link-local, including cloud metadata endpoints. */
  public static final List<String> BUILT_IN_DENY = List.of("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128");

  /** Resolves a host name to its addresses; replaceable in tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final List<Entry> allow;
  private final List<Entry> deny;
  private final Resolver resolver;

  public EgressPolicy(List<String> allow, List<String> deny, Resolver resolver) {
    this.allow = parse(ALLOW_ENV, allow);
    List<String> all = new ArrayList<>(BUILT_IN_DENY);
    all.addAll(deny);
    this.deny = parse(DENY_ENV, all);
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** The built-in rules only: everything but link-local and metadata addresses. */
  public static EgressPolicy defaults() {
    return new EgressPolicy(List.of(), List.of(), InetAddress::getAllByName);
  }

  /**
   * Reads {@code LOOKOUT_EGRESS_ALLOW} and {@code LOOKOUT_EGRESS_DENY}.
   *
   * @throws IllegalArgumentException naming the variable and the bad entry
   */
  public static EgressPolicy fromEnv(Map<String, String> env) {
    return new EgressPolicy(split(env.get(ALLOW_ENV)), split(env.get(DENY_ENV)), InetAddress::getAllByName);
  }

  /**
   * Resolves {@code host} and checks the name and every address; returns the address to connect to.
   *
   * @throws LookoutException bad_data naming the destination, the rule that refused it and how to
   *     allow it; also when the host cannot be resolved
   */
  public InetAddress check(String host) {
    if (host == null || host.isBlank()) {
      throw LookoutException.badData("outbound request refused: no host given");
    }
    String name = normalize(host);
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(name);
    } catch (UnknownHostException e) {
      throw LookoutException.badData("outbound request to '" + abbreviate(name) + "' refused: the host cannot be"
          + " resolved");
    }
    if (addresses == null || addresses.length == 0) {
      throw LookoutException.badData("outbound request to '" + abbreviate(name) + "' refused: the host has no address");
    }
    boolean nameAllowed = matchesName(allow, name);
    for (InetAddress a : addresses) {
      if (nameAllowed || matchesAddress(allow, a)) {
        continue;
      }
      if (matchesName(deny, name) || matchesAddress(deny, a)) {
        throw LookoutException.badData("outbound request to '" + abbreviate(name) + "' (" + a.getHostAddress()
            + ") refused by the egress deny list (link-local and cloud metadata addresses are always denied):"
            + " add the host or address to " + ALLOW_ENV + " to allow it");
      }
      if (!allow.isEmpty()) {
        throw LookoutException.badData("outbound request to '" + abbreviate(name) + "' (" + a.getHostAddress()
            + ") refused: it is not in " + ALLOW_ENV + "; add the host, a domain suffix (*.example) or a CIDR");
      }
    }
    return addresses[0];
  }

  /** True when {@link #check} would pass. */
  public boolean allows(String host) {
    try {
      check(host);
      return true;
    } catch (LookoutException e) {
      return false;
    }
  }

  private static boolean matchesName(List<Entry> entries, String name) {
    for (Entry e : entries) {
      if (e.host != null && (e.suffix ? name.endsWith(e.host) : name.equals(e.host))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesAddress(List<Entry> entries, InetAddress a) {
    byte[] b = a.getAddress();
    for (Entry e : entries) {
      if (e.network != null && e.network.length == b.length && prefixMatches(e.network, b, e.prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean prefixMatches(byte[] net, byte[] addr, int bits) {
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (net[i] != addr[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (net[full] & mask) == (addr[full] & mask);
  }

  /** A CIDR (network + prefix) or a host name (exact, or a suffix for {@code *.domain}). */
  private record Entry(byte[] network, int prefix, String host, boolean suffix) {}

  private static List<Entry> parse(String env, List<String> raw) {
    List<Entry> out = new ArrayList<>();
    for (String r : raw) {
      String s = r.trim();
      if (s.isEmpty()) {
        continue;
      }
      out.add(entry(env, s));
    }
    return List.copyOf(out);
  }

  private static Entry entry(String env, String s) {
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    if (looksLikeAddress(addr)) {
      byte[] net;
      try {
        net = InetAddress.getByName(addr.startsWith("[") ? addr.substring(1, addr.length() - 1) : addr).getAddress();
      } catch (UnknownHostException e) {
        throw bad(env, s);
      }
      int prefix = net.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw bad(env, s);
        }
        if (prefix < 0 || prefix > net.length * 8) {
          throw bad(env, s);
        }
      }
      return new Entry(net, prefix, null, false);
    }
    if (slash >= 0 || !s.matches("(\\*\\.)?[A-Za-z0-9_.-]+")) {
      throw bad(env, s);
    }
    String name = normalize(s);
    return name.startsWith("*.") ? new Entry(null, 0, name.substring(1), true) : new Entry(null, 0, name, false);
  }

  /** IPv4 dotted quads and anything with a colon (IPv6); never triggers a DNS lookup. */
  private static boolean looksLikeAddress(String s) {
    return s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  private static IllegalArgumentException bad(String env, String entry) {
    return new IllegalArgumentException("invalid entry '" + abbreviate(entry) + "' in " + env + ": use a CIDR"
        + " (10.0.0.0/8, fd00::/8), an address, a host name (hooks.example) or a domain suffix (*.example)");
  }

  private static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static List<String> split(String v) {
    if (v == null || v.isBlank()) {
      return List.of();
    }
    return List.of(v.split(","));
  }

  private static String abbreviate(String v) {
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
