package io.lookout.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

/** Gzip helpers for request bodies and gRPC messages. */
final class Gzip {
  private Gzip() {}

  static byte[] of(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** 16 concatenated gzip members of 64 MiB of zeros each: 1 GiB inflated, about 1 MiB on the wire. */
  static byte[] bombOf1GiB() throws IOException {
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (GZIPOutputStream gz = new GZIPOutputStream(member, 1 << 16)) {
      for (int i = 0; i < 64; i++) {
        gz.write(zeros);
      }
    }
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    for (int i = 0; i < 16; i++) {
      member.writeTo(bomb);
    }
    return bomb.toByteArray();
  }
}
