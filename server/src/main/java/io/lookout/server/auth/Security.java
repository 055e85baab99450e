package io.lookout.server.auth;

import io.lookout.ingest.IngestAuth;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication, authorisation and TLS of the server, built once from the environment. The
 * server calls {@link #install(Router)} on the API router before mounting anything else, passes
 * {@link #ingestAuth()} to the OTLP and remote_write receivers, and {@link #secure} to every
 * listener's options.
 */
public final class Security implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Security.class);

  private final AuthConfig config;
  private final TlsConfig tls;
  private final AccessPolicy policy;
  private final TokenStore tokens;
  private final OidcVerifier oidc;
  private final Sessions sessions;
  private final Authenticator authenticator;
  private final AuditLog audit;

  private Security(AuthConfig config, TlsConfig tls, AccessPolicy policy, TokenStore tokens, OidcVerifier oidc,
      Sessions sessions, Authenticator authenticator, AuditLog audit) {
    this.audit = audit;
    this.config = config;
    this.tls = tls;
    this.policy = policy;
    this.tokens = tokens;
    this.oidc = oidc;
    this.sessions = sessions;
    this.authenticator = authenticator;
  }

  /**
   * Reads {@code LOOKOUT_AUTH}, the token and OIDC settings and {@code LOOKOUT_TLS_*}; loads the
   * token table and starts watching its file.
   *
   * @throws io.lookout.model.LookoutException bad_data for invalid settings (the server exits 2)
   */
  public static Security start(Vertx vertx, Map<String, String> env, PrometheusRegistry registry, Path dataDir) {
    AuthConfig config = AuthConfig.fromEnv(env);
    TlsConfig tls = TlsConfig.fromEnv(env);
    AccessPolicy policy = AccessPolicy.standard(config.metricsRole());
    if (!config.enabled()) {
      LOG.warn("AUTHENTICATION IS OFF (LOOKOUT_AUTH=none): every request is trusted and the tenant is whatever"
          + " the client sends in X-Scope-OrgID. Use LOOKOUT_AUTH=token or oidc anywhere but a laptop.");
      return new Security(config, tls, policy, null, null, null, null, null);
    }
    AuditLog audit = new AuditLog(Clock.systemUTC(), registry);
    TokenStore tokens = config.tokens() ? new TokenStore(config, registry, audit) : null;
    if (tokens != null) {
      tokens.watch(vertx, config.tokensReload());
    }
    OidcVerifier oidc = config.oidc() ? new OidcVerifier(vertx, config.oidcSettings(), registry) : null;
    // browser sessions survive restarts: they are kept (hashed) under the data directory
    Sessions sessions = config.oidc()
        ? new Sessions(config.oidcSettings().sessionTtl(), Clock.systemUTC(),
            dataDir.resolve("auth").resolve("sessions.jsonl"))
        : null;
    if (oidc != null) {
      oidc.metadata(); // fetch discovery and keys early; failures are retried on demand
    }
    LOG.info("authentication on: {}{}; tls {}", config.tokens() ? "tokens" : "",
        config.oidc() ? (config.tokens() ? " + " : "") + "oidc (" + config.oidcSettings().issuer() + ")" : "",
        tls.enabled() ? (tls.clientCa() != null ? "on, mutual on ingest ports" : "on") : "off");
    return new Security(config, tls, policy, tokens, oidc, sessions, new Authenticator(tokens, oidc, sessions, registry),
        audit);
  }

  /** Installs the global auth handler first on {@code router}, then the auth routes. Call before any other mount. */
  public void install(Router router) {
    if (authenticator != null) {
      router.route().order(Integer.MIN_VALUE).handler(new AuthHandler(policy, authenticator, oidc != null, audit));
    }
    if (oidc != null) {
      new OidcLogin(oidc, sessions, tls.enabled(), audit).mount(router);
    }
    new AuthRoutes(policy, router).mount();
  }

  /** What the ingest receivers ask for each request: the token table, or trust X-Scope-OrgID when auth is off. */
  public IngestAuth ingestAuth() {
    return authenticator == null ? IngestAuth.TRUST_ORG_ID : authenticator;
  }

  /** Adds TLS to a listener's options when configured ({@code ingestPort}: mutual TLS when a client CA is set). */
  public HttpServerOptions secure(HttpServerOptions options, boolean ingestPort) {
    return tls.apply(options, ingestPort);
  }

  public AuthConfig config() {
    return config;
  }

  public AccessPolicy policy() {
    return policy;
  }

  @Override
  public void close() {
    if (tokens != null) {
      tokens.close();
    }
    if (sessions != null) {
      sessions.close();
    }
  }
}
