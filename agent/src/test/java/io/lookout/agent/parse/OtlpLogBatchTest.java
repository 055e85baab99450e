package io.lookout.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpLogBatchTest {
  private static final Resource A = OtlpLogBatch.resource(Map.of("service.name", "a"));
  private static final Resource B = OtlpLogBatch.resource(Map.of("service.name", "b"));

  @Test
  void groupsRecordsByResourceInArrivalOrderAndMergesEqualResources() {
    OtlpLogBatch batch = new OtlpLogBatch();
    batch.add(B, new Event("b1"), new String[0], 1);
    batch.add(A, new Event("a1"), new String[0], 2);
    // an equal resource built separately joins the same group
    batch.add(OtlpLogBatch.resource(Map.of("service.name", "b")), new Event("b2"), new String[0], 3);

    ExportLogsServiceRequest r = batch.drain();

    assertThat(r.getResourceLogsList()).extracting(ResourceLogs::getResource).containsExactly(B, A);
    assertThat(r.getResourceLogs(0).getScopeLogsCount()).isEqualTo(1);
    assertThat(r.getResourceLogs(0).getScopeLogs(0).getScope().getName()).isEqualTo("lookout-agent");
    assertThat(bodies(r.getResourceLogs(0))).containsExactly("b1", "b2");
    assertThat(bodies(r.getResourceLogs(1))).containsExactly("a1");
    assertThat(batch.records()).isZero();
    assertThat(batch.drain().getResourceLogsCount()).isZero();
  }

  @Test
  void theEncodedRequestIsWhatTheGeneratedBuildersProduce() throws Exception {
    OtlpLogBatch batch = new OtlpLogBatch();
    Event e = new Event("payment failed");
    e.severityNumber = 17;
    e.severityText = "ERROR";
    e.timeNanos = 1_700_000_000_000_000_000L;
    e.traceId = "0af7651916cd43dd8448eb211c80319c";
    e.spanId = "b7ad6b7169203331";
    e.attributes().put("order", 42L);
    batch.add(A, e, new String[] {"log.file.path", "/l/app.log"}, 5);
    long estimated = batch.bytes();

    byte[] encoded = batch.drainBytes();

    var expected = io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(A).addScopeLogs(
            io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
                .setScope(io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName("lookout-agent"))
                .addLogRecords(LogRecord.newBuilder()
                    .setObservedTimeUnixNano(5).setTimeUnixNano(1_700_000_000_000_000_000L)
                    .setBody(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("payment failed"))
                    .setSeverityNumberValue(17).setSeverityText("ERROR")
                    .addAttributes(KeyValue.newBuilder().setKey("log.file.path")
                        .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("/l/app.log")))
                    .addAttributes(KeyValue.newBuilder().setKey("order")
                        .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setIntValue(42)))
                    .setTraceId(com.google.protobuf.ByteString.fromHex("0af7651916cd43dd8448eb211c80319c"))
                    .setSpanId(com.google.protobuf.ByteString.fromHex("b7ad6b7169203331")))))
        .build();
    assertThat(ExportLogsServiceRequest.parseFrom(encoded)).isEqualTo(expected);
    assertThat(encoded).isEqualTo(expected.toByteArray());
    assertThat(estimated).isLessThan(encoded.length);
  }

  @Test
  void fileAttributesComeFirstOnEveryRecordAndFollowTheirFile() {
    OtlpLogBatch batch = new OtlpLogBatch();
    Event withAttribute = new Event("one");
    withAttribute.attributes().put("user", "ann");
    batch.add(A, withAttribute, new String[] {"log.file.path", "/l/app.log", "log.file.name", "app.log"}, 1);
    batch.add(A, new Event("two"), new String[] {"log.file.path", "/l/app.log", "log.file.name", "app.log"}, 2);
    batch.add(A, new Event("three"), new String[] {"log.file.path", "/l/b.log", "log.file.name", "b.log"}, 3);

    List<LogRecord> records = batch.drain().getResourceLogs(0).getScopeLogs(0).getLogRecordsList();

    assertThat(attributes(records.get(0))).containsExactly("log.file.path=/l/app.log", "log.file.name=app.log", "user=ann");
    assertThat(attributes(records.get(1))).containsExactly("log.file.path=/l/app.log", "log.file.name=app.log");
    assertThat(attributes(records.get(2))).containsExactly("log.file.path=/l/b.log", "log.file.name=b.log");
  }

  private static List<String> bodies(ResourceLogs rl) {
    return rl.getScopeLogs(0).getLogRecordsList().stream().map(l -> l.getBody().getStringValue()).toList();
  }

  private static List<String> attributes(LogRecord r) {
    return r.getAttributesList().stream().map((KeyValue kv) -> kv.getKey() + "=" + kv.getValue().getStringValue()).toList();
  }
}
