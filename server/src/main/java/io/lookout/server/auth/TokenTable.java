package io.lookout.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable table of API tokens, stored as SHA-256 hashes only:
 *
 * <pre>
 * tokens:
 *   - {tenant: acme, role: ingest, sha256: "&lt;hex sha256 of the token&gt;", name: ci-agent}
 *   - {tenant: acme, roles: [viewer, ingest], sha256: "..."}
 * </pre>
 *
 * {@code name} (optional) identifies the token in logs; {@code roles} may replace {@code role}.
 * Lookups hash the presented token and find the hash in a hash map: the cost does not grow with
 * the table (one SHA-256, ~0.2 µs), and the timing depends only on the SHA-256 of what was
 * presented, which tells an attacker nothing about the tokens (as with any look-up by token hash).
 */
public final class TokenTable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> KEYS = Set.of("tenant", "role", "roles", "sha256", "name");
  private static final HexFormat HEX = HexFormat.of();

  record Entry(String name, String tenant, Set<Role> roles, byte[] sha256) {}

  private final List<Entry> entries;
  private final Map<ByteBuffer, Entry> byHash;

  private TokenTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    Map<ByteBuffer, Entry> m = new HashMap<>();
    for (Entry e : this.entries) {
      m.put(ByteBuffer.wrap(e.sha256()), e); // on a token in both tables, the file (added last) wins, as before
    }
    this.byHash = Map.copyOf(m);
  }

  public static TokenTable empty() {
    return new TokenTable(List.of());
  }

  public int size() {
    return entries.size();
  }

  /** The union of two tables (the inline one and the file). */
  public TokenTable plus(TokenTable other) {
    List<Entry> all = new ArrayList<>(entries);
    all.addAll(other.entries);
    return new TokenTable(all);
  }

  /**
   * Parses the YAML table.
   *
   * @param source names the origin in messages (a variable or a file)
   * @throws LookoutException bad_data naming the source, the entry and what is allowed
   */
  public static TokenTable parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw LookoutException.badData("invalid token table in " + source + ": not YAML (line "
          + lineOf(e) + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return empty();
    }
    JsonNode list = root.get("tokens");
    if (!root.isObject() || list == null || !list.isArray() || root.size() != 1) {
      throw LookoutException.badData("invalid token table in " + source
          + ": expected a single key 'tokens' with a list of {tenant, role, sha256}");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    int i = 0;
    for (JsonNode n : list) {
      String where = source + " tokens[" + i++ + "]";
      if (!n.isObject()) {
        throw LookoutException.badData("invalid " + where + ": expected {tenant, role, sha256}");
      }
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!KEYS.contains(k)) {
          throw LookoutException.badData("invalid " + where + ": unknown key '" + k
              + "', allowed are tenant, role, roles, sha256, name");
        }
      }
      String tenant = text(n, "tenant");
      if (tenant == null) {
        throw LookoutException.badData("invalid " + where + ": 'tenant' is required");
      }
      try {
        tenant = Tenant.resolve(tenant);
      } catch (LookoutException e) {
        throw LookoutException.badData("invalid " + where + ": tenant: " + e.getMessage());
      }
      Set<Role> roles = EnumSet.noneOf(Role.class);
      if (text(n, "role") != null) {
        roles.add(role(where, text(n, "role")));
      }
      JsonNode many = n.get("roles");
      if (many != null) {
        if (!many.isArray()) {
          throw LookoutException.badData("invalid " + where + ": 'roles' must be a list");
        }
        for (JsonNode r : many) {
          roles.add(role(where, r.asText()));
        }
      }
      if (roles.isEmpty()) {
        throw LookoutException.badData("invalid " + where + ": 'role' is required (ingest, viewer, editor or admin)");
      }
      String hex = text(n, "sha256");
      if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
        throw LookoutException.badData("invalid " + where
            + ": 'sha256' must be the 64 hex digits of the token's SHA-256 (e.g. printf %s TOKEN | sha256sum)");
      }
      hex = hex.toLowerCase(java.util.Locale.ROOT);
      if (!seen.add(hex)) {
        throw LookoutException.badData("invalid " + where + ": the same sha256 appears twice");
      }
      String name = text(n, "name");
      entries.add(new Entry(name == null ? "token:" + hex.substring(0, 8) : name, tenant, roles, HEX.parseHex(hex)));
    }
    return new TokenTable(entries);
  }

  /** The principal of a presented token, or null when no entry matches. Never logs the token. */
  public Principal authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    Entry found = byHash.get(ByteBuffer.wrap(sha256(token)));
    return found == null ? null : new Principal(found.name(), found.tenant(), found.roles(), "token");
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Hex SHA-256 of a token, as the table stores it. */
  public static String hash(String token) {
    return HEX.formatHex(sha256(token));
  }

  private static Role role(String where, String s) {
    Role r = Role.ofCredential(s);
    if (r == null) {
      throw LookoutException.badData("invalid " + where + ": unknown role '" + s
          + "', allowed are ingest, viewer, editor, admin");
    }
    return r;
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
  }

  private static String lineOf(IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
      return Integer.toString(j.getLocation().getLineNr());
    }
    return "?";
  }
}
