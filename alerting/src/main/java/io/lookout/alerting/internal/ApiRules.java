package io.lookout.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.alerting.rules.GroupSpec;
import io.lookout.alerting.rules.ProbeSpec;
import io.lookout.alerting.rules.RuleParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups and probes created through the API, persisted as one JSON file (replaced atomically on
 * every change) holding the request bodies as received, re-parsed at start.
 */
final class ApiRules {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRules.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  record Stored<T>(String tenant, JsonNode body, T spec) {}

  private final Path file;
  private final Map<String, Stored<GroupSpec>> groups = new LinkedHashMap<>();
  private final Map<String, Stored<ProbeSpec>> probes = new LinkedHashMap<>();

  ApiRules(Path file) throws IOException {
    this.file = file;
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return;
    }
    for (JsonNode g : root.path("groups")) {
      String tenant = g.path("tenant").asText();
      try {
        GroupSpec s = RuleParser.parseApiGroup(g.get("body"), tenant);
        groups.put(key(tenant, s.name()), new Stored<>(tenant, g.get("body"), s));
      } catch (AlertingConfigException | RuntimeException e) {
        LOG.error("stored API rule group of tenant {} no longer parses, it is skipped: {}", tenant, e.getMessage());
      }
    }
    for (JsonNode p : root.path("probes")) {
      String tenant = p.path("tenant").asText();
      try {
        ProbeSpec s = RuleParser.parseApiProbe(p.get("body"), tenant);
        probes.put(key(tenant, s.name()), new Stored<>(tenant, p.get("body"), s));
      } catch (AlertingConfigException | RuntimeException e) {
        LOG.error("stored API probe of tenant {} no longer parses, it is skipped: {}", tenant, e.getMessage());
      }
    }
  }

  static String key(String tenant, String name) {
    return tenant + "\u0000" + name;
  }

  synchronized List<GroupSpec> groups() {
    return groups.values().stream().map(Stored::spec).toList();
  }

  synchronized List<ProbeSpec> probes() {
    return probes.values().stream().map(Stored::spec).toList();
  }

  synchronized GroupSpec group(String tenant, String name) {
    Stored<GroupSpec> s = groups.get(key(tenant, name));
    return s == null ? null : s.spec();
  }

  synchronized ProbeSpec probe(String tenant, String name) {
    Stored<ProbeSpec> s = probes.get(key(tenant, name));
    return s == null ? null : s.spec();
  }

  /** Stores (creates or replaces) a group and persists; returns the previous version or null. */
  synchronized GroupSpec putGroup(String tenant, JsonNode body, GroupSpec spec) throws IOException {
    Stored<GroupSpec> old = groups.put(key(tenant, spec.name()), new Stored<>(tenant, body, spec));
    save();
    return old == null ? null : old.spec();
  }

  synchronized boolean deleteGroup(String tenant, String name) throws IOException {
    boolean removed = groups.remove(key(tenant, name)) != null;
    if (removed) {
      save();
    }
    return removed;
  }

  synchronized ProbeSpec putProbe(String tenant, JsonNode body, ProbeSpec spec) throws IOException {
    Stored<ProbeSpec> old = probes.put(key(tenant, spec.name()), new Stored<>(tenant, body, spec));
    save();
    return old == null ? null : old.spec();
  }

  synchronized boolean deleteProbe(String tenant, String name) throws IOException {
    boolean removed = probes.remove(key(tenant, name)) != null;
    if (removed) {
      save();
    }
    return removed;
  }

  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode gs = root.putArray("groups");
    for (Stored<GroupSpec> g : groups.values()) {
      gs.addObject().put("tenant", g.tenant()).set("body", g.body());
    }
    ArrayNode ps = root.putArray("probes");
    for (Stored<ProbeSpec> p : probes.values()) {
      ps.addObject().put("tenant", p.tenant()).set("body", p.body());
    }
    AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }

  static List<String> names(List<GroupSpec> groups) {
    List<String> out = new ArrayList<>();
    groups.forEach(g -> out.add(g.name()));
    return out;
  }
}
