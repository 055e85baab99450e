package io.lookout.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.LookoutException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TraceFiltersTest {

  @Test
  void keyValuesSplitOnSpacesAndKeepQuotedValuesWhole() {
    assertThat(TraceFilters.keyValues("attributes", List.of("  a=1   b=x=y  c=\"/a b\" d=\"say \\\"hi\\\" \\\\\" e= ")))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "x=y"), Map.entry("c", "/a b"),
            Map.entry("d", "say \"hi\" \\"), Map.entry("e", ""));
  }

  @Test
  void keyValuesMergeRepeatedParametersAndAcceptTheSamePairTwice() {
    assertThat(TraceFilters.keyValues("attributes", List.of("a=1", "b=2 a=1")))
        .isEqualTo(Map.of("a", "1", "b", "2"));
    assertThat(TraceFilters.keyValues("attributes", List.of())).isEmpty();
  }

  @Test
  void keyValuesRejectMalformedInput() {
    assertThatThrownBy(() -> TraceFilters.keyValues("attributes", List.of("=1")))
        .isInstanceOf(LookoutException.class).hasMessageStartingWith("invalid attributes '=1': expected key=value");
    assertThatThrownBy(() -> TraceFilters.keyValues("attributes", List.of("a=\"x\"b")))
        .hasMessage("invalid attributes 'a=\"x\"b': put a space after the closing quote of 'a'");
    assertThatThrownBy(() -> TraceFilters.keyValues("attributes", List.of("a\"b=1")))
        .hasMessageStartingWith("invalid attributes 'a\"b=1': expected key=value at 'a\"b=1'");
    String many = String.join(" ", IntStream.range(0, 65).mapToObj(i -> "k" + i + "=v").toList());
    assertThatThrownBy(() -> TraceFilters.keyValues("attributes", List.of(many)))
        .hasMessage("invalid attributes: more than 64 attribute filters; use fewer");
  }

  @Test
  void jaegerTagsTakeJsonLogfmtAndColonPairs() {
    assertThat(TraceFilters.jaegerTags(List.of("{\"http.status_code\":\"500\",\"n\":3,\"b\":true}", "k=v"),
        List.of("url:http://x")))
        .isEqualTo(Map.of("http.status_code", "500", "n", "3", "b", "true", "k", "v", "url", "http://x"));
  }

  @Test
  void jaegerTagsRejectNonObjectsAndNestedValues() {
    assertThatThrownBy(() -> TraceFilters.jaegerTags(List.of("{\"a\":{\"b\":1}}"), List.of()))
        .hasMessage("invalid tags: the value of 'a' must be a string, number or boolean");
    assertThatThrownBy(() -> TraceFilters.jaegerTags(List.of("{\"a\":null}"), List.of()))
        .isInstanceOf(LookoutException.class);
    assertThatThrownBy(() -> TraceFilters.jaegerTags(List.of(), List.of(":v")))
        .hasMessage("invalid tag ':v': use key:value, e.g. tag=http.status_code:500");
  }

  @Test
  void statusNamesMapToOtlpCodes() {
    assertThat(TraceFilters.status(null)).isNull();
    assertThat(TraceFilters.status("Error")).isEqualTo(2);
    assertThat(TraceFilters.status(" ok ")).isEqualTo(1);
    assertThat(TraceFilters.status("unset")).isZero();
    assertThatThrownBy(() -> TraceFilters.status("2")).hasMessage("invalid status '2': use error, ok or unset");
  }
}
