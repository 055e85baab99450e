package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.ingest.internal.ExportPipeline;
import io.lookout.ingest.internal.IngestMetrics;
import io.lookout.ingest.internal.Signal;
import io.lookout.ingest.metrics.OtlpToPrometheus;
import io.lookout.ingest.metrics.RandomMetrics;
import io.lookout.ingest.metrics.RemoteWriteDecoder;
import io.lookout.ingest.metrics.LabelsCache;
import io.lookout.ingest.metrics.SpanMetrics;
import io.lookout.model.LookoutException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded, seeded fuzzing of the OTLP protobuf and JSON decoders and the remote_write decoder:
 * mutated valid requests and random bytes either decode or fail with a {@link LookoutException}
 * (which the receivers answer as 4xx), never with anything else. Same inputs on every run.
 */
class DecoderFuzzTest {
  private static final int TRIES = 3000;
  private final MemoryStores stores = new MemoryStores();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExportPipeline pipeline = new ExportPipeline(stores.logs, stores.spans, stores.metrics,
      new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, registry), SpanMetrics.disabled(), 1 << 20,
      IngestMetrics.of(registry), new OtlpDecoder());

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // hang detector
  void mutatedProtobufExportsFailOnlyAsBadData() {
    Random random = new Random(6L);
    List<byte[]> seeds = List.of(Fixtures.logs().toByteArray(), Fixtures.spans().toByteArray(),
        Fixtures.metrics().toByteArray());
    for (int i = 0; i < TRIES; i++) {
      int which = random.nextInt(3);
      byte[] input = mutate(random, seeds.get(which));
      export(Signal.values()[which], input, ExportPipeline.Format.PROTOBUF);
    }
  }

  /** The byte-level metrics decoder on random requests of every metric type, scrambled, then mutated. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedRandomMetricsExportsFailOnlyAsBadData() {
    Random random = new Random(9L);
    RandomMetrics gen = new RandomMetrics(10L, true);
    for (int i = 0; i < TRIES; i++) {
      export(Signal.METRICS, mutate(random, gen.encode(gen.request())), ExportPipeline.Format.PROTOBUF);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedJsonExportsFailOnlyAsBadData() {
    Random random = new Random(7L);
    List<byte[]> seeds = List.of(Fixtures.logsJson().getBytes(StandardCharsets.UTF_8),
        Fixtures.spansJson().getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < TRIES; i++) {
      int which = random.nextInt(2);
      export(which == 0 ? Signal.LOGS : Signal.TRACES, mutate(random, seeds.get(which)), ExportPipeline.Format.JSON);
    }
    // deep nesting is bounded by the parser, not the stack
    String deep = "{\"resourceLogs\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    export(Signal.LOGS, deep.getBytes(StandardCharsets.UTF_8), ExportPipeline.Format.JSON);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutatedRemoteWriteRequestsFailOnlyAsBadData() {
    Random random = new Random(8L);
    byte[] seed = RemoteWrite.request(
        RemoteWrite.series(RemoteWrite.labels("__name__", "up", "job", "a"), 1, 1000, 2, 2000),
        RemoteWrite.series(RemoteWrite.labels("__name__", "x", "le", "0.5"), 3, 1000));
    LabelsCache cache = new LabelsCache(1000);
    for (int i = 0; i < TRIES; i++) {
      byte[] input = mutate(random, seed);
      try {
        RemoteWriteDecoder.parse(input, cache);
      } catch (LookoutException expected) {
        // a 400
      }
      byte[] snappy = mutate(random, RemoteWrite.snappy(seed));
      try {
        RemoteWriteDecoder.decompress(snappy, snappy.length, 1 << 20);
      } catch (LookoutException expected) {
        // a 400 or 413
      }
    }
  }

  private void export(Signal signal, byte[] input, ExportPipeline.Format format) {
    try {
      pipeline.export(signal, "fuzz", input, input.length, format, IngestMetrics.HTTP).join();
    } catch (LookoutException expected) {
      assertThat(expected.code().httpStatus()).isLessThan(500);
    }
  }

  private static byte[] mutate(Random random, byte[] seed) {
    if (random.nextInt(10) == 0) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      return noise;
    }
    byte[] b = seed.clone();
    int edits = 1 + random.nextInt(8);
    for (int k = 0; k < edits && b.length > 0; k++) {
      int pos = random.nextInt(b.length);
      switch (random.nextInt(3)) {
        case 0 -> b[pos] = (byte) random.nextInt(256);
        case 1 -> b[pos] ^= (byte) (1 << random.nextInt(8));
        default -> {
          int cut = random.nextInt(b.length - pos + 1);
          byte[] shorter = new byte[b.length - cut];
          System.arraycopy(b, 0, shorter, 0, pos);
          System.arraycopy(b, pos + cut, shorter, pos, b.length - pos - cut);
          b = shorter;
        }
      }
    }
    return b;
  }
}
