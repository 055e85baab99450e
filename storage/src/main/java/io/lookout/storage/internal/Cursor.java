package io.lookout.storage.internal;

import io.lookout.model.LookoutException;
import java.nio.ByteBuffer;
import java.util.Base64;

/** Opaque page cursor: the (timestamp, id) of the last hit, base64url. */
public record Cursor(long ts, long id) {
  public String encode() {
    byte[] b = ByteBuffer.allocate(16).putLong(ts).putLong(id).array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static Cursor decode(String s) {
    try {
      byte[] b = Base64.getUrlDecoder().decode(s);
      if (b.length == 16) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new Cursor(bb.getLong(), bb.getLong());
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw LookoutException.badData("invalid cursor: pass the nextCursor of the previous page unchanged");
  }
}
