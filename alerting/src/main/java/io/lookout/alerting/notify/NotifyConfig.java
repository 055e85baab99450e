package io.lookout.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Receivers and the routing tree, read from the {@code receivers} and {@code route} keys of rule
 * files (Alertmanager's habits). Immutable; build with {@link #parse}, then {@link #merge} the
 * parts of every file (merge also checks that every route names a known receiver).
 */
public final class NotifyConfig {
  static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
  static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
  static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);
  private static final Set<String> RECEIVER_KEYS = Set.of("name", "webhook");
  private static final Set<String> WEBHOOK_KEYS =
      Set.of("url", "secret", "headers", "send_resolved", "max_alerts");
  private static final Set<String> ROUTE_KEYS = Set.of("receiver", "group_by", "group_wait",
      "group_interval", "repeat_interval", "routes", "matchers", "match", "match_re", "continue");

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
      throw error(source, "", "the file root must be a mapping");
    }
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    JsonNode rs = fileRoot.get("receivers");
    if (rs != null && !rs.isNull()) {
      if (!rs.isArray()) {
        throw error(source, "receivers", "must be a list of receivers with name and webhook");
      }
      for (int i = 0; i < rs.size(); i++) {
        Receiver r = parseReceiver(rs.get(i), source, "receivers[" + i + "]");
        if (receivers.putIfAbsent(r.name(), r) != null) {
          throw error(source, "receivers[" + i + "].name",
              "duplicate receiver name '" + r.name() + "': receiver names must be unique");
        }
      }
    }
    Route route = null;
    JsonNode rn = fileRoot.get("route");
    if (rn != null && !rn.isNull()) {
      route = parseRoute(rn, null, source, "route", "", 0);
      if (route.receiver() == null) {
        throw error(source, "route.receiver", "the root route must name a receiver");
      }
      if (!route.matchers().isEmpty()) {
        throw error(source, "route.matchers", "the root route matches every alert and must not have matchers");
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

  private static Receiver parseReceiver(JsonNode n, String source, String path) throws AlertingConfigException {
    if (n == null || !n.isObject()) {
      throw error(source, path, "a receiver must be a mapping with name and webhook");
    }
    checkKeys(n, RECEIVER_KEYS, source, path);
    String name = text(n, "name", source, path);
    if (name == null || name.isBlank()) {
      throw error(source, path + ".name", "a receiver needs a non-empty name");
    }
    JsonNode w = n.get("webhook");
    Webhook webhook = null;
    if (w != null && !w.isNull()) {
      String wp = path + ".webhook";
      if (!w.isObject()) {
        throw error(source, wp, "must be a mapping with url, and optional secret, headers, send_resolved, max_alerts");
      }
      checkKeys(w, WEBHOOK_KEYS, source, wp);
      String url = text(w, "url", source, wp);
      if (url == null) {
        throw error(source, wp + ".url", "a webhook needs a url");
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw error(source, wp + ".url", "invalid url: use an absolute http or https url");
      }
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw error(source, wp + ".url", "invalid url: use an absolute http or https url");
      }
      String secret = text(w, "secret", source, wp);
      Map<String, String> headers = new LinkedHashMap<>();
      JsonNode h = w.get("headers");
      if (h != null && !h.isNull()) {
        if (!h.isObject()) {
          throw error(source, wp + ".headers", "must be a mapping of header name to value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getValue().isValueNode() || e.getValue().isNull()) {
            throw error(source, wp + ".headers." + e.getKey(), "header values must be strings");
          }
          if (!e.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw error(source, wp + ".headers", "invalid header name '" + e.getKey() + "'");
          }
          headers.put(e.getKey(), e.getValue().asText());
        }
      }
      boolean sendResolved = true;
      JsonNode sr = w.get("send_resolved");
      if (sr != null && !sr.isNull()) {
        if (!sr.isBoolean()) {
          throw error(source, wp + ".send_resolved", "must be true or false");
        }
        sendResolved = sr.asBoolean();
      }
      int maxAlerts = 0;
      JsonNode ma = w.get("max_alerts");
      if (ma != null && !ma.isNull()) {
        if (!ma.canConvertToInt() || ma.asInt() < 0) {
          throw error(source, wp + ".max_alerts", "must be a whole number >= 0 (0 means no limit)");
        }
        maxAlerts = ma.asInt();
      }
      webhook = new Webhook(uri, secret, Map.copyOf(headers), sendResolved, maxAlerts);
    }
    return new Receiver(name, webhook, source);
  }

  private static Route parseRoute(JsonNode n, Route parent, String source, String path, String parentKey, int index)
      throws AlertingConfigException {
    if (!n.isObject()) {
      throw error(source, path, "a route must be a mapping");
    }
    checkKeys(n, ROUTE_KEYS, source, path);
    String receiver = text(n, "receiver", source, path);
    if (receiver == null && parent != null) {
      receiver = parent.receiver();
    }
    List<String> groupBy = parent == null ? List.of() : parent.groupBy();
    boolean groupByAll = parent != null && parent.groupByAll();
    JsonNode gb = n.get("group_by");
    if (gb != null && !gb.isNull()) {
      if (!gb.isArray()) {
        throw error(source, path + ".group_by", "must be a list of label names, or ['...'] for all labels");
      }
      List<String> names = new ArrayList<>();
      groupByAll = false;
      for (JsonNode g : gb) {
        String s = g.asText();
        if (s.equals("...")) {
          groupByAll = true;
        } else if (!s.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
          throw error(source, path + ".group_by", "invalid label name '" + s + "'");
        } else {
          names.add(s);
        }
      }
      if (groupByAll && !names.isEmpty()) {
        throw error(source, path + ".group_by", "'...' groups by all labels and cannot be combined with names");
      }
      groupBy = List.copyOf(names);
    }
    Duration wait = duration(n, "group_wait", parent == null ? DEFAULT_GROUP_WAIT : parent.groupWait(), source, path);
    Duration interval = duration(n, "group_interval",
        parent == null ? DEFAULT_GROUP_INTERVAL : parent.groupInterval(), source, path);
    Duration repeat = duration(n, "repeat_interval",
        parent == null ? DEFAULT_REPEAT_INTERVAL : parent.repeatInterval(), source, path);
    if (interval.isZero()) {
      throw error(source, path + ".group_interval", "must be greater than 0");
    }
    if (repeat.isZero()) {
      throw error(source, path + ".repeat_interval", "must be greater than 0");
    }
    List<AlertMatcher> matchers = new ArrayList<>();
    JsonNode ms = n.get("matchers");
    if (ms != null && !ms.isNull()) {
      if (!ms.isArray()) {
        throw error(source, path + ".matchers", "must be a list of matchers such as 'severity=\"page\"'");
      }
      for (int i = 0; i < ms.size(); i++) {
        try {
          matchers.addAll(AlertMatcher.parse(ms.get(i).asText()));
        } catch (IllegalArgumentException e) {
          throw error(source, path + ".matchers[" + i + "]", e.getMessage());
        }
      }
    }
    addLegacyMatchers(n, "match", AlertMatcher.Op.EQ, matchers, source, path);
    addLegacyMatchers(n, "match_re", AlertMatcher.Op.RE, matchers, source, path);
    boolean cont = false;
    JsonNode c = n.get("continue");
    if (c != null && !c.isNull()) {
      if (!c.isBoolean()) {
        throw error(source, path + ".continue", "must be true or false");
      }
      cont = c.asBoolean();
    }
    // like Alertmanager's route id: parent id, own matchers, position among siblings
    String key = parent == null ? "{}" : parentKey + "/" + AlertMatcher.format(matchers) + "/" + index;
    Route self = new Route(key, receiver, groupBy, groupByAll, wait, interval, repeat, List.copyOf(matchers),
        cont, List.of(), source, path);
    List<Route> children = new ArrayList<>();
    JsonNode rs = n.get("routes");
    if (rs != null && !rs.isNull()) {
      if (!rs.isArray()) {
        throw error(source, path + ".routes", "must be a list of routes");
      }
      for (int i = 0; i < rs.size(); i++) {
        children.add(parseRoute(rs.get(i), self, source, path + ".routes[" + i + "]", key, i));
      }
    }
    return new Route(key, receiver, groupBy, groupByAll, wait, interval, repeat, List.copyOf(matchers), cont,
        List.copyOf(children), source, path);
  }

  private static void addLegacyMatchers(JsonNode n, String field, AlertMatcher.Op op, List<AlertMatcher> out,
      String source, String path) throws AlertingConfigException {
    JsonNode m = n.get(field);
    if (m == null || m.isNull()) {
      return;
    }
    if (!m.isObject()) {
      throw error(source, path + "." + field, "must be a mapping of label name to value");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        out.add(AlertMatcher.of(e.getKey(), op, e.getValue().asText()));
      } catch (IllegalArgumentException ex) {
        throw error(source, path + "." + field + "." + e.getKey(), ex.getMessage());
      }
    }
  }

  private static Duration duration(JsonNode n, String field, Duration dflt, String source, String path)
      throws AlertingConfigException {
    JsonNode d = n.get(field);
    if (d == null || d.isNull()) {
      return dflt;
    }
    try {
      return Duration.ofNanos(TimeParser.parseDuration(field, d.asText()));
    } catch (LookoutException e) {
      throw error(source, path + "." + field, e.getMessage());
    }
  }

  private static String text(JsonNode n, String field, String source, String path) throws AlertingConfigException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw error(source, path + "." + field, "must be a string");
    }
    return v.asText();
  }

  private static void checkKeys(JsonNode n, Set<String> allowed, String source, String path)
      throws AlertingConfigException {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw error(source, path + "." + k, "unknown key: allowed are " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static AlertingConfigException error(String source, String path, String what) {
    return new AlertingConfigException(source + ": " + (path.isEmpty() ? "" : path + ": ") + what);
  }
}
