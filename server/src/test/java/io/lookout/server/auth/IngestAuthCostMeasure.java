package io.lookout.server.auth;

import io.lookout.ingest.IngestAuth;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test (no assertions, not run by Surefire): CPU time of one ingest authentication, what
 * each OTLP/remote_write request pays with {@code LOOKOUT_AUTH=token}, against the trusting
 * default. Thread CPU time, so that other processes on the machine do not count.
 *
 * <pre>
 * java -cp server/target/test-classes:server/target/classes:$(cat server.cp) \
 *   io.lookout.server.auth.IngestAuthCostMeasure [iterations]
 * </pre>
 */
public final class IngestAuthCostMeasure {
  private IngestAuthCostMeasure() {}

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    System.out.println("| token table entries | ns CPU per request (trust X-Scope-OrgID) | ns CPU per request (token) |");
    System.out.println("|---|---|---|");
    for (int entries : new int[] {1, 10, 100, 1000}) {
      StringBuilder yaml = new StringBuilder("tokens:\n");
      for (int i = 0; i < entries; i++) {
        yaml.append("  - {tenant: t").append(i % 10).append(", role: ingest, sha256: \"")
            .append(TokenTable.hash("token-" + i + "-7f3a9c0e1b2d")).append("\"}\n");
      }
      AuthConfig config = AuthConfig.fromEnv(Map.of("LOOKOUT_AUTH", "token", "LOOKOUT_TOKENS", yaml.toString()));
      PrometheusRegistry registry = new PrometheusRegistry();
      try (TokenStore store = new TokenStore(config, registry)) {
        Authenticator auth = new Authenticator(store, null, null, registry);
        String header = "Bearer token-" + (entries - 1) + "-7f3a9c0e1b2d";
        double trust = measure(cpu, iterations, () -> IngestAuth.TRUST_ORG_ID.authenticate(null, "acme").ok());
        double token = measure(cpu, iterations, () -> auth.authenticate(header, "acme").ok());
        System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f |%n", entries, trust, token);
      }
    }
  }

  private static double measure(ThreadMXBean cpu, int iterations, java.util.function.BooleanSupplier call) {
    int ok = 0;
    for (int i = 0; i < iterations; i++) { // warm-up: let the JIT compile the path
      ok += call.getAsBoolean() ? 1 : 0;
    }
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long start = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) {
        ok += call.getAsBoolean() ? 1 : 0;
      }
      best = Math.min(best, (cpu.getCurrentThreadCpuTime() - start) / (double) iterations);
    }
    if (ok != iterations * 6) {
      throw new IllegalStateException("a call was refused: " + (iterations * 6 - ok));
    }
    return best;
  }
}
