package io.lookout.server.auth;

import io.lookout.model.LookoutException;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS on every port from PEM files.
 *
 * @param cert {@code LOOKOUT_TLS_CERT}: PEM certificate chain; null for plain text
 * @param key {@code LOOKOUT_TLS_KEY}: PEM private key (PKCS#8 or PKCS#1), with {@code cert}
 * @param clientCa {@code LOOKOUT_TLS_CLIENT_CA}: PEM CA bundle; when set, the ingest ports (OTLP
 *     gRPC and HTTP) require client certificates signed by it (mutual TLS for agents)
 */
public record TlsConfig(Path cert, Path key, Path clientCa) {
  public static TlsConfig fromEnv(Map<String, String> env) {
    Path cert = file(env, "LOOKOUT_TLS_CERT");
    Path key = file(env, "LOOKOUT_TLS_KEY");
    Path ca = file(env, "LOOKOUT_TLS_CLIENT_CA");
    if ((cert == null) != (key == null)) {
      throw LookoutException.badData("TLS needs both LOOKOUT_TLS_CERT and LOOKOUT_TLS_KEY (PEM files), or neither");
    }
    if (ca != null && cert == null) {
      throw LookoutException.badData("LOOKOUT_TLS_CLIENT_CA needs TLS: set LOOKOUT_TLS_CERT and LOOKOUT_TLS_KEY too");
    }
    return new TlsConfig(cert, key, ca);
  }

  public boolean enabled() {
    return cert != null;
  }

  /** Adds TLS (ALPN for HTTP/2 and gRPC) to a listener's options; mutual TLS on ingest ports when configured. */
  public HttpServerOptions apply(HttpServerOptions options, boolean ingestPort) {
    if (!enabled()) {
      return options;
    }
    options.setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
    if (ingestPort && clientCa != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(clientCa.toString())).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  private static Path file(Map<String, String> env, String name) {
    String v = AuthConfig.blankToNull(env.get(name));
    if (v == null) {
      return null;
    }
    Path p = Path.of(v);
    if (!Files.isReadable(p)) {
      throw LookoutException.badData("cannot read " + name + " " + v + ": give a readable PEM file");
    }
    return p;
  }
}
