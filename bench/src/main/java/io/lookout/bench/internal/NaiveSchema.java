package io.lookout.bench.internal;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.IOException;
import java.util.HexFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;

/**
 * The naive log schema of the architecture's table: body analysed with positions and norms,
 * everything stored, every keyword and id a term ({@link StringField}), times as points, and
 * the index sorted by time (newest first), which needs the timestamp in doc values too.
 */
public final class NaiveSchema {
  public static final String TIMESTAMP = "timestamp";
  public static final String OBSERVED = "observed_timestamp";
  public static final String SEVERITY = "severity";
  public static final String SEVERITY_NUMBER = "severity_number";
  public static final String BODY = "body";
  public static final String SERVICE = "service";
  public static final String SCOPE = "scope";
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  /** Newest first. */
  public static final Sort BY_TIME = new Sort(new SortField(TIMESTAMP, SortField.Type.LONG, true));

  private static final HexFormat HEX = HexFormat.of();

  private NaiveSchema() {}

  /** Decodes one OTLP request and adds a document per record; returns the records added. */
  public static int index(IndexWriter writer, byte[] otlpRequest) throws IOException {
    ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(otlpRequest);
    int n = 0;
    for (ResourceLogs rl : req.getResourceLogsList()) {
      String service = "unknown_service";
      for (KeyValue kv : rl.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          service = kv.getValue().getStringValue();
        }
      }
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          writer.addDocument(document(rl, sl, r, service));
          n++;
        }
      }
    }
    return n;
  }

  private static Document document(ResourceLogs rl, ScopeLogs sl, LogRecord r, String service) {
    Document d = new Document();
    long ts = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
    d.add(new LongPoint(TIMESTAMP, ts));
    d.add(new NumericDocValuesField(TIMESTAMP, ts));
    d.add(new StoredField(TIMESTAMP, ts));
    d.add(new LongPoint(OBSERVED, r.getObservedTimeUnixNano()));
    d.add(new StoredField(OBSERVED, r.getObservedTimeUnixNano()));
    d.add(new IntPoint(SEVERITY_NUMBER, r.getSeverityNumberValue()));
    d.add(new StoredField(SEVERITY_NUMBER, r.getSeverityNumberValue()));
    d.add(new StringField(SEVERITY, r.getSeverityText(), Field.Store.YES));
    d.add(new TextField(BODY, r.getBody().getStringValue(), Field.Store.YES));
    d.add(new StringField(SERVICE, service, Field.Store.YES));
    d.add(new StringField(SCOPE, sl.getScope().getName(), Field.Store.YES));
    if (!r.getTraceId().isEmpty()) {
      d.add(new StringField(TRACE_ID, HEX.formatHex(r.getTraceId().toByteArray()), Field.Store.YES));
      d.add(new StringField(SPAN_ID, HEX.formatHex(r.getSpanId().toByteArray()), Field.Store.YES));
    }
    for (KeyValue kv : r.getAttributesList()) {
      d.add(new StringField("attributes." + kv.getKey(), kv.getValue().getStringValue(), Field.Store.YES));
    }
    for (KeyValue kv : rl.getResource().getAttributesList()) {
      d.add(new StringField("resource." + kv.getKey(), kv.getValue().getStringValue(), Field.Store.YES));
    }
    return d;
  }
}
