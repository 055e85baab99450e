package io.lookout.server.limits;

/**
 * The average data rate of one request body, for {@link HeadDeadlineHandler}: bytes received over
 * the time since the body's clock started, counting only the time while the server was reading
 * the connection. Time while the server does not read (Vert.x paused the channel because a
 * handler has not taken the data yet) is the server's, not the client's, and does not count.
 *
 * <p>Plain arithmetic on {@code System.nanoTime()}-style instants passed in by the caller; used on
 * one event loop only, so no locking.
 */
final class BodyMeter {
  /** {@link #check} result when the average rate is below the minimum after the grace period. */
  static final long TOO_SLOW = -1;

  private final long minBytesPerSecond;
  private final long graceNanos;
  private boolean running;
  private long bytes;
  /** Reading time accumulated before {@link #since}. */
  private long readNanos;
  /** Start of the current reading interval, meaningful while {@link #reading}. */
  private long since;
  /** Last instant the server was seen reading in the current interval. */
  private long lastSeen;
  private boolean reading;

  BodyMeter(long minBytesPerSecond, long graceNanos) {
    if (minBytesPerSecond < 1 || graceNanos < 1) {
      throw new IllegalArgumentException("minimum body rate and grace must be positive, got " + minBytesPerSecond
          + " B/s and " + graceNanos + "ns");
    }
    this.minBytesPerSecond = minBytesPerSecond;
    this.graceNanos = graceNanos;
  }

  /** Starts the clock of a new body at {@code now}; {@code reading} says whether the server reads the connection. */
  void start(long now, boolean reading) {
    running = true;
    bytes = 0;
    readNanos = 0;
    since = now;
    lastSeen = now;
    this.reading = reading;
  }

  boolean running() {
    return running;
  }

  /** The body is complete (or the connection is gone). */
  void stop() {
    running = false;
  }

  void received(long n) {
    bytes += n;
  }

  long bytes() {
    return bytes;
  }

  /**
   * The server reads the connection at {@code now} ({@code reading}) or not. A pause is taken to
   * have begun at the last instant the server was seen reading, so a pause noticed late never
   * counts against the client.
   */
  void reading(long now, boolean reading) {
    if (reading && this.reading) {
      lastSeen = Math.max(lastSeen, now);
    } else if (reading) {
      since = now;
      lastSeen = now;
      this.reading = true;
    } else if (this.reading) {
      readNanos += Math.max(0, lastSeen - since);
      this.reading = false;
    }
  }

  boolean reading() {
    return reading;
  }

  /** Reading time since the clock started, as of {@code now}. */
  long elapsed(long now) {
    return readNanos + (reading ? Math.max(0, now - since) : 0);
  }

  /**
   * {@link #TOO_SLOW} when, at {@code now}, the grace period has passed and the average rate is
   * below the minimum; otherwise the reading time left before that could first be true (at least
   * 1 ns), assuming no more bytes arrive.
   */
  long check(long now) {
    long elapsed = elapsed(now);
    // The rate is below the minimum once elapsed > bytes / min; bytes are bounded by body limits,
    // but stay safe from overflow with a double
    double earned = bytes * (1e9 / minBytesPerSecond);
    long okUntil = Math.max(graceNanos, earned >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) earned);
    if (elapsed >= graceNanos && elapsed > okUntil) {
      return TOO_SLOW;
    }
    return okUntil - elapsed + 1;
  }

  /** Average bytes per second over the reading time as of {@code now} (for messages). */
  long rate(long now) {
    long elapsed = elapsed(now);
    return elapsed <= 0 ? 0 : (long) (bytes * 1e9 / elapsed);
  }
}
