package io.lookout.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OtlpSenderTest {
  @Test
  void readsRetryAfterSecondsAndCapsIt() {
    assertThat(OtlpSender.retryAfter("2")).isEqualTo(Duration.ofSeconds(2));
    assertThat(OtlpSender.retryAfter("0.5")).isEqualTo(Duration.ofMillis(500));
    assertThat(OtlpSender.retryAfter("3600")).isEqualTo(OtlpSender.MAX_RETRY_AFTER);
    assertThat(OtlpSender.retryAfter(null)).isEqualTo(OtlpSender.DEFAULT_RETRY_AFTER);
    assertThat(OtlpSender.retryAfter("soon")).isEqualTo(OtlpSender.DEFAULT_RETRY_AFTER);
    assertThat(OtlpSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
  }

  @Test
  void summarisesLatencies() {
    Latencies l = Latencies.of(new long[] {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000});
    assertThat(l.p50Millis()).isEqualTo(3.0);
    assertThat(l.p90Millis()).isEqualTo(5.0);
    assertThat(l.p99Millis()).isEqualTo(5.0);
    assertThat(l.cell99()).isEqualTo("3.00 / 5.00");
    long[] hundred = java.util.stream.LongStream.rangeClosed(1, 100).map(i -> i * 1_000_000).toArray();
    assertThat(Latencies.of(hundred).p99Millis()).isEqualTo(99.0);
    assertThat(ApiClient.time(1_764_151_200_000_000_007L)).isEqualTo("1764151200.000000007");
  }
}
