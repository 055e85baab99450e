package io.lookout.alerting.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed reads of YAML/JSON nodes for the rule and probe parsers: every failure is an
 * {@link AlertingConfigException} naming the source, the YAML path, what was wrong and what is allowed.
 */
final class YamlNodes {
  static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final String source;

  YamlNodes(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  Duration duration(JsonNode n, String path) throws AlertingConfigException {
    if (n == null || !(n.isTextual() || n.isNumber())) {
      throw error(path, "expected a duration such as 30s, 5m or 1h30m");
    }
    try {
      return Duration.ofNanos(TimeParser.parseDuration(path, n.asText()));
    } catch (LookoutException e) {
      throw error(path, "invalid duration '" + n.asText() + "': use a duration such as 30s, 5m or 1h30m");
    }
  }

  Duration positiveDuration(JsonNode n, String path) throws AlertingConfigException {
    Duration d = duration(n, path);
    if (d.isZero()) {
      throw error(path, "must be longer than 0s");
    }
    return d;
  }

  JsonNode required(JsonNode n, String path, String key) throws AlertingConfigException {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw error(path.isEmpty() ? key : path, "missing required key '" + key + "'");
    }
    return v;
  }

  String requiredString(JsonNode n, String path, String key) throws AlertingConfigException {
    return string(required(n, path, key), at(path, key));
  }

  String string(JsonNode n, String path) throws AlertingConfigException {
    if (n == null || !n.isValueNode() || n.isNull()) {
      throw error(path, "expected a string");
    }
    return n.asText();
  }

  void object(JsonNode n, String path) throws AlertingConfigException {
    if (n == null || !n.isObject()) {
      throw error(path.isEmpty() ? "(root)" : path, "expected a mapping (key: value pairs)");
    }
  }

  void array(JsonNode n, String path) throws AlertingConfigException {
    if (!n.isArray()) {
      throw error(path, "expected a list");
    }
  }

  void keys(JsonNode n, String path, Set<String> allowed) throws AlertingConfigException {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw error(at(path, k), "unknown key '" + k + "': allowed keys are " + String.join(", ", allowed));
      }
    }
  }

  static String at(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  AlertingConfigException error(String path, String message) {
    return new AlertingConfigException(source + ": " + path + ": " + message);
  }

  static Set<String> ordered(String... s) {
    return new java.util.LinkedHashSet<>(List.of(s));
  }
}
