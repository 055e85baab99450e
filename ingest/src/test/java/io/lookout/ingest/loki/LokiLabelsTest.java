package io.lookout.ingest.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LokiLabelsTest {

  @Test
  void parsesLabelsInOrderWithSpacesAndATrailingComma() {
    assertThat(LokiLabels.parse(" { app = \"api\",env=\"prod\" , _x9=\"\", } "))
        .containsExactly(Map.entry("app", "api"), Map.entry("env", "prod"), Map.entry("_x9", ""));
    assertThat(LokiLabels.parse("{}")).isEmpty();
  }

  @Test
  void decodesGoStringEscapes() {
    assertThat(LokiLabels.parse("{a=\"q\\\"b\\\\s\\n\\t\\r\", b=\"\\x41\\u00e9\\U0001F600\\101\", c='it\\'s', d=`raw\\n`}"))
        .containsExactly(
            Map.entry("a", "q\"b\\s\n\t\r"),
            Map.entry("b", "Aé😀A"),
            Map.entry("c", "it's"),
            Map.entry("d", "raw\\n"));
    assertThat(LokiLabels.parse("{msg=\"héllo, {world}=\\\"x\\\"\"}")).containsEntry("msg", "héllo, {world}=\"x\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "app=\"x\"                | expected '{' at the start at offset 0",
      "{                        | unexpected end, expected a label name or '}'",
      "{app=\"x\"               | expected ',' or '}' after the value of label 'app' at offset 8",
      "{app=~\"x\"}             | matcher '=~' after label 'app': only '=' is allowed",
      "{app!=\"x\"}             | matcher '!=' after label 'app'",
      "{app:\"x\"}              | expected '=' after label name 'app' at offset 4",
      "{app=x}                  | expected a quoted value for label 'app'",
      "{app=\"x}                | unterminated value of label 'app' at offset 5",
      "{app=\"x\" env=\"y\"}    | expected ',' or '}' after the value of label 'app'",
      "{app=\"x\", app=\"y\"}   | duplicate label name 'app'",
      "{9app=\"x\"}             | expected a label name at offset 1",
      "{a.b=\"x\"}              | expected '=' after label name 'a'",
      "{app=\"\\q\"}            | invalid escape \\q",
      "{app=\"\\x4\"}           | invalid escape \\x: give 2 hexadecimal digits",
      "{app=\"\\uD800\"}        | invalid escape \\u: not a unicode code point",
      "{app=\"x\"} trailing     | unexpected text after the closing '}'",
  })
  void refusesMalformedLabelsSayingWhatAndWhere(String text, String message) {
    assertThatThrownBy(() -> LokiLabels.parse(text))
        .isInstanceOfSatisfying(LookoutException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
          assertThat(e.getMessage()).contains(message).contains("write stream labels as {name=\"value\", ...}");
        });
  }

  @Test
  void validNamesArePrometheusNames() {
    assertThat(LokiLabels.validName("service_name")).isTrue();
    assertThat(LokiLabels.validName("_a1")).isTrue();
    assertThat(LokiLabels.validName("1a")).isFalse();
    assertThat(LokiLabels.validName("a-b")).isFalse();
    assertThat(LokiLabels.validName("")).isFalse();
  }
}
