package io.lookout.storage.internal;

import io.lookout.model.LogRecord;
import io.lookout.model.Severity;
import io.lookout.model.Span;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.util.BytesRef;

/** Lucene documents for log records and spans; the only stored field is the encoded source. */
public final class Documents {
  public static final String SRC = "_src";
  public static final String ID = "_id";
  public static final String TS = "ts";
  public static final String START = "start";
  public static final String DURATION = "duration";
  public static final String SERVICE = "service";
  public static final String SEVERITY_NUMBER = "severity_number";
  public static final String ATTRIBUTES = "attributes.";
  public static final String RESOURCE = "resource.";
  // Span doc values for aggregations without loading _src. Own field names (not "name",
  // "kind"...): Lucene refuses a doc-values type on a field that older partitions index without.
  static final String DV_TRACE = "_trace";
  static final String DV_SPAN = "_span";
  static final String DV_PARENT = "_parent";
  static final String DV_NAME = "_name";
  static final String DV_KIND = "_kind";
  static final String DV_STATUS = "_status";
  /** Longest keyword indexed; longer values are cut (Lucene terms must stay under 32 KiB). */
  static final int MAX_KEYWORD = 1024;

  private static final FieldType BODY_TYPE = new FieldType();

  static {
    BODY_TYPE.setTokenized(true);
    BODY_TYPE.setOmitNorms(true);
    BODY_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    BODY_TYPE.freeze();
  }

  private Documents() {}

  public static String severityOf(LogRecord r) {
    return r.severityText().isEmpty() ? Severity.textOf(r.severityNumber()) : r.severityText();
  }

  public static Document log(LogRecord r, BytesRef src, long id) {
    Document d = new Document();
    d.add(NumericDocValuesField.indexedField(TS, r.timestampNanos()));
    d.add(new NumericDocValuesField(ID, id));
    d.add(new Field(Analysis.BODY, r.body(), BODY_TYPE));
    keyword(d, SERVICE, r.service());
    d.add(new SortedDocValuesField(SERVICE, new BytesRef(cut(r.service()))));
    String sev = severityOf(r);
    if (!sev.isEmpty()) {
      keyword(d, Analysis.SEVERITY, sev.toLowerCase(Locale.ROOT));
      d.add(new SortedDocValuesField(Analysis.SEVERITY, new BytesRef(cut(sev))));
    }
    // The level name of the number as well, so that severity:warn finds "WARNING" and "warn".
    String level = Severity.textOf(r.severityNumber()).toLowerCase(Locale.ROOT);
    if (!level.isEmpty() && !level.equalsIgnoreCase(sev)) {
      keyword(d, Analysis.SEVERITY, level);
    }
    d.add(new IntField(SEVERITY_NUMBER, r.severityNumber(), Field.Store.NO));
    keyword(d, "scope", r.scopeName());
    keyword(d, "trace_id", r.traceId());
    keyword(d, "span_id", r.spanId());
    attributes(d, ATTRIBUTES, r.attributes());
    attributes(d, RESOURCE, r.resource());
    d.add(new StoredField(SRC, src));
    return d;
  }

  public static Document span(Span s, BytesRef src) {
    Document d = new Document();
    d.add(NumericDocValuesField.indexedField(START, s.startNanos()));
    d.add(new NumericDocValuesField(DURATION, s.durationNanos()));
    keyword(d, "trace_id", s.traceId());
    keyword(d, "span_id", s.spanId());
    keyword(d, "parent_span_id", s.parentSpanId());
    keyword(d, "name", s.name());
    keyword(d, SERVICE, s.service());
    d.add(new SortedDocValuesField(SERVICE, new BytesRef(cut(s.service()))));
    keyword(d, "kind", Span.kindName(s.kind()));
    keyword(d, "status", Span.statusName(s.statusCode()));
    keyword(d, "scope", s.scopeName());
    d.add(new BinaryDocValuesField(DV_TRACE, new BytesRef(SpanIds.encodeTrace(cut(s.traceId())))));
    d.add(new NumericDocValuesField(DV_SPAN, SpanIds.encodeSpan(s.spanId())));
    if (!s.parentSpanId().isEmpty()) {
      d.add(new NumericDocValuesField(DV_PARENT, SpanIds.encodeSpan(s.parentSpanId())));
    }
    d.add(new SortedDocValuesField(DV_NAME, new BytesRef(cut(s.name()))));
    d.add(new NumericDocValuesField(DV_KIND, s.kind()));
    d.add(new NumericDocValuesField(DV_STATUS, s.statusCode()));
    attributes(d, ATTRIBUTES, s.attributes());
    attributes(d, RESOURCE, s.resource());
    d.add(new StoredField(SRC, src));
    return d;
  }

  private static void attributes(Document d, String prefix, Map<String, Object> m) {
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getValue() != null) {
        keyword(d, prefix + e.getKey(), Json.indexForm(e.getValue()));
      }
    }
  }

  private static void keyword(Document d, String field, String value) {
    if (!value.isEmpty()) {
      d.add(new StringField(field, cut(value), Field.Store.NO));
    }
  }

  static String cut(String v) {
    return v.length() <= MAX_KEYWORD ? v : v.substring(0, MAX_KEYWORD);
  }
}
