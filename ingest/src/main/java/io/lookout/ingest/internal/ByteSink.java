package io.lookout.ingest.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import java.util.Arrays;

/** A growable byte array that refuses to grow past a limit; never holds more than the limit. */
public final class ByteSink {
  private final long limit;
  private final String what;
  private byte[] buf;
  private int size;

  /**
   * @param initialCapacity first allocation (clamped to the limit)
   * @param limit most bytes accepted; writing more throws {@link ErrorCode#TOO_LARGE}
   * @param what the thing being limited, for the error message ("request body")
   */
  public ByteSink(int initialCapacity, long limit, String what) {
    this.limit = limit;
    this.what = what;
    this.buf = new byte[(int) Math.max(16, Math.min(initialCapacity, limit))];
  }

  /** Reserves room for {@code n} more bytes and returns the array to write into at {@link #size()}. */
  public byte[] reserve(int n) {
    long needed = (long) size + n;
    if (needed > limit) {
      throw tooLarge(limit, what);
    }
    if (needed > buf.length) {
      long grown = Math.max(needed, Math.min(limit, (long) buf.length * 2));
      buf = Arrays.copyOf(buf, (int) grown);
    }
    return buf;
  }

  /** Marks {@code n} bytes written after a {@link #reserve(int)}. */
  public void advance(int n) {
    size += n;
  }

  public void write(byte[] src, int off, int len) {
    System.arraycopy(src, off, reserve(len), size, len);
    size += len;
  }

  public int size() {
    return size;
  }

  /** The backing array; only the first {@link #size()} bytes are data. */
  public byte[] array() {
    return buf;
  }

  public byte[] toByteArray() {
    return buf.length == size ? buf : Arrays.copyOf(buf, size);
  }

  public static LookoutException tooLarge(long limit, String what) {
    return new LookoutException(ErrorCode.TOO_LARGE,
        what + " exceeds the limit of " + limit + " bytes (LOOKOUT_MAX_REQUEST_BYTES): send smaller"
            + " batches or raise the limit");
  }
}
