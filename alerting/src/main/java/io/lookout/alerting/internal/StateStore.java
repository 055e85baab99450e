package io.lookout.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lookout.alerting.rules.ActiveAlert;
import io.lookout.alerting.rules.AlertState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert state of every rule group, one JSON file per group under {@code <dir>/}, replaced
 * atomically after each evaluation that changed something, read back when the group starts.
 */
final class StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  StateStore(Path dir) {
    this.dir = dir;
  }

  /** The saved alerts per rule key of a group; empty when none or unreadable. */
  Map<String, List<ActiveAlert>> load(String groupKey) {
    Path f = file(groupKey);
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(f));
      if (!groupKey.equals(root.path("group").asText())) {
        return Map.of();
      }
      Map<String, List<ActiveAlert>> out = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("rules").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<ActiveAlert> alerts = new ArrayList<>();
        for (JsonNode a : e.getValue()) {
          alerts.add(new ActiveAlert(map(a.get("labels")), map(a.get("annotations")),
              AlertState.valueOf(a.get("state").asText()), instant(a.get("activeAt")), instant(a.get("firedAt")),
              instant(a.get("resolvedAt")), instant(a.get("keepFiringSince")), instant(a.get("lastSentAt")),
              a.path("value").isNumber() ? a.get("value").asDouble() : Double.NaN));
        }
        out.put(e.getKey(), alerts);
      }
      return out;
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read alert state {}, starting the group without it: {}", f, e.toString());
      return Map.of();
    }
  }

  void save(String groupKey, Map<String, List<ActiveAlert>> rules) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("group", groupKey);
    ObjectNode rs = root.putObject("rules");
    rules.forEach((key, alerts) -> {
      ArrayNode arr = rs.putArray(key);
      for (ActiveAlert a : alerts) {
        ObjectNode n = arr.addObject();
        n.set("labels", JSON.valueToTree(a.labels()));
        n.set("annotations", JSON.valueToTree(a.annotations()));
        n.put("state", a.state().name());
        put(n, "activeAt", a.activeAt());
        put(n, "firedAt", a.firedAt());
        put(n, "resolvedAt", a.resolvedAt());
        put(n, "keepFiringSince", a.keepFiringSince());
        put(n, "lastSentAt", a.lastSentAt());
        if (!Double.isNaN(a.value()) && !Double.isInfinite(a.value())) {
          n.put("value", a.value());
        }
      }
    });
    AtomicFiles.write(file(groupKey), JSON.writeValueAsBytes(root));
  }

  void delete(String groupKey) {
    try {
      Files.deleteIfExists(file(groupKey));
    } catch (IOException e) {
      LOG.warn("cannot delete alert state of a removed group: {}", e.toString());
    }
  }

  private Path file(String groupKey) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(groupKey.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h, 0, 16) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(ObjectNode n, String key, Instant i) {
    if (i != null) {
      n.put(key, i.toString());
    }
  }

  private static Instant instant(JsonNode n) {
    return n == null || n.isNull() ? null : Instant.parse(n.asText());
  }

  private static Map<String, String> map(JsonNode n) {
    Map<String, String> m = new LinkedHashMap<>();
    if (n != null) {
      n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    }
    return m;
  }
}
