package io.lookout.storage.internal;

import io.lookout.model.LookoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque trace-search cursor: the key (earliest matching start, trace id) of the last trace. */
record TraceCursor(long start, String traceId) {
  String encode() {
    byte[] id = traceId.getBytes(StandardCharsets.UTF_8);
    byte[] b = ByteBuffer.allocate(8 + id.length).putLong(start).put(id).array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static TraceCursor decode(String s) {
    try {
      byte[] b = Base64.getUrlDecoder().decode(s);
      if (b.length > 8 && b.length <= 8 + 4 * Documents.MAX_KEYWORD) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        long start = bb.getLong();
        return new TraceCursor(start, new String(b, 8, b.length - 8, StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw LookoutException.badData("invalid cursor: pass the nextCursor of the previous page unchanged");
  }
}
