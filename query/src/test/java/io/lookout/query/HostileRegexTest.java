package io.lookout.query;

import static io.lookout.query.TestServer.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Labels;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regular expressions from users run in linear time (RE2): patterns that make a backtracking
 * engine run for ages answer at once, with the right answer. The timeouts are hang detectors.
 */
class HostileRegexTest {
  private static final String EVIL = "(a+)+$";
  private static final String LONG_AS = "a".repeat(50_000) + "!";
  private final TestServer t = new TestServer();

  @AfterEach
  void close() {
    t.close();
  }

  private TestServer.Resp query(String q) {
    return t.get("/prometheus/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
        + "&time=" + NOW_NANOS / 1_000_000_000L);
  }

  @Test
  @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.SECONDS)
  void catastrophicBacktrackingPatternInLabelReplaceAnswersCorrectly() {
    t.metrics.add(Labels.of("__name__", "up", "path", LONG_AS), NOW_NANOS / 1_000_000 - 1000, 1);
    t.metrics.add(Labels.of("__name__", "up", "path", "aaaa"), NOW_NANOS / 1_000_000 - 1000, 1);
    TestServer.Resp r = query("label_replace(up, \"hit\", \"yes\", \"path\", \"" + EVIL + "\")");
    assertThat(r.status()).isEqualTo(200);
    var result = r.data().getJsonArray("result");
    assertThat(result).hasSize(2);
    for (int i = 0; i < result.size(); i++) {
      var metric = result.getJsonObject(i).getJsonObject("metric");
      // the long value ends with '!': no match, no label; "aaaa" matches
      assertThat(metric.getString("hit")).isEqualTo(metric.getString("path").equals("aaaa") ? "yes" : null);
    }
  }

  @Test
  @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.SECONDS)
  void invalidRegexIsA4xxNamingIt() {
    TestServer.Resp r = query("label_replace(up, \"x\", \"y\", \"path\", \"(a\")");
    assertThat(r.status()).isBetween(400, 499);
    assertThat(r.error()).contains("regular expression");
    r = query("up{path=~\"(a\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("invalid regular expression");
  }

  @Test
  @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.SECONDS)
  void deeplyNestedRegexIsRefusedOrAnsweredNeverA500() {
    String deep = "(".repeat(5000) + "a" + ")".repeat(5000);
    TestServer.Resp r = query("up{path=~\"" + deep + "\"}");
    assertThat(r.status()).isLessThan(500);
    r = query("label_replace(up, \"x\", \"y\", \"path\", \"" + deep + "\")");
    assertThat(r.status()).isLessThan(500);
  }

  /**
   * RE2/J expands counted repetitions: this one used to build a billion-instruction program (the
   * heap ran out after seconds). Go refuses it by its repetition limit, and so does Lookout, before
   * compiling, in selectors and in label_replace.
   */
  @Test
  @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.SECONDS)
  void nestedCountedRepetitionsAreRefusedBeforeCompiling() {
    String huge = "((a{1000}){1000}){1000}";
    TestServer.Resp r = query("up{path=~\"" + huge + "\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("invalid repeat count").contains("{1000}");
    r = query("label_replace(up, \"x\", \"y\", \"path\", \"" + huge + "\")");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.error()).contains("label_replace").contains("invalid repeat count");
  }
}
