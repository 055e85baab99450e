package io.lookout.ingest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts OTLP {@code AnyValue}s to plain Java values and to JSON text. */
public final class AnyValues {
  private static final JsonFactory JSON = new JsonFactory();

  private AnyValues() {}

  /**
   * Attributes as an ordered map of Java values (String, Long, Double, Boolean, List, Map; bytes
   * as base64). Keys without a value are left out; a repeated key keeps its last value.
   */
  public static Map<String, Object> attributes(List<KeyValue> kvs) {
    if (kvs.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>(kvs.size() * 2);
    for (KeyValue kv : kvs) {
      Object v = toJava(kv.getValue());
      if (v != null) {
        out.put(kv.getKey(), v);
      }
    }
    return out;
  }

  /** The Java value of an AnyValue; null when no value is set. */
  public static Object toJava(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        List<Object> list = new ArrayList<>(v.getArrayValue().getValuesCount());
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          Object j = toJava(e);
          if (j != null) {
            list.add(j);
          }
        }
        yield list;
      }
      case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
      // string_value_strindex points into a profiles dictionary that logs and traces do not have
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> null;
    };
  }

  /** A body as text: strings as they are, every other kind as JSON; empty when unset. */
  public static String bodyText(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> "";
      default -> toJson(v);
    };
  }

  /** JSON text of an AnyValue (kvlists as objects, bytes as base64 strings, unset as null). */
  public static String toJson(AnyValue v) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      write(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void write(JsonGenerator g, AnyValue v) throws IOException {
    switch (v.getValueCase()) {
      case STRING_VALUE -> g.writeString(v.getStringValue());
      case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
      case INT_VALUE -> g.writeNumber(v.getIntValue());
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isFinite(d)) {
          g.writeNumber(d);
        } else {
          g.writeString(Double.toString(d)); // JSON has no NaN or Infinity
        }
      }
      case BYTES_VALUE -> g.writeString(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        g.writeStartArray();
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          write(g, e);
        }
        g.writeEndArray();
      }
      case KVLIST_VALUE -> {
        g.writeStartObject();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          g.writeFieldName(kv.getKey());
          write(g, kv.getValue());
        }
        g.writeEndObject();
      }
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> g.writeNull();
    }
  }
}
