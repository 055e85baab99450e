package io.lookout.alerting.internal;

import io.lookout.model.LookoutException;
import io.lookout.model.net.EgressPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Checks outbound destinations (webhooks, Alertmanager, probes) against the {@link EgressPolicy}
 * off the event loop and returns the checked address to connect to. Callers keep the original
 * URL for the Host header and TLS SNI, and connect to the returned address only, so a DNS answer
 * that changes after the check cannot redirect the request.
 */
public final class Egress {
  private Egress() {}

  /** The policy refused the destination: a permanent failure, never retried. */
  public static final class DeniedException extends RuntimeException {
    public DeniedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Resolves and checks {@code url}'s host on a worker thread.
   *
   * @return the address to connect to; fails with {@link DeniedException} ("egress denied: ...")
   *     when the policy refuses it, or {@link UnknownHostException} when the host does not resolve
   *     (a transient failure)
   */
  public static Future<SocketAddress> check(Vertx vertx, EgressPolicy policy, URI url) {
    String host = url.getHost();
    int port = port(url);
    return vertx.executeBlocking(() -> {
      InetAddress a;
      try {
        a = policy.check(host);
      } catch (LookoutException e) {
        try {
          InetAddress.getAllByName(host);
        } catch (UnknownHostException u) {
          throw new UnknownHostException("cannot resolve host '" + host + "'");
        }
        throw new DeniedException("egress denied: " + e.getMessage());
      }
      return SocketAddress.inetSocketAddress(new InetSocketAddress(a, port));
    }, false);
  }

  /**
   * The configuration-time check: refuses a URL whose host is a literal address that the policy
   * denies (no DNS lookup; names are checked at request time).
   *
   * @return null when allowed or not a literal, else the reason
   */
  public static String literalDenied(EgressPolicy policy, String url) {
    String host;
    try {
      host = URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (host == null || !isLiteral(host)) {
      return null;
    }
    try {
      policy.check(host);
      return null;
    } catch (LookoutException e) {
      return "egress denied: " + e.getMessage();
    }
  }

  static boolean isLiteral(String host) {
    return host.startsWith("[") || host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  static int port(URI url) {
    if (url.getPort() > 0) {
      return url.getPort();
    }
    return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }
}
