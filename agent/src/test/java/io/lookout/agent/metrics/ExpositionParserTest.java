package io.lookout.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.agent.metrics.Exposition.Family;
import io.lookout.agent.metrics.Exposition.Sample;
import io.lookout.agent.metrics.Exposition.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionParserTest {
  private static List<Family> text(String s) throws Exposition.ParseException {
    return new ExpositionParser(false, 1000).parse(s);
  }

  private static List<Family> openMetrics(String s) throws Exposition.ParseException {
    return new ExpositionParser(true, 1000).parse(s);
  }

  private static Family family(List<Family> families, String name) {
    return families.stream().filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no family " + name + " in " + families));
  }

  @Test
  void readsTypesHelpLabelsAndTimestamps() throws Exception {
    List<Family> fs = text("""
        # HELP http_requests_total The total number of HTTP requests.\\nSecond line with a \\\\ backslash
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # A plain comment
        metric_without_timestamp_and_labels 12.47
        """);
    Family requests = family(fs, "http_requests_total");
    assertThat(requests.type()).isEqualTo(Type.COUNTER);
    assertThat(requests.help()).isEqualTo("The total number of HTTP requests.\nSecond line with a \\ backslash");
    assertThat(requests.samples()).containsExactly(
        new Sample("http_requests_total", Map.of("method", "post", "code", "200"), 1027, 1395066363000L),
        new Sample("http_requests_total", Map.of("method", "post", "code", "400"), 3, 1395066363000L));
    Family untyped = family(fs, "metric_without_timestamp_and_labels");
    assertThat(untyped.type()).isEqualTo(Type.UNKNOWN);
    assertThat(untyped.samples().getFirst().timestampMillis()).isEqualTo(Sample.NO_TIMESTAMP);
  }

  @Test
  void readsEscapesSpecialValuesAndTrailingCommas() throws Exception {
    List<Family> fs = text("""
        msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\"",} 1.458255915e9
        # TYPE weird gauge
        weird{v="a"} NaN
        weird{v="b"} +Inf
        weird{v="c"} -Inf
        weird { v = "d" } -0.5e-3
        """);
    Sample s = family(fs, "msdos_file_access_time_seconds").samples().getFirst();
    assertThat(s.labels()).containsEntry("path", "C:\\DIR\\FILE.TXT")
        .containsEntry("error", "Cannot find file:\n\"FILE.TXT\"");
    assertThat(s.value()).isEqualTo(1.458255915e9);
    assertThat(family(fs, "weird").samples()).extracting(Sample::value)
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0005);
  }

  @Test
  void groupsHistogramAndSummarySamplesIntoTheirFamilies() throws Exception {
    List<Family> fs = text("""
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693
        """);
    assertThat(fs).extracting(Family::name).containsExactly("http_request_duration_seconds", "rpc_duration_seconds");
    assertThat(family(fs, "http_request_duration_seconds").samples()).hasSize(4);
    assertThat(family(fs, "rpc_duration_seconds").samples()).hasSize(3);
  }

  @Test
  void readsOpenMetricsWithUnitsSecondsTimestampsAndExemplars() throws Exception {
    List<Family> fs = openMetrics("""
        # TYPE acme_http_router_request_seconds summary
        # UNIT acme_http_router_request_seconds seconds
        # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
        acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
        acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
        acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
        # TYPE foo counter
        foo_total 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67
        foo_created 1520430000.123
        # EOF
        """);
    Family summary = family(fs, "acme_http_router_request_seconds");
    assertThat(summary.unit()).isEqualTo("seconds");
    assertThat(summary.type()).isEqualTo(Type.SUMMARY);
    assertThat(summary.samples()).hasSize(3);
    Family foo = family(fs, "foo");
    assertThat(foo.samples()).extracting(Sample::name).containsExactly("foo_total", "foo_created");
    assertThat(foo.samples().getFirst().timestampMillis()).isEqualTo(1520879607789L);
  }

  @Test
  void openMetricsNeedsEof() {
    assertThatThrownBy(() -> openMetrics("# TYPE a gauge\na 1\n")).hasMessageContaining("# EOF");
    assertThatThrownBy(() -> openMetrics("a 1\n# EOF\nb 2\n")).hasMessageContaining("line 3");
  }

  @Test
  void badLinesNameTheLine() {
    assertThatThrownBy(() -> text("ok 1\nbad{a=\"1\" 2\n")).hasMessageStartingWith("line 2:");
    assertThatThrownBy(() -> text("no_value\n")).hasMessageContaining("missing value");
    assertThatThrownBy(() -> text("x abc\n")).hasMessageContaining("invalid number");
    assertThatThrownBy(() -> text("x 1 12.5\n")).hasMessageContaining("invalid timestamp");
    assertThatThrownBy(() -> text("x{a=\"\\t\"} 1\n")).hasMessageContaining("invalid escape");
    assertThatThrownBy(() -> text("x{a=\"1\",a=\"2\"} 1\n")).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> text("# TYPE x bogus\n")).hasMessageContaining("unknown metric type");
    assertThatThrownBy(() -> text("# TYPE x gauge\n# TYPE x counter\n")).hasMessageContaining("second TYPE");
    assertThatThrownBy(() -> text("{\"x\"} 1\n")).hasMessageContaining("quoted");
    assertThatThrownBy(() -> text("x 1 2 3\n")).hasMessageContaining("unexpected text");
    assertThatThrownBy(() -> text("x 1.0d\n")).hasMessageContaining("invalid number");
  }

  @Test
  void sampleLimitFailsTheExposition() {
    assertThatThrownBy(() -> new ExpositionParser(false, 2).parse("a 1\nb 2\nc 3\n"))
        .hasMessageContaining("more than 2 samples");
  }

  @Test
  void acceptsWindowsLineEndingsAndNoFinalNewline() throws Exception {
    assertThat(text("# TYPE a gauge\r\na 1\r\nb 2").stream().map(Family::name)).containsExactly("a", "b");
  }
}
