package io.lookout.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.Span;
import io.lookout.model.spi.Trace;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JaegerJsonTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static JsonObject render(Span... spans) {
    return new JsonObject(JaegerJson.envelope(JaegerJson.traces(List.of(new Trace(TRACE, List.of(spans), false))), 0,
        null)).getJsonArray("data").getJsonObject(0);
  }

  private static Span span(String id, int kind, long start, long end, Map<String, Object> attrs,
      Map<String, Object> resource) {
    return new Span(TRACE, id, "", "", "op", kind, start, end, 0, "", "svc", attrs, resource, "", List.of(), List.of());
  }

  private static JsonObject tag(String key, String type, Object value) {
    return new JsonObject().put("key", key).put("type", type).put("value", value);
  }

  @Test
  void timesAreTruncatedToMicroseconds() {
    JsonObject s = render(span("0000000000000001", 0, 1_999, 3_998, Map.of(), Map.of()))
        .getJsonArray("spans").getJsonObject(0);

    assertThat(s.getLong("startTime")).isEqualTo(1);
    assertThat(s.getLong("duration")).isEqualTo(1);
    assertThat(JaegerJson.micros(1_767_365_400_123_456_789L)).isEqualTo(1_767_365_400_123_456L);
  }

  @Test
  void attributeValuesGetJaegerTypes() {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("s", "x");
    attrs.put("b", false);
    attrs.put("l", 7L);
    attrs.put("i", 3);
    attrs.put("d", 0.5);
    attrs.put("big", new BigInteger("12"));
    attrs.put("dec", new BigDecimal("1.25"));
    attrs.put("nan", Double.NaN);
    attrs.put("list", List.of(1L, "a"));
    attrs.put("map", Map.of("k", "v"));

    JsonArray tags = render(span("0000000000000001", 0, 0, 0, attrs, Map.of()))
        .getJsonArray("spans").getJsonObject(0).getJsonArray("tags");

    assertThat(tags).isEqualTo(new JsonArray()
        .add(tag("s", "string", "x"))
        .add(tag("b", "bool", false))
        .add(tag("l", "int64", 7))
        .add(tag("i", "int64", 3))
        .add(tag("d", "float64", 0.5))
        .add(tag("big", "int64", 12))
        .add(tag("dec", "float64", 1.25))
        .add(tag("nan", "string", "NaN"))
        .add(tag("list", "string", "[1,\"a\"]"))
        .add(tag("map", "string", "{\"k\":\"v\"}")));
  }

  @Test
  void unspecifiedKindAndUnsetStatusAddNoTags() {
    JsonObject s = render(span("0000000000000001", 0, 0, 10_000, Map.of(), Map.of()))
        .getJsonArray("spans").getJsonObject(0);

    assertThat(s.getJsonArray("tags")).isEmpty();
    assertThat(s.getJsonArray("references")).isEmpty();
    assertThat(s.getJsonArray("logs")).isEmpty();
  }

  @Test
  void processesAreDedupedPerServiceAndResourceInOrderOfFirstAppearance() {
    Map<String, Object> a = Map.of("service.name", "svc", "host.name", "a");
    Map<String, Object> b = Map.of("service.name", "svc", "host.name", "b");

    JsonObject t = render(span("0000000000000001", 2, 0, 1, Map.of(), b), span("0000000000000002", 2, 1, 2, Map.of(), a),
        span("0000000000000003", 2, 2, 3, Map.of(), new LinkedHashMap<>(b)));

    assertThat(t.getJsonArray("spans").stream().map(o -> ((JsonObject) o).getString("processID")))
        .containsExactly("p1", "p2", "p1");
    assertThat(t.getJsonObject("processes")).isEqualTo(new JsonObject()
        .put("p1", new JsonObject().put("serviceName", "svc").put("tags", new JsonArray().add(tag("host.name", "string", "b"))))
        .put("p2", new JsonObject().put("serviceName", "svc").put("tags", new JsonArray().add(tag("host.name", "string", "a")))));
  }

  @Test
  void envelopeErrorsOmitZeroCodesAndNullTraceIds() {
    JsonObject j = new JsonObject(JaegerJson.envelope(g -> g.writeNull(), 0,
        List.of(new JaegerJson.Error(0, "partial", "ab"), new JaegerJson.Error(400, "bad", null))));

    assertThat(j).isEqualTo(new JsonObject().putNull("data").put("total", 0).put("limit", 0).put("offset", 0)
        .put("errors", new JsonArray().add(new JsonObject().put("msg", "partial").put("traceID", "ab"))
            .add(new JsonObject().put("code", 400).put("msg", "bad"))));
  }

  @Test
  void kindNamesAreJaegers() {
    assertThat(List.of(0, 1, 2, 3, 4, 5, 9).stream().map(JaegerJson::kind))
        .containsExactly("", "internal", "server", "client", "producer", "consumer", "");
  }
}
