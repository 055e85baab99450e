package io.lookout.storage.internal;

import io.lookout.model.LogRecord;
import java.util.List;

/** Field names of log records and their values as counted by field-values queries. */
final class LogFields {
  static final List<String> STABLE = List.of("body", "scope", "service", "severity", "severity_number",
      "span_id", "trace_id");

  private LogFields() {}

  /** The value of a query field in a record, or null when absent. */
  static String valueOf(LogRecord r, String field) {
    String v = switch (field) {
      case "body" -> r.body();
      case "service" -> r.service();
      case "severity" -> Documents.severityOf(r);
      case "severity_number" -> Integer.toString(r.severityNumber());
      case "trace_id" -> r.traceId();
      case "span_id" -> r.spanId();
      case "scope" -> r.scopeName();
      default -> {
        Object o = null;
        if (field.startsWith(Documents.ATTRIBUTES)) {
          o = r.attributes().get(field.substring(Documents.ATTRIBUTES.length()));
        } else if (field.startsWith(Documents.RESOURCE)) {
          o = r.resource().get(field.substring(Documents.RESOURCE.length()));
        }
        yield o == null ? null : Json.indexForm(o);
      }
    };
    return v == null || v.isEmpty() ? null : v;
  }

  static boolean isInternal(String name) {
    return name.startsWith("_") || name.equals(Documents.TS);
  }
}
