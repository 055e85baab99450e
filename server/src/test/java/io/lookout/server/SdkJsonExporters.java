package io.lookout.server;

import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.zip.GZIPOutputStream;

/**
 * OTLP/HTTP JSON exporters built on the OTel Java SDK's own OTLP JSON marshalers (the SDK ships
 * no HTTP/JSON exporter, but this is exactly the JSON it produces), so the server is tested with
 * the SDK's real encoding: hex ids, string int64, integer enums, camelCase keys.
 */
final class SdkJsonExporters {
  private SdkJsonExporters() {}

  static LogRecordExporter logs(String url, boolean gzip) {
    return new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> logs) {
        return post(url, LogsRequestMarshaler.create(logs), gzip);
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  static SpanExporter spans(String url, boolean gzip) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return post(url, TraceRequestMarshaler.create(spans), gzip);
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  private static CompletableResultCode post(String url, Marshaler marshaler, boolean gzip) {
    try {
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      marshaler.writeJsonTo(json);
      byte[] body = json.toByteArray();
      String[] headers = new String[0];
      if (gzip) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(z)) {
          out.write(body);
        }
        body = z.toByteArray();
        headers = new String[] {"Content-Encoding", "gzip"};
      }
      var r = Http.post(url, "application/json", body, headers);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("export failed: " + r.statusCode() + " " + new String(r.body()));
      }
      if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
        throw new IllegalStateException("response not JSON: " + r.headers().map());
      }
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
