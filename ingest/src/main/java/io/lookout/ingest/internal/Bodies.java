package io.lookout.ingest.internal;

import io.lookout.model.LookoutException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Bounded decompression of request bodies and gRPC messages. */
public final class Bodies {
  private static final int CHUNK = 64 * 1024;

  private Bodies() {}

  /**
   * Inflates gzip data (one or more members) into at most {@code limit} bytes; stops reading as
   * soon as the limit is passed, so memory stays bounded whatever the compression ratio.
   *
   * @throws LookoutException too_large past the limit, bad_data for input that is not gzip
   */
  public static ByteSink gunzip(byte[] data, int off, int len, long limit, String what) {
    ByteSink out = new ByteSink((int) Math.min(Integer.MAX_VALUE - 16, Math.max(CHUNK, (long) len * 4)),
        limit, what + " after decompression");
    byte[] chunk = new byte[CHUNK];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data, off, len), CHUNK)) {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        out.write(chunk, 0, n); // throws too_large once past the limit
      }
      return out;
    } catch (ZipException | EOFException e) {
      throw LookoutException.badData("invalid gzip " + what + ": " + lower(e.getMessage())
          + "; send gzip data, or an uncompressed body without a content encoding");
    } catch (IOException e) {
      throw LookoutException.badData("cannot decompress " + what + ": " + lower(e.getMessage()));
    }
  }

  private static String lower(String s) {
    return s == null ? "unexpected end of data" : s.toLowerCase(Locale.ROOT);
  }
}
