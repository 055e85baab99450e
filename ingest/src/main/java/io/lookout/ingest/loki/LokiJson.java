package io.lookout.ingest.loki;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Loki's JSON push body with a streaming parser (no tree is built):
 *
 * <pre>
 * {"streams": [{"stream": {"app": "api"},
 *               "values": [["1764151200000000000", "line"],
 *                          ["1764151200000000001", "line", {"trace_id": "..."}]]}]}
 * </pre>
 *
 * Timestamps are Unix nanoseconds as a decimal string (an integer JSON number is accepted too);
 * the optional third element is the structured metadata, string values only. Label names follow
 * Prometheus. Unknown object keys are skipped; anything else is refused naming the stream and entry.
 */
public final class LokiJson {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();
  private static final String FORMAT = "; the body must be {\"streams\":[{\"stream\":{\"label\":\"value\"},"
      + "\"values\":[[\"<unix nanoseconds>\",\"<line>\",{optional structured metadata}]]}]}";

  private LokiJson() {}

  /**
   * Decodes a JSON push body; an empty body is an empty push.
   *
   * @param observedNanos the receive time (observed time of every record)
   * @throws LookoutException bad_data naming the stream (and entry) and what is wrong
   */
  public static List<LogRecord> decode(byte[] data, int length, long observedNanos) {
    List<LogRecord> out = new ArrayList<>();
    if (isBlank(data, length)) {
      return out;
    }
    int[] where = {-1};
    try (JsonParser p = FACTORY.createParser(data, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw LookoutException.badData("push body is not a JSON object" + FORMAT);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!field.equals("streams")) {
          p.skipChildren();
          continue;
        }
        if (t == JsonToken.VALUE_NULL) {
          continue;
        }
        if (t != JsonToken.START_ARRAY) {
          throw LookoutException.badData("\"streams\" must be an array" + FORMAT);
        }
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          where[0] = index;
          stream(p, index++, observedNanos, out);
        }
      }
      if (p.nextToken() != null) {
        throw LookoutException.badData("unexpected data after the JSON object" + FORMAT);
      }
    } catch (JsonProcessingException e) {
      String at = where[0] >= 0 ? " in stream " + where[0] : "";
      throw LookoutException.badData("invalid JSON push body" + at + ": " + e.getOriginalMessage() + FORMAT);
    } catch (IOException e) {
      throw LookoutException.badData("cannot read JSON push body: " + e.getMessage());
    }
    return out;
  }

  private static void stream(JsonParser p, int index, long observed, List<LogRecord> out) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw LookoutException.badData("stream " + index + " is not an object" + FORMAT);
    }
    Map<String, String> labels = null;
    List<Object[]> values = new ArrayList<>(); // {Long nanos, String line, Map metadata}; labels may come last
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (field.equals("stream")) {
        labels = labels(p, index);
      } else if (field.equals("values")) {
        if (t == JsonToken.VALUE_NULL) {
          continue;
        }
        if (t != JsonToken.START_ARRAY) {
          throw LookoutException.badData("\"values\" of stream " + index + " must be an array of [timestamp, line]"
              + " or [timestamp, line, metadata] arrays");
        }
        int entry = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          values.add(value(p, index, entry++));
        }
      } else {
        p.skipChildren();
      }
    }
    LokiStream s = LokiStream.of(labels == null ? Map.of() : labels);
    for (Object[] v : values) {
      @SuppressWarnings("unchecked")
      Map<String, String> metadata = (Map<String, String>) v[2];
      out.add(s.entry((Long) v[0], observed, (String) v[1], metadata));
    }
  }

  private static Map<String, String> labels(JsonParser p, int index) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw LookoutException.badData("\"stream\" of stream " + index + " must be an object of label names to"
          + " string values");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (!LokiLabels.validName(name)) {
        throw LookoutException.badData("invalid label name '" + LokiLabels.abbreviate(name) + "' in stream " + index
            + ": names are letters, digits and '_', not starting with a digit");
      }
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw LookoutException.badData("label '" + name + "' of stream " + index + " is not a string: label values"
            + " must be strings");
      }
      if (labels.put(name, p.getText()) != null) {
        throw LookoutException.badData("duplicate label name '" + name + "' in stream " + index);
      }
    }
    return labels;
  }

  private static Object[] value(JsonParser p, int stream, int entry) throws IOException {
    String where = "entry " + entry + " of stream " + stream;
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw LookoutException.badData(where + " is not an array: each value is [timestamp, line] or"
          + " [timestamp, line, metadata]");
    }
    JsonToken t = p.nextToken();
    long nanos;
    if (t == JsonToken.VALUE_STRING) {
      nanos = nanos(p.getText(), where);
    } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.LONG
        || t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      nanos = p.getLongValue();
      if (nanos < 0) {
        throw badTimestamp(Long.toString(nanos), where);
      }
    } else {
      throw LookoutException.badData("the timestamp of " + where + " must be a string of Unix nanoseconds");
    }
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw LookoutException.badData("the line of " + where + " must be a string");
    }
    String line = p.getText();
    Map<String, String> metadata = Map.of();
    t = p.nextToken();
    if (t == JsonToken.START_OBJECT) {
      metadata = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_STRING) {
          throw LookoutException.badData("structured metadata '" + LokiLabels.abbreviate(name) + "' of " + where
              + " is not a string: structured metadata values must be strings");
        }
        if (name.isEmpty()) {
          throw LookoutException.badData("structured metadata of " + where + " has an empty name");
        }
        metadata.put(name, p.getText());
      }
      t = p.nextToken();
    } else if (t == JsonToken.VALUE_NULL) {
      t = p.nextToken();
    }
    if (t != JsonToken.END_ARRAY) {
      throw LookoutException.badData(where + " has too many elements: each value is [timestamp, line] or"
          + " [timestamp, line, {structured metadata}]");
    }
    return new Object[] {nanos, line, metadata};
  }

  private static long nanos(String s, String where) {
    if (s.isEmpty() || s.length() > 19) {
      throw badTimestamp(s, where);
    }
    long v = 0;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        throw badTimestamp(s, where);
      }
      v = v * 10 + (c - '0');
      if (v < 0) {
        throw badTimestamp(s, where);
      }
    }
    return v;
  }

  private static LookoutException badTimestamp(String s, String where) {
    return LookoutException.badData("invalid timestamp '" + LokiLabels.abbreviate(s) + "' of " + where
        + ": use Unix nanoseconds as a decimal string, such as \"1764151200000000000\"");
  }

  private static boolean isBlank(byte[] data, int length) {
    for (int k = 0; k < length; k++) {
      byte b = data[k];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
