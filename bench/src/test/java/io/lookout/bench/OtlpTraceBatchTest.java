package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class OtlpTraceBatchTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void encodesWholeTracesGroupedByServiceInstance() throws Exception {
    SpanCorpus corpus = SpanCorpus.of(11, 1000, SpanCorpusTest.ANCHOR);
    OtlpTraceBatch batch = OtlpTraceBatch.encode(corpus, 100, 200);
    List<GeneratedTrace> traces = LongStream.range(100, 200).mapToObj(corpus::trace).toList();
    int spans = traces.stream().mapToInt(t -> t.spans().size()).sum();
    assertThat(batch.traces()).isEqualTo(100);
    assertThat(batch.spans()).isEqualTo(spans);
    assertThat(batch).isEqualTo(OtlpTraceBatch.encode(corpus, 100, 200));

    ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(batch.payload());
    Map<String, GeneratedSpan> sent = new HashMap<>();
    for (GeneratedTrace t : traces) {
      t.spans().forEach(s -> sent.put(t.traceId() + s.spanIdHex(), s));
    }
    int decoded = 0;
    int errors = 0;
    long min = Long.MAX_VALUE;
    for (ResourceSpans rs : req.getResourceSpansList()) {
      Map<String, String> resource = strings(rs.getResource().getAttributesList());
      assertThat(resource).containsKeys("service.name", "service.version", "host.name", "deployment.environment");
      assertThat(rs.getScopeSpansList()).hasSize(1);
      assertThat(rs.getScopeSpans(0).getScope().getName()).isEqualTo(OtlpBatch.SCOPE);
      for (Span s : rs.getScopeSpans(0).getSpansList()) {
        GeneratedSpan g = sent.get(HEX.formatHex(s.getTraceId().toByteArray()) + HEX.formatHex(s.getSpanId().toByteArray()));
        assertThat(g).isNotNull();
        assertThat(resource.get("service.name")).isEqualTo(g.service());
        assertThat(resource.get("host.name")).isEqualTo(g.host());
        assertThat(s.getName()).isEqualTo(g.name());
        assertThat(s.getKindValue()).isEqualTo(g.kind());
        assertThat(s.getStartTimeUnixNano()).isEqualTo(g.startNanos());
        assertThat(s.getEndTimeUnixNano()).isEqualTo(g.endNanos());
        assertThat(s.getParentSpanId().size()).isEqualTo(g.parent() < 0 ? 0 : 8);
        assertThat(s.getAttributesCount()).isEqualTo(g.attributes().size());
        if (g.attributes().containsKey("http.status_code")) {
          assertThat(s.getAttributesList()).anyMatch(kv -> kv.getKey().equals("http.status_code")
              && kv.getValue().getIntValue() == (g.error() ? 500 : 200));
        }
        if (g.error()) {
          errors++;
          assertThat(s.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
          assertThat(s.getEventsList()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("exception");
            assertThat(strings(e.getAttributesList())).containsKeys("exception.type", "exception.message",
                "exception.stacktrace");
          });
        } else {
          assertThat(s.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
          assertThat(s.getEventsCount()).isZero();
        }
        min = Math.min(min, s.getStartTimeUnixNano());
        decoded++;
      }
    }
    assertThat(decoded).isEqualTo(spans);
    assertThat(errors).isEqualTo(traces.stream().flatMap(t -> t.spans().stream()).filter(GeneratedSpan::error).count());
    assertThat(batch.minStartNanos()).isEqualTo(min);
  }

  private static Map<String, String> strings(List<KeyValue> attrs) {
    Map<String, String> m = new HashMap<>();
    attrs.forEach(kv -> m.put(kv.getKey(), kv.getValue().getStringValue()));
    return m;
  }
}
