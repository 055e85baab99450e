package io.lookout.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.alerting.notify.NotifyConfig.Receiver;
import io.lookout.alerting.notify.NotifyConfig.Route;
import io.lookout.alerting.notify.NotifyConfig.Webhook;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one receiver or one routing-tree node of a rule file, with Alertmanager's keys and defaults;
 * every error names the file, the YAML path, what was wrong and what is allowed.
 */
final class NotifyConfigParser {
  static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
  static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
  static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);
  static final Set<String> RECEIVER_KEYS = Set.of("name", "webhook");
  static final Set<String> WEBHOOK_KEYS =
      Set.of("url", "secret", "headers", "send_resolved", "max_alerts");
  static final Set<String> ROUTE_KEYS = Set.of("receiver", "group_by", "group_wait",
      "group_interval", "repeat_interval", "routes", "matchers", "match", "match_re", "continue");

  private NotifyConfigParser() {}

  static Receiver parseReceiver(JsonNode n, String source, String path) throws AlertingConfigException {
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

  static Route parseRoute(JsonNode n, Route parent, String source, String path, String parentKey, int index)
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

  static AlertingConfigException error(String source, String path, String what) {
    return new AlertingConfigException(source + ": " + (path.isEmpty() ? "" : path + ": ") + what);
  }
}
