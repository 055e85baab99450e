package io.lookout.agent.parse;

import java.util.LinkedHashMap;
import java.util.Map;

/** A log record being built from one (possibly multiline) text record; mutable, one thread. */
public final class Event {
  public String body;
  /** Attribute values: String, Long, Double, Boolean, or java.util.List of those. */
  public Map<String, Object> attributes;
  public long timeNanos;
  public int severityNumber;
  public String severityText = "";
  public String traceId = "";
  public String spanId = "";

  public Event(String body) {
    this.body = body;
  }

  public Map<String, Object> attributes() {
    if (attributes == null) {
      attributes = new LinkedHashMap<>();
    }
    return attributes;
  }

  public boolean hasAttributes() {
    return attributes != null && !attributes.isEmpty();
  }

  /** Removes and returns the first present key, or null. */
  Object take(String... keys) {
    if (attributes == null) {
      return null;
    }
    for (String k : keys) {
      Object v = attributes.remove(k);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
