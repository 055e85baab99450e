package io.lookout.alerting.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private static String expand(String t, double v) {
    return Template.parse(t).expand(Map.of("instance", "web-1", "job", "api"), v, Map.of());
  }

  @Test
  void labelsAndValue() {
    assertThat(expand("{{ $labels.instance }} of {{ .Labels.job }} is at {{ $value }}", 0.5))
        .isEqualTo("web-1 of api is at 0.5");
    assertThat(expand("{{$value}}", 1)).isEqualTo("1");
    assertThat(expand("{{ $value }}", 1234567)).isEqualTo("1.234567e+06");
    assertThat(expand("{{ $labels.missing }}", 0)).isEqualTo("<no value>");
    assertThat(expand("plain text", 0)).isEqualTo("plain text");
  }

  @Test
  void humanizeFunctions() {
    assertThat(expand("{{ humanize $value }}", 1234567)).isEqualTo("1.235M");
    assertThat(expand("{{ $value | humanize }}", 0.000123)).isEqualTo("123u");
    assertThat(expand("{{ humanize $value }}", 0)).isEqualTo("0");
    assertThat(expand("{{ humanize1024 $value }}", 2048)).isEqualTo("2ki");
    assertThat(expand("{{ humanizePercentage $value }}", 0.1234)).isEqualTo("12.34%");
    assertThat(expand("{{ humanizeDuration $value }}", 3725)).isEqualTo("1h 2m 5s");
    assertThat(expand("{{ humanizeDuration $value }}", 0.25)).isEqualTo("250ms");
    assertThat(expand("{{ printf \"%.2f\" $value }}", 3.14159)).isEqualTo("3.14");
    assertThat(expand("{{ $labels.job | toUpper }}", 0)).isEqualTo("API");
  }

  @Test
  void trimMarkersAndComments() {
    assertThat(expand("a  {{- $labels.job -}}  b{{/* note */}}", 0)).isEqualTo("aapib");
  }

  @Test
  void unsupportedActionsExpandToAnErrorTextAsPrometheusDoes() {
    assertThat(expand("{{ if gt $value 1.0 }}high{{ end }}", 2)).startsWith("<error expanding template:");
    assertThat(expand("{{ nosuch $value }}", 2)).isEqualTo("<error expanding template: function \"nosuch\" not defined>");
  }

  @Test
  void unclosedActionIsAParseError() {
    assertThatThrownBy(() -> Template.parse("{{ $labels.x ")).hasMessageContaining("unclosed action");
  }

  @Test
  void goFloatFormats() {
    assertThat(GoFormat.e(1)).isEqualTo("1e+00");
    assertThat(GoFormat.e(0.25)).isEqualTo("2.5e-01");
    assertThat(GoFormat.e(123456)).isEqualTo("1.23456e+05");
    assertThat(GoFormat.e(Double.NaN)).isEqualTo("NaN");
    assertThat(GoFormat.v(100000)).isEqualTo("100000");
    assertThat(GoFormat.v(1e6)).isEqualTo("1e+06");
    assertThat(GoFormat.v(0.0001)).isEqualTo("0.0001");
    assertThat(GoFormat.v(0.00001)).isEqualTo("1e-05");
    assertThat(GoFormat.g(100, 4)).isEqualTo("100");
    assertThat(GoFormat.g(1234.5678, 4)).isEqualTo("1235");
    assertThat(GoFormat.g(12345.678, 4)).isEqualTo("1.235e+04");
  }
}
