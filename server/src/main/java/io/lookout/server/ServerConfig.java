package io.lookout.server;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.util.Map;

/**
 * Listener and lifecycle settings of the server process, read once from the environment.
 *
 * @param bindAddress address every listener binds ({@code LOOKOUT_BIND_ADDRESS}, default
 *     0.0.0.0)
 * @param httpPort HTTP API, UI, /metrics, /healthz ({@code LOOKOUT_HTTP_PORT}, 8080)
 * @param otlpGrpcPort OTLP/gRPC ({@code LOOKOUT_OTLP_GRPC_PORT}, 4317)
 * @param otlpHttpPort OTLP/HTTP ({@code LOOKOUT_OTLP_HTTP_PORT}, 4318)
 * @param shutdownTimeoutMillis how long SIGTERM waits for in-flight requests
 *     ({@code LOOKOUT_SHUTDOWN_TIMEOUT}, 5s; commit and close follow)
 */
public record ServerConfig(
    String bindAddress, int httpPort, int otlpGrpcPort, int otlpHttpPort, long shutdownTimeoutMillis) {

  public static ServerConfig fromEnv(Map<String, String> env) {
    return new ServerConfig(
        env.getOrDefault("LOOKOUT_BIND_ADDRESS", "0.0.0.0"),
        port(env, "LOOKOUT_HTTP_PORT", 8080),
        port(env, "LOOKOUT_OTLP_GRPC_PORT", 4317),
        port(env, "LOOKOUT_OTLP_HTTP_PORT", 4318),
        TimeParser.parseDuration("LOOKOUT_SHUTDOWN_TIMEOUT", env.getOrDefault("LOOKOUT_SHUTDOWN_TIMEOUT", "5s"))
            / 1_000_000L);
  }

  static int port(Map<String, String> env, String name, int defaultPort) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return defaultPort;
    }
    try {
      int p = Integer.parseInt(v.trim());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw LookoutException.badData(
        "invalid " + name + " '" + v + "': use a port number 1-65535 (0 picks a free port)");
  }
}
