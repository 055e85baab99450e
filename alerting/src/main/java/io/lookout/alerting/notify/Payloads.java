package io.lookout.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lookout.alerting.Alert;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** JSON bodies: the Alertmanager webhook payload (version 4) and the Alertmanager v2 alerts list. */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Go's zero time, which Alertmanager writes as endsAt of a firing alert. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private Payloads() {}

  /**
   * The webhook body, field for field as Alertmanager's webhook notifier writes it.
   *
   * @param alerts firing and resolved alerts of the notification, in order
   * @param maxAlerts 0 for no limit; alerts beyond it are counted in {@code truncatedAlerts}
   */
  static String webhookV4(String receiver, String groupKey, Map<String, String> groupLabels, List<Alert> alerts,
      String externalUrl, int maxAlerts) {
    boolean firing = alerts.stream().anyMatch(a -> !a.resolved());
    ObjectNode root = JSON.createObjectNode();
    root.put("receiver", receiver);
    root.put("status", firing ? "firing" : "resolved");
    ArrayNode arr = root.putArray("alerts");
    int n = maxAlerts > 0 ? Math.min(maxAlerts, alerts.size()) : alerts.size();
    for (int i = 0; i < n; i++) {
      Alert a = alerts.get(i);
      ObjectNode o = arr.addObject();
      o.put("status", a.resolved() ? "resolved" : "firing");
      map(o.putObject("labels"), a.labels());
      map(o.putObject("annotations"), a.annotations());
      o.put("startsAt", time(a.startsAt()));
      o.put("endsAt", a.resolved() ? time(a.endsAt()) : ZERO_TIME);
      o.put("generatorURL", a.generatorUrl());
      o.put("fingerprint", a.fingerprint());
    }
    map(root.putObject("groupLabels"), groupLabels);
    map(root.putObject("commonLabels"), common(alerts, true));
    map(root.putObject("commonAnnotations"), common(alerts, false));
    root.put("externalURL", externalUrl);
    root.put("version", "4");
    root.put("groupKey", groupKey);
    root.put("truncatedAlerts", alerts.size() - n);
    return write(root);
  }

  /** The body of Alertmanager's {@code POST /api/v2/alerts}; the tenant is added as label {@code tenant}. */
  static String alertmanagerV2(String tenant, List<Alert> alerts) {
    ArrayNode arr = JSON.createArrayNode();
    for (Alert a : alerts) {
      ObjectNode o = arr.addObject();
      Map<String, String> labels = new TreeMap<>(a.labels());
      labels.putIfAbsent("tenant", tenant);
      map(o.putObject("labels"), labels);
      map(o.putObject("annotations"), a.annotations());
      o.put("startsAt", time(a.startsAt()));
      if (a.resolved()) {
        o.put("endsAt", time(a.endsAt()));
      }
      if (!a.generatorUrl().isEmpty()) {
        o.put("generatorURL", a.generatorUrl());
      }
    }
    return write(arr);
  }

  /** {@code sha256=<hex HMAC-SHA256 of body with secret>}. */
  static String signature(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  static String time(Instant t) {
    return t.toString(); // ISO-8601 in UTC, fraction only as needed: what RFC 3339 readers accept
  }

  /** Labels (or annotations) with the same value in every alert. */
  static Map<String, String> common(List<Alert> alerts, boolean labels) {
    if (alerts.isEmpty()) {
      return Map.of();
    }
    Map<String, String> common = new TreeMap<>(labels ? alerts.get(0).labels() : alerts.get(0).annotations());
    for (int i = 1; i < alerts.size() && !common.isEmpty(); i++) {
      Map<String, String> m = labels ? alerts.get(i).labels() : alerts.get(i).annotations();
      common.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
    }
    return common;
  }

  /** Alertmanager's label-set string: {@code {a="x", b="y"}}. */
  static String labelString(Map<String, String> labels) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      sb.append(first ? "" : ", ").append(e.getKey()).append("=\"")
          .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      first = false;
    }
    return sb.append('}').toString();
  }

  private static void map(ObjectNode o, Map<String, String> m) {
    new TreeMap<>(m).forEach(o::put);
  }

  private static String write(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
