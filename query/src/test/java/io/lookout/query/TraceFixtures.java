package io.lookout.query;

import io.lookout.model.Span;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A three-process, two-service trace (frontend calls payments, which fails; an event and a link)
 * shared by the native and Jaeger API tests, and the JSON fixtures under {@code /jaeger}.
 */
final class TraceFixtures {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String OTHER_TRACE = "0af7651916cd43dd8448eb211c80319c";
  /** 2026-01-02T14:50:00Z, ten minutes before {@link TestServer#NOW}. */
  static final long T0 = TestServer.NOW_NANOS - 600_000_000_000L;
  static final long MS = 1_000_000L;

  private TraceFixtures() {}

  static List<Span> checkoutTrace() {
    Map<String, Object> web1 = ordered("service.name", "frontend", "host.name", "web-1");
    Map<String, Object> web2 = ordered("service.name", "frontend", "host.name", "web-2");
    Map<String, Object> pay1 = ordered("service.name", "payments", "host.name", "pay-1", "process.pid", 4242L);
    Span root = new Span(TRACE, "a000000000000001", "", "", "GET /checkout", 2, T0, T0 + 50 * MS, 0, "",
        "frontend", ordered("http.method", "GET", "http.status_code", 200L), web1, "io.opentelemetry.http",
        List.of(), List.of());
    Span call = new Span(TRACE, "a000000000000002", "a000000000000001", "", "POST /pay", 3, T0 + MS,
        T0 + 41_500_000, 0, "", "frontend", ordered("peer.service", "payments"), web1, "io.opentelemetry.http",
        List.of(), List.of());
    Span charge = new Span(TRACE, "b000000000000003", "a000000000000002", "vendor=x", "charge", 2,
        T0 + 2_000_500, T0 + 40 * MS, 2, "card declined", "payments",
        ordered("retry", true, "amount", 12.5, "cards", List.of("visa", 2L)), pay1, "",
        List.of(new Span.Event(T0 + 30_001_500, "exception", Map.of("exception.type", "CardError"))),
        List.of(new Span.Link(OTHER_TRACE, "c000000000000004", "", Map.of("kind", "batch"))));
    Span render = new Span(TRACE, "a000000000000005", "a000000000000001", "", "render", 1, T0 + 45 * MS,
        T0 + 46 * MS, 1, "", "frontend", Map.of(), web2, "", List.of(), List.of());
    return List.of(root, call, charge, render);
  }

  static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static JsonObject fixture(String name) {
    try (InputStream in = TraceFixtures.class.getResourceAsStream("/jaeger/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + name);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
