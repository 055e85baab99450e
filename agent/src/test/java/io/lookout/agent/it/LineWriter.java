package io.lookout.agent.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes numbered lines to a file at a steady rate on its own thread; rotations hold its lock. */
final class LineWriter implements AutoCloseable {
  private final Path file;
  private final String prefix;
  private final int total;
  private final int linesPerTick;
  private final Thread thread;
  private final Object lock = new Object();
  private OutputStream out;
  private volatile int written;
  private volatile Throwable failure;

  LineWriter(Path file, String prefix, int total, int linesPerSecond) throws IOException {
    this.file = file;
    this.prefix = prefix;
    this.total = total;
    this.linesPerTick = Math.max(1, linesPerSecond / 100);
    this.out = open();
    this.thread = Thread.ofPlatform().name("line-writer").unstarted(this::run);
  }

  static String line(String prefix, int i) {
    return String.format("%s %06d INFO request served path=/api/items/%d status=200 bytes=%d", prefix, i, i % 97, i * 7);
  }

  private OutputStream open() throws IOException {
    return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  LineWriter start() {
    thread.start();
    return this;
  }

  int written() {
    return written;
  }

  boolean done() {
    return written >= total;
  }

  /** Rename rotation: the file moves to {@code to}, the writer reopens a new file at the old path. */
  void rotateByRename(Path to) throws IOException {
    synchronized (lock) {
      out.close();
      Files.move(file, to);
      out = open();
    }
  }

  /** Copy-truncate rotation: the content is copied to {@code to}, then the file is truncated in place. */
  void rotateByCopyTruncate(Path to) throws IOException {
    synchronized (lock) {
      out.flush();
      Files.copy(file, to);
      try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(0);
      }
    }
  }

  private void run() {
    try {
      long next = System.nanoTime();
      while (written < total) {
        synchronized (lock) {
          StringBuilder b = new StringBuilder();
          int n = Math.min(linesPerTick, total - written);
          for (int i = 1; i <= n; i++) {
            b.append(line(prefix, written + i)).append('\n');
          }
          out.write(b.toString().getBytes(StandardCharsets.UTF_8));
          out.flush();
          written += n;
        }
        next += 10_000_000L;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  void awaitWritten(int n) {
    Http.await(n + " lines written", java.time.Duration.ofSeconds(120), () -> {
      if (failure != null) {
        throw new AssertionError("writer failed", failure);
      }
      return written >= n;
    });
  }

  @Override
  public void close() throws Exception {
    thread.interrupt();
    thread.join(5000);
    synchronized (lock) {
      out.close();
    }
  }
}
