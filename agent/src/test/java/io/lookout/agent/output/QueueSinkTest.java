package io.lookout.agent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.agent.pipeline.Sink.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueSinkTest {
  @TempDir Path tmp;

  private static byte[] logs(int n, int bodyBytes) {
    ScopeLogs.Builder s = ScopeLogs.newBuilder();
    for (int i = 0; i < n; i++) {
      s.addLogRecords(LogRecord.newBuilder().setBody(io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
          .setStringValue("x".repeat(bodyBytes))));
    }
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(s)).build().toByteArray();
  }

  @Test
  void countsItemsAndRefusalsWhenTheBudgetIsExhausted() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (DiskQueue q = new DiskQueue(tmp, 1 << 20, 1 << 20)) {
      QueueSink sink = new QueueSink(q, registry);
      sink.submit(Signal.LOGS, logs(3, 10)).get();
      assertThat(q.poll(1 << 20, java.time.Duration.ofSeconds(5)).items()).isEqualTo(3);
      sink.submit(Signal.LOGS, logs(2, 400_000)).get();
      assertThatThrownBy(() -> sink.submit(Signal.LOGS, logs(4, 100_000)).get())
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(QueueFullException.class);
    }
    String text = scrape(registry);
    assertThat(text).contains("lookout_agent_queue_dropped_items_total{signal=\"logs\"} 4.0")
        .contains("lookout_agent_queue_refused_requests_total{signal=\"logs\"} 1.0")
        .contains("lookout_agent_queue_items_total{signal=\"logs\"} 5.0");
  }

  static String scrape(PrometheusRegistry registry) throws java.io.IOException {
    var out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
