package io.lookout.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.spi.AppendResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexQueueTest {
  private static WalEntry entry() {
    return WalEntry.ofLogs("t", 0, List.of(), AppendResult.all(0));
  }

  @Test
  void lagIsZeroWhenEmptyAndGrowsWhileAnEntryWaits() throws InterruptedException {
    IndexQueue q = new IndexQueue(1 << 20);
    assertThat(q.lagSeconds()).isZero();
    q.add(entry());
    long start = System.nanoTime();
    while (q.lagSeconds() == 0 && System.nanoTime() - start < 5_000_000_000L) {
      Thread.onSpinWait();
    }
    assertThat(q.lagSeconds()).isPositive();
    assertThat(q.poll(0)).isNotNull();
    assertThat(q.lagSeconds()).isZero();
  }

  @Test
  void retryAfterIsAtLeastOneSecondAndBounded() {
    IndexQueue q = new IndexQueue(1000);
    assertThat(q.tryReserve(1000)).isTrue();
    assertThat(q.tryReserve(10)).isFalse();
    int retry = q.retryAfterSeconds(10);
    assertThat(retry).isBetween(1, IndexQueue.MAX_RETRY_SECONDS);
    q.release(1000);
    assertThat(q.retryAfterSeconds(10)).isEqualTo(1);
  }
}
