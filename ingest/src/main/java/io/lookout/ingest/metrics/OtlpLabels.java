package io.lookout.ingest.metrics;

import io.lookout.ingest.internal.AnyValues;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** OTLP attributes, values and exemplars as Prometheus labels. */
final class OtlpLabels {
  /** OpenMetrics' limit on the combined length of an exemplar's label names and values. */
  static final int EXEMPLAR_LABEL_CHARS = 128;

  private static final HexFormat HEX = HexFormat.of();

  private OtlpLabels() {}

  /**
   * Attributes as label pairs (in no particular order): names sanitised; when several keys map to
   * the same name, their values joined with {@code ;} in the order of the original keys; keys
   * that sanitise to nothing and empty values left out.
   */
  static Map<String, String> of(List<KeyValue> attributes) {
    if (attributes.isEmpty()) {
      return Map.of();
    }
    TreeMap<String, String> byKey = new TreeMap<>();
    for (KeyValue kv : attributes) {
      byKey.put(kv.getKey(), valueString(kv.getValue()));
    }
    Map<String, String> out = new LinkedHashMap<>();
    byKey.forEach((key, value) -> {
      String name = PrometheusNames.labelName(key);
      if (name.isEmpty() || value.isEmpty()) {
        return;
      }
      out.merge(name, value, (a, b) -> a + ";" + b);
    });
    return out;
  }

  /**
   * An attribute value as a string, following the attribute specification: strings as they are,
   * booleans and integers in decimal, doubles in their shortest exact form, bytes as base64,
   * arrays and maps as JSON.
   */
  static String valueString(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> PrometheusNames.formatFloat(v.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> AnyValues.toJson(v);
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> "";
    };
  }

  /**
   * An OTLP exemplar: {@code trace_id} and {@code span_id} in lowercase hex, the filtered
   * attributes as labels unless all together they exceed {@value #EXEMPLAR_LABEL_CHARS}
   * characters (then the ids alone), timestamp in milliseconds.
   */
  static Exemplar exemplar(io.opentelemetry.proto.metrics.v1.Exemplar e) {
    Labels.Builder b = Labels.builder();
    Map<String, String> filtered = of(e.getFilteredAttributesList());
    int chars = 0;
    for (Map.Entry<String, String> en : filtered.entrySet()) {
      chars += en.getKey().codePointCount(0, en.getKey().length());
      chars += en.getValue().codePointCount(0, en.getValue().length());
    }
    String traceId = e.getTraceId().isEmpty() ? "" : HEX.formatHex(e.getTraceId().toByteArray());
    String spanId = e.getSpanId().isEmpty() ? "" : HEX.formatHex(e.getSpanId().toByteArray());
    if (!traceId.isEmpty()) {
      chars += Exemplar.TRACE_ID.length() + traceId.length();
    }
    if (!spanId.isEmpty()) {
      chars += Exemplar.SPAN_ID.length() + spanId.length();
    }
    if (chars <= EXEMPLAR_LABEL_CHARS) {
      filtered.forEach(b::put);
    }
    b.put(Exemplar.TRACE_ID, traceId).put(Exemplar.SPAN_ID, spanId);
    double value = switch (e.getValueCase()) {
      case AS_INT -> (double) e.getAsInt();
      case AS_DOUBLE -> e.getAsDouble();
      case VALUE_NOT_SET -> 0;
    };
    return new Exemplar(b.build(), value, e.getTimeUnixNano() / 1_000_000L);
  }

  static List<Exemplar> exemplars(List<io.opentelemetry.proto.metrics.v1.Exemplar> list) {
    if (list.isEmpty()) {
      return List.of();
    }
    List<Exemplar> out = new ArrayList<>(list.size());
    for (var e : list) {
      out.add(exemplar(e));
    }
    return out;
  }
}
