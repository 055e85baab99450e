package io.lookout.alerting.rules;

import static io.lookout.alerting.rules.YamlNodes.at;
import static io.lookout.alerting.rules.YamlNodes.ordered;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.regex.GoRegex;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses the {@code probes} entries of rule files and probe bodies of the API into {@link ProbeSpec}s. */
final class ProbeParser {
  static final Set<String> PROBE_KEYS = ordered(
      "name", "url", "method", "interval", "timeout", "expect_status", "body_regex", "headers", "tls_skip_verify",
      "tenant");
  private static final Set<String> METHODS = ordered("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private ProbeParser() {}

  static ProbeSpec parse(YamlNodes y, JsonNode n, String path, String defaultTenant) throws AlertingConfigException {
    y.object(n, path);
    y.keys(n, path, PROBE_KEYS);
    String name = y.requiredString(n, path, "name");
    if (!YamlNodes.LABEL_NAME.matcher(name.replace('-', '_').replace('.', '_')).matches()) {
      throw y.error(at(path, "name"), "invalid probe name '" + name + "': use letters, digits, '_', '-' and '.'");
    }
    String url = y.requiredString(n, path, "url");
    java.net.URI uri;
    try {
      uri = java.net.URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw y.error(at(path, "url"), "invalid url '" + url + "': use an absolute http:// or https:// URL");
    }
    String method = n.has("method") ? y.string(n.get("method"), at(path, "method")).toUpperCase(Locale.ROOT) : "GET";
    if (!METHODS.contains(method)) {
      throw y.error(at(path, "method"), "unknown method '" + method + "': use one of " + String.join(", ", METHODS));
    }
    Duration interval = n.has("interval") ? y.positiveDuration(n.get("interval"), at(path, "interval")) : DEFAULT_INTERVAL;
    Duration timeout = n.has("timeout") ? y.positiveDuration(n.get("timeout"), at(path, "timeout"))
        : (interval.compareTo(DEFAULT_TIMEOUT) < 0 ? interval : DEFAULT_TIMEOUT);
    if (timeout.compareTo(interval) > 0) {
      throw y.error(at(path, "timeout"), "timeout " + Durations.format(timeout) + " is longer than the interval "
          + Durations.format(interval) + ": use a timeout up to the interval");
    }
    int expect = 0;
    if (n.has("expect_status")) {
      JsonNode e = n.get("expect_status");
      if (!e.canConvertToInt() || e.asInt() < 100 || e.asInt() > 599) {
        throw y.error(at(path, "expect_status"), "expected an HTTP status from 100 to 599 (leave out for any 2xx)");
      }
      expect = e.asInt();
    }
    Pattern body = null;
    if (n.has("body_regex")) {
      String re = y.string(n.get("body_regex"), at(path, "body_regex"));
      String repeat = GoRegex.repeatProblem(re); // before RE2/J expands it
      if (repeat != null) {
        throw y.error(at(path, "body_regex"), "invalid regular expression: " + repeat);
      }
      try {
        body = Pattern.compile(re);
      } catch (PatternSyntaxException e) {
        throw y.error(at(path, "body_regex"), "invalid regular expression: " + e.getDescription());
      }
    }
    boolean skip = false;
    if (n.has("tls_skip_verify")) {
      if (!n.get("tls_skip_verify").isBoolean()) {
        throw y.error(at(path, "tls_skip_verify"), "expected true or false");
      }
      skip = n.get("tls_skip_verify").asBoolean();
    }
    String tenant = defaultTenant;
    if (n.has("tenant")) {
      try {
        tenant = Tenant.resolve(y.string(n.get("tenant"), at(path, "tenant")));
      } catch (LookoutException e) {
        throw y.error(at(path, "tenant"), e.getMessage());
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = n.get("headers");
    if (h != null && !h.isNull()) {
      y.object(h, at(path, "headers"));
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        headers.put(e.getKey(), y.string(e.getValue(), at(path, "headers") + "." + e.getKey()));
      }
    }
    return new ProbeSpec(name, tenant, url, method, interval, timeout, expect, body, headers, skip, y.source());
  }
}
