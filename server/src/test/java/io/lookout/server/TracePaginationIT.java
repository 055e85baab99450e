package io.lookout.server;

import static io.lookout.server.Http.data;
import static io.lookout.server.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 10,000 traces: paging through the search walks every matching trace exactly once, newest first. */
class TracePaginationIT {
  private static final int TRACES = 10_000;
  private static final String SERVICE = "pager-" + Long.toString(System.nanoTime(), 36);
  private static InProcessServer lookout;
  private static final Set<String> SENT = new HashSet<>();

  @BeforeAll
  static void ingest() throws Exception {
    lookout = new InProcessServer();
    Random rnd = new Random(11);
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int batch = 0; batch < TRACES / 1000; batch++) {
      ScopeSpans.Builder scope = ScopeSpans.newBuilder();
      for (int i = 0; i < 1000; i++) {
        byte[] trace = new byte[16];
        rnd.nextBytes(trace);
        byte[] root = new byte[8];
        rnd.nextBytes(root);
        byte[] child = new byte[8];
        rnd.nextBytes(child);
        root[0] |= 1;
        child[0] |= 1;
        trace[0] |= 1;
        // Every tenth trace shares its start with others, so ties must be broken consistently.
        int n = batch * 1000 + i;
        long start = now - 60_000_000_000L - (n % 10 == 0 ? 0 : n * 1_000_000L);
        scope.addSpans(span(trace, root, new byte[0], "GET /page", start, start + 5_000_000));
        scope.addSpans(span(trace, child, root, "SELECT", start + 1_000_000, start + 4_000_000));
        SENT.add(java.util.HexFormat.of().formatHex(trace));
      }
      ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder()
          .addResourceSpans(ResourceSpans.newBuilder()
              .setResource(Resource.newBuilder().addAttributes(OtlpRequests.kv("service.name", SERVICE)))
              .addScopeSpans(scope))
          .build();
      var r = Http.post(lookout.otlpHttp() + "/v1/traces", "application/x-protobuf", req.toByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    assertThat(SENT).hasSize(TRACES);
    Http.await("all traces searchable", Duration.ofSeconds(30), () -> {
      JsonNode services = data(Http.get(lookout.api() + "/api/v1/traces/services?start=now-1h"));
      if (!services.toString().contains(SERVICE)) {
        return false;
      }
      return walk(1000).size() == TRACES;
    });
  }

  private static Span span(byte[] trace, byte[] id, byte[] parent, String name, long start, long end) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(id))
        .setParentSpanId(ByteString.copyFrom(parent))
        .setName(name)
        .setKind(parent.length == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(end)
        .build();
  }

  /** Every page of the search, in order; each element is "startNanos traceId". */
  private static List<String> walk(int limit) {
    List<String> out = new ArrayList<>();
    String cursor = null;
    String base = lookout.api() + "/api/v1/traces?start=now-1h&end=now&service=" + SERVICE + "&limit=" + limit;
    for (int pages = 0; pages < 1000; pages++) {
      JsonNode d = data(Http.get(base + (cursor == null ? "" : "&cursor=" + enc(cursor))));
      for (JsonNode t : d.get("traces")) {
        out.add(t.get("start_unix_nano").asText() + " " + t.get("trace_id").asText());
      }
      if (d.get("next_cursor").isNull()) {
        return out;
      }
      cursor = d.get("next_cursor").asText();
    }
    throw new AssertionError("more than 1000 pages");
  }

  @AfterAll
  static void stop() throws Exception {
    lookout.close();
  }

  @Test
  void pagesWalkEveryTraceExactlyOnceNewestFirst() {
    List<String> all = walk(700);
    List<String> ids = all.stream().map(s -> s.substring(s.indexOf(' ') + 1)).toList();
    assertThat(ids).hasSize(TRACES).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(SENT);
    for (int i = 1; i < all.size(); i++) {
      long prev = Long.parseLong(all.get(i - 1).split(" ")[0]);
      long cur = Long.parseLong(all.get(i).split(" ")[0]);
      assertThat(cur).as("newest first at %d", i).isLessThanOrEqualTo(prev);
    }
  }

  @Test
  void summariesCountBothSpans() {
    JsonNode t = data(Http.get(lookout.api() + "/api/v1/traces?start=now-1h&limit=1&service=" + SERVICE))
        .get("traces").get(0);
    assertThat(t.get("span_count").asInt()).isEqualTo(2);
    assertThat(t.get("root_operation").asText()).isEqualTo("GET /page");
    assertThat(t.get("duration_ns").asLong()).isEqualTo(5_000_000L);
  }
}
