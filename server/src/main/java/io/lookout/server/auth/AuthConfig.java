package io.lookout.server.auth;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Authentication settings, read once from the environment at start; bad values fail the start
 * (exit 2) with a message naming the variable.
 *
 * @param tokens {@code LOOKOUT_AUTH} contains {@code token}: API tokens from the token table
 * @param oidc {@code LOOKOUT_AUTH} contains {@code oidc}: JWTs of the issuer and browser sessions
 * @param tokensFile {@code LOOKOUT_TOKENS_FILE}: YAML token table, reloaded when it changes; null for none
 * @param tokensInline {@code LOOKOUT_TOKENS}: the same YAML inline; null for none
 * @param tokensReload {@code LOOKOUT_TOKENS_RELOAD_INTERVAL} (5s): how often the file is checked
 * @param metricsRole {@code LOOKOUT_AUTH_METRICS_ROLE} (viewer): what {@code GET /metrics} needs
 * @param oidcSettings the issuer settings; null unless {@code oidc}
 */
public record AuthConfig(boolean tokens, boolean oidc, Path tokensFile, String tokensInline, Duration tokensReload,
    Role metricsRole, OidcSettings oidcSettings) {
  public static final String AUTH_ENV = "LOOKOUT_AUTH";
  public static final String TOKENS_FILE_ENV = "LOOKOUT_TOKENS_FILE";
  public static final String TOKENS_ENV = "LOOKOUT_TOKENS";
  public static final String TOKENS_RELOAD_ENV = "LOOKOUT_TOKENS_RELOAD_INTERVAL";
  public static final String METRICS_ROLE_ENV = "LOOKOUT_AUTH_METRICS_ROLE";

  /** Authentication off: every request trusted, tenants from {@code X-Scope-OrgID}. */
  public static AuthConfig none() {
    return new AuthConfig(false, false, null, null, Duration.ofSeconds(5), Role.VIEWER, null);
  }

  /** True when any authentication is on. */
  public boolean enabled() {
    return tokens || oidc;
  }

  public static AuthConfig fromEnv(Map<String, String> env) {
    String mode = env.getOrDefault(AUTH_ENV, "none").trim().toLowerCase(Locale.ROOT);
    boolean tokens = false;
    boolean oidc = false;
    if (!mode.isEmpty() && !mode.equals("none")) {
      for (String part : mode.split(",")) {
        switch (part.trim()) {
          case "token" -> tokens = true;
          case "oidc" -> oidc = true;
          default -> throw LookoutException.badData("invalid " + AUTH_ENV + " '" + env.get(AUTH_ENV)
              + "': use none, token, oidc or token,oidc");
        }
      }
    }
    String file = blankToNull(env.get(TOKENS_FILE_ENV));
    String inline = blankToNull(env.get(TOKENS_ENV));
    if (tokens && file == null && inline == null) {
      throw LookoutException.badData(AUTH_ENV + "=token needs tokens: set " + TOKENS_FILE_ENV
          + " (a YAML file of {tenant, role, sha256}) or " + TOKENS_ENV + " (the same YAML inline)");
    }
    Duration reload = duration(env, TOKENS_RELOAD_ENV, "5s");
    if (reload.compareTo(Duration.ofMillis(100)) < 0) {
      throw LookoutException.badData("invalid " + TOKENS_RELOAD_ENV + ": use at least 100ms");
    }
    String metrics = env.getOrDefault(METRICS_ROLE_ENV, "viewer").trim().toLowerCase(Locale.ROOT);
    Role metricsRole = switch (metrics) {
      case "public" -> Role.PUBLIC;
      case "viewer" -> Role.VIEWER;
      case "admin" -> Role.ADMIN;
      default -> throw LookoutException.badData("invalid " + METRICS_ROLE_ENV + " '" + metrics
          + "': use public, viewer or admin");
    };
    return new AuthConfig(tokens, oidc, file == null ? null : Path.of(file), inline, reload, metricsRole,
        oidc ? OidcSettings.fromEnv(env) : null);
  }

  static Duration duration(Map<String, String> env, String name, String dflt) {
    String raw = env.get(name);
    return Duration.ofNanos(TimeParser.parseDuration(name, raw == null || raw.isBlank() ? dflt : raw.trim()));
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
