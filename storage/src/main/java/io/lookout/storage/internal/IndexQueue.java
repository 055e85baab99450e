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

  public void add(WalEntry e) {
    lock.lock();
    try {
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
