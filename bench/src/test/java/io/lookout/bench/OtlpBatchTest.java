package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OtlpBatchTest {
  private static final long ANCHOR = 1_764_151_200_000_000_000L;

  @Test
  void encodesOneResourcePerServiceWithEveryRecord() throws Exception {
    LogCorpus c = LogCorpus.of(Samples.LINES, CorpusConfig.of(42, 10_000, ANCHOR).withTraceFraction(0.5));
    OtlpBatch batch = OtlpBatch.encode(c, 2000, 3000);
    ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(batch.payload());

    assertThat(batch.records()).isEqualTo(1000);
    Set<String> services = new HashSet<>();
    long records = 0;
    long body = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (ResourceLogs rl : req.getResourceLogsList()) {
      List<KeyValue> resource = rl.getResource().getAttributesList();
      assertThat(resource).hasSize(1);
      assertThat(resource.get(0).getKey()).isEqualTo("service.name");
      String service = resource.get(0).getValue().getStringValue();
      assertThat(services.add(service)).as("one resource per service").isTrue();
      assertThat(rl.getScopeLogsCount()).isEqualTo(1);
      assertThat(rl.getScopeLogs(0).getScope().getName()).isEqualTo(OtlpBatch.SCOPE);
      for (LogRecord r : rl.getScopeLogs(0).getLogRecordsList()) {
        records++;
        body += r.getBody().getStringValue().length();
        min = Math.min(min, r.getTimeUnixNano());
        max = Math.max(max, r.getTimeUnixNano());
        assertThat(r.getAttributesList()).extracting(KeyValue::getKey).containsExactly("host.name", "request.id");
        assertThat(r.getTraceId().size()).isIn(0, 16);
        assertThat(r.getSpanId().size()).isEqualTo(r.getTraceId().size() / 2);
      }
    }
    assertThat(services).isEqualTo(new HashSet<>(c.services()));
    assertThat(records).isEqualTo(1000);
    assertThat(body).isEqualTo(batch.bodyBytes());
    assertThat(min).isEqualTo(batch.minTimestampNanos());
    assertThat(max).isEqualTo(batch.maxTimestampNanos());
  }

  @Test
  void carriesEachGeneratedRecordFieldForField() throws Exception {
    LogCorpus c = LogCorpus.of(Samples.LINES, CorpusConfig.of(8, 100, ANCHOR).withTraceFraction(0.5));
    GeneratedLog g = c.record(0);
    for (long i = 1; g.traceId().isEmpty() && i < 100; i++) {
      g = c.record(i);
    }
    ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(OtlpBatch.request(List.of(g)).toByteArray());
    LogRecord r = req.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(req.getResourceLogs(0).getResource().getAttributes(0).getValue().getStringValue())
        .isEqualTo(g.service());
    assertThat(r.getTimeUnixNano()).isEqualTo(g.timestampNanos());
    assertThat(r.getSeverityNumberValue()).isEqualTo(g.severityNumber());
    assertThat(r.getSeverityText()).isEqualTo(g.severityText());
    assertThat(r.getBody().getStringValue()).isEqualTo(g.body());
    assertThat(r.getAttributes(0).getValue().getStringValue()).isEqualTo(g.hostName());
    assertThat(r.getAttributes(1).getValue().getStringValue()).isEqualTo(g.requestId());
    assertThat(HexFormat.of().formatHex(r.getTraceId().toByteArray())).isEqualTo(g.traceId());
    assertThat(HexFormat.of().formatHex(r.getSpanId().toByteArray())).isEqualTo(g.spanId());
  }
}
