package io.lookout.storage.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * FIFO of durable entries waiting for the indexers, bounded by bytes. Bytes are reserved when an
 * append is accepted (before the log write) and released once the entry is indexed, so the budget
 * covers everything between the append call and the index.
 */
public final class IndexQueue {
  private final long budgetBytes;
  private final ArrayDeque<WalEntry> entries = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition drained = lock.newCondition();
  private long reservedBytes;
  /** Drain rate: bytes released in the current window, its start, and the last full window's rate. */
  private long windowBytes;
  private long windowStartNanos = System.nanoTime();
  private double drainBytesPerSecond;

  private static final long WINDOW_NANOS = 1_000_000_000L;
  static final int MAX_RETRY_SECONDS = 30;

  public IndexQueue(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /**
   * Reserves room for an entry; false when over budget. An entry larger than the whole budget
   * is let through when nothing else is reserved, so that it can make progress.
   */
  public boolean tryReserve(long bytes) {
    lock.lock();
    try {
      if (reservedBytes > 0 && reservedBytes + bytes > budgetBytes) {
        return false;
      }
      reservedBytes += bytes;
      return true;
    } finally {
      lock.unlock();
    }
  }

  public void release(long bytes) {
    lock.lock();
    try {
      reservedBytes -= bytes;
      windowBytes += bytes;
      long now = System.nanoTime();
      long elapsed = now - windowStartNanos;
      if (elapsed >= WINDOW_NANOS) {
        drainBytesPerSecond = windowBytes * 1e9 / elapsed;
        windowBytes = 0;
        windowStartNanos = now;
      }
      if (reservedBytes == 0) {
        drained.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  public long reservedBytes() {
    lock.lock();
    try {
      return reservedBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Seconds a refused append of {@code bytes} should wait: the time the indexers need, at their
   * recent rate, to free that much room; at least 1, at most {@value #MAX_RETRY_SECONDS}.
   */
  public int retryAfterSeconds(long bytes) {
    lock.lock();
    try {
      long need = reservedBytes + bytes - budgetBytes;
      if (drainBytesPerSecond <= 0 || need <= 0) {
        return 1;
      }
      return (int) Math.max(1, Math.min(MAX_RETRY_SECONDS, Math.ceil(need / drainBytesPerSecond)));
    } finally {
      lock.unlock();
    }
  }

  /** Seconds the oldest entry waiting for an indexer has waited; 0 when none waits. */
  public double lagSeconds() {
    lock.lock();
    try {
      WalEntry head = entries.peekFirst();
      return head == null ? 0 : Math.max(0, System.nanoTime() - head.queuedNanos) / 1e9;
    } finally {
      lock.unlock();
    }
  }

  public void add(WalEntry e) {
    lock.lock();
    try {
      e.queuedNanos = System.nanoTime();
      entries.addLast(e);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  public WalEntry poll(long timeoutMillis) throws InterruptedException {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (entries.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return entries.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  public boolean isEmpty() {
    lock.lock();
    try {
      return entries.isEmpty();
    } finally {
      lock.unlock();
    }
  }
}
