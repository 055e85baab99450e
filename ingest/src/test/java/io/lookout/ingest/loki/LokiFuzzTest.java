package io.lookout.ingest.loki;

import static io.lookout.ingest.loki.LokiBodies.pushRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.ingest.loki.LokiBodies.Entry;
import io.lookout.ingest.loki.LokiBodies.Stream;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded, seeded fuzzing of the Loki decoders: mutated valid bodies either decode or fail with a
 * BAD_DATA or TOO_LARGE {@link LookoutException} (a 4xx), never with anything else. Same inputs on
 * every run.
 */
class LokiFuzzTest {
  private static final int TRIES = 3000;

  static byte[] mutate(Random r, byte[] seed) {
    byte[] b = seed.clone();
    int edits = 1 + r.nextInt(4);
    for (int k = 0; k < edits && b.length > 0; k++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(3)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, at); // truncate
        default -> b[at] ^= (byte) (1 << r.nextInt(8));
      }
    }
    return b;
  }

  static void expectOnlyClientErrors(Runnable decode) {
    try {
      decode.run();
    } catch (LookoutException e) {
      assertThat(e.code()).isIn(ErrorCode.BAD_DATA, ErrorCode.TOO_LARGE);
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedProtobufAndSnappyFailOnlyAsClientErrors() {
    Random random = new Random(11L);
    byte[] raw = pushRequest(
        new Stream("{app=\"a\", level=\"info\", msg=\"x\\\"y\\u00e9\"}",
            new Entry(1764151200, 5, "line one", Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))),
        new Stream("{job=\"b\"}", new Entry(1764151201, 0, "line two")));
    byte[] snappy = LokiBodies.snappy(raw);
    for (int i = 0; i < TRIES; i++) {
      byte[] p = mutate(random, raw);
      expectOnlyClientErrors(() -> LokiProtobuf.decode(p, 1));
      byte[] s = mutate(random, snappy);
      expectOnlyClientErrors(() -> LokiProtobuf.decode(LokiProtobuf.decompress(s, s.length, 1 << 16), 1));
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedJsonAndLabelsFailOnlyAsBadData() {
    Random random = new Random(12L);
    String json = "{\"streams\":[{\"stream\":{\"app\":\"a\",\"level\":\"warn\"},\"values\":[[\"1764151200000000001\","
        + "\"line \\\"one\\\"\",{\"span_id\":\"00f067aa0ba902b7\"}],[\"2\",\"two\"]]}]}";
    byte[] seed = json.getBytes(StandardCharsets.UTF_8);
    String labels = "{app=\"a\", msg=\"q\\\"\\x41\\u00e9\\101\", b='c', d=`e`}";
    for (int i = 0; i < TRIES; i++) {
      byte[] j = mutate(random, seed);
      expectOnlyClientErrors(() -> LokiJson.decode(j, j.length, 1));
      String l = new String(mutate(random, labels.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
      expectOnlyClientErrors(() -> LokiLabels.parse(l));
    }
  }
}
