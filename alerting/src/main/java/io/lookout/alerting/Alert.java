package io.lookout.alerting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alert instance as the rule engine hands it to notification: the identity is the tenant plus
 * the label set; {@code endsAt} is null while the alert fires and set once it resolved.
 */
public record Alert(
    String tenant,
    Map<String, String> labels,
    Map<String, String> annotations,
    Instant startsAt,
    Instant endsAt,
    String generatorUrl) {

  public Alert {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(startsAt, "startsAt");
    labels = Map.copyOf(new TreeMap<>(labels));
    annotations = Map.copyOf(annotations);
    generatorUrl = generatorUrl == null ? "" : generatorUrl;
  }

  /** Whether the alert has resolved (its {@code endsAt} is set). */
  public boolean resolved() {
    return endsAt != null;
  }

  /** The alert name label, or "" when absent. */
  public String name() {
    return labels.getOrDefault("alertname", "");
  }

  /** Stable hex id of tenant + sorted label set: the same alert always has the same fingerprint. */
  public String fingerprint() {
    return fingerprint(tenant, labels);
  }

  public static String fingerprint(String tenant, Map<String, String> labels) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(tenant.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0xff);
      for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0xfe);
        md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0xff);
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
