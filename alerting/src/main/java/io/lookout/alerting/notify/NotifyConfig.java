package io.lookout.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.AlertingConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Receivers and the routing tree, read from the {@code receivers} and {@code route} keys of rule
 * files (Alertmanager's habits). Immutable; build with {@link #parse}, then {@link #merge} the
 * parts of every file (merge also checks that every route names a known receiver).
 */
public final class NotifyConfig {

  /** A webhook endpoint; {@code secret} may be null (no signature header). */
  record Webhook(URI url, String secret, Map<String, String> headers, boolean sendResolved, int maxAlerts) {
    @Override
    public String toString() { // never print the secret or header values
      return "Webhook[" + url + "]";
    }
  }

  /** A named receiver; {@code webhook} null means a receiver that sends nothing. */
  record Receiver(String name, Webhook webhook, String source) {}

  /** A node of the routing tree with its inherited settings resolved. */
  record Route(
      String key,
      String receiver,
      List<String> groupBy,
      boolean groupByAll,
      Duration groupWait,
      Duration groupInterval,
      Duration repeatInterval,
      List<AlertMatcher> matchers,
      boolean continueMatching,
      List<Route> routes,
      String source,
      String path) {

    /** The routes an alert with these labels goes to: depth first, first match unless continue. */
    List<Route> match(Map<String, String> labels) {
      if (!AlertMatcher.all(matchers, labels)) {
        return List.of();
      }
      List<Route> all = new ArrayList<>();
      for (Route child : routes) {
        List<Route> m = child.match(labels);
        all.addAll(m);
        if (!m.isEmpty() && !child.continueMatching) {
          break;
        }
      }
      if (all.isEmpty()) {
        all.add(this);
      }
      return all;
    }
  }

  private static final NotifyConfig EMPTY = new NotifyConfig(Map.of(), null);

  private final Map<String, Receiver> receivers;
  private final Route route;

  private NotifyConfig(Map<String, Receiver> receivers, Route route) {
    this.receivers = Collections.unmodifiableMap(new LinkedHashMap<>(receivers));
    this.route = route;
  }

  /** No receivers and no route: alerts are kept and visible, nothing is sent. */
  public static NotifyConfig empty() {
    return EMPTY;
  }

  /** Names of the configured receivers, in file order. */
  public List<String> receiverNames() {
    return List.copyOf(receivers.keySet());
  }

  /** Whether a root route is configured (without one nothing is sent). */
  public boolean hasRoute() {
    return route != null;
  }

  Map<String, Receiver> receivers() {
    return receivers;
  }

  Route route() {
    return route;
  }

  /**
   * Reads only {@code receivers} and {@code route} from the root of one rule file; other keys are
   * ignored. A file with neither gives an empty part.
   *
   * @param source the file name, used in error messages
   */
  public static NotifyConfig parse(JsonNode fileRoot, String source) throws AlertingConfigException {
    if (fileRoot == null || fileRoot.isNull() || fileRoot.isMissingNode()) {
      return EMPTY;
    }
    if (!fileRoot.isObject()) {
      throw NotifyConfigParser.error(source, "", "the file root must be a mapping");
    }
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    JsonNode rs = fileRoot.get("receivers");
    if (rs != null && !rs.isNull()) {
      if (!rs.isArray()) {
        throw NotifyConfigParser.error(source, "receivers", "must be a list of receivers with name and webhook");
      }
      for (int i = 0; i < rs.size(); i++) {
        Receiver r = NotifyConfigParser.parseReceiver(rs.get(i), source, "receivers[" + i + "]");
        if (receivers.putIfAbsent(r.name(), r) != null) {
          throw NotifyConfigParser.error(source, "receivers[" + i + "].name",
              "duplicate receiver name '" + r.name() + "': receiver names must be unique");
        }
      }
    }
    Route route = null;
    JsonNode rn = fileRoot.get("route");
    if (rn != null && !rn.isNull()) {
      route = NotifyConfigParser.parseRoute(rn, null, source, "route", "", 0);
      if (route.receiver() == null) {
        throw NotifyConfigParser.error(source, "route.receiver", "the root route must name a receiver");
      }
      if (!route.matchers().isEmpty()) {
        throw NotifyConfigParser.error(source, "route.matchers", "the root route matches every alert and must not have matchers");
      }
    }
    return new NotifyConfig(receivers, route);
  }

  /**
   * Unites the parts of several files: receiver names must be unique across files, at most one
   * file may have a root route, and every route must name a receiver that exists.
   */
  public static NotifyConfig merge(List<NotifyConfig> parts) throws AlertingConfigException {
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    Route route = null;
    for (NotifyConfig p : parts) {
      for (Receiver r : p.receivers.values()) {
        Receiver prev = receivers.putIfAbsent(r.name(), r);
        if (prev != null) {
          throw new AlertingConfigException(r.source() + ": receivers: receiver '" + r.name()
              + "' is also defined in " + prev.source() + ": receiver names must be unique across files");
        }
      }
      if (p.route != null) {
        if (route != null) {
          throw new AlertingConfigException(p.route.source() + ": route: a root route is also defined in "
              + route.source() + ": at most one file may have a root route");
        }
        route = p.route;
      }
    }
    if (route != null) {
      checkReceivers(route, receivers);
    }
    return new NotifyConfig(receivers, route);
  }

  private static void checkReceivers(Route r, Map<String, Receiver> receivers) throws AlertingConfigException {
    if (!receivers.containsKey(r.receiver())) {
      throw new AlertingConfigException(r.source() + ": " + r.path() + ".receiver: unknown receiver '"
          + r.receiver() + "': known receivers are " + receivers.keySet());
    }
    for (Route c : r.routes()) {
      checkReceivers(c, receivers);
    }
  }
}
