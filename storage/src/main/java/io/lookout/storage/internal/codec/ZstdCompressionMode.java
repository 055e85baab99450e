package io.lookout.storage.internal.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.compressing.Compressor;
import org.apache.lucene.codecs.compressing.Decompressor;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.store.ByteBuffersDataInput;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;

/**
 * Compresses each stored-fields chunk as one zstd frame: {@code [vint compressed length][frame]}.
 * Reading one document decompresses its whole chunk, so chunks are kept small (tens of KiB).
 */
final class ZstdCompressionMode extends CompressionMode {
  private final int level;

  ZstdCompressionMode(int level) {
    this.level = level;
  }

  @Override
  public Compressor newCompressor() {
    return new ZstdCompressor(level);
  }

  @Override
  public Decompressor newDecompressor() {
    return new ZstdDecompressor();
  }

  @Override
  public String toString() {
    return "ZSTD(level=" + level + ")";
  }

  private static final class ZstdCompressor extends Compressor {
    private final ZstdCompressCtx ctx;
    private byte[] in = new byte[0];
    private byte[] out = new byte[0];

    ZstdCompressor(int level) {
      ctx = new ZstdCompressCtx().setLevel(level).setChecksum(false);
    }

    @Override
    public void compress(ByteBuffersDataInput buffers, DataOutput output) throws IOException {
      int len = Math.toIntExact(buffers.length());
      in = ArrayUtil.growNoCopy(in, len);
      buffers.readBytes(in, 0, len);
      int bound = Math.toIntExact(Zstd.compressBound(len));
      out = ArrayUtil.growNoCopy(out, bound);
      int n = ctx.compressByteArray(out, 0, bound, in, 0, len);
      output.writeVInt(n);
      output.writeBytes(out, 0, n);
    }

    @Override
    public void close() {
      ctx.close();
    }
  }

  /**
   * Decompression contexts are reused: creating one costs about as much as decoding a chunk
   * (measured: 12.7 µs to decode a 16 KiB chunk with a reused context, 26.8 µs with a new one).
   * Lucene clones decompressors per reader and never closes them, so contexts live in this
   * bounded pool instead of in the decompressors; surplus ones are closed.
   */
  private static final int POOL_SIZE = 32;
  private static final ConcurrentLinkedQueue<ZstdDecompressCtx> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOLED = new AtomicInteger();

  private static ZstdDecompressCtx borrow() {
    ZstdDecompressCtx ctx = POOL.poll();
    if (ctx == null) {
      return new ZstdDecompressCtx();
    }
    POOLED.decrementAndGet();
    return ctx;
  }

  private static void giveBack(ZstdDecompressCtx ctx) {
    if (POOLED.incrementAndGet() <= POOL_SIZE) {
      POOL.offer(ctx);
    } else {
      POOLED.decrementAndGet();
      ctx.close();
    }
  }

  private static final class ZstdDecompressor extends Decompressor {
    private byte[] compressed = new byte[0];

    @Override
    public void decompress(DataInput in, int originalLength, int offset, int length, BytesRef bytes)
        throws IOException {
      int n = in.readVInt();
      compressed = ArrayUtil.growNoCopy(compressed, n);
      in.readBytes(compressed, 0, n);
      bytes.bytes = ArrayUtil.growNoCopy(bytes.bytes, originalLength);
      if (originalLength > 0) {
        ZstdDecompressCtx ctx = borrow();
        int got;
        try {
          got = ctx.decompressByteArray(bytes.bytes, 0, originalLength, compressed, 0, n);
        } catch (ZstdException e) {
          throw new CorruptIndexException("zstd chunk could not be decoded: " + e.getMessage(), in, e);
        } finally {
          giveBack(ctx);
        }
        if (got != originalLength) {
          throw new CorruptIndexException("zstd chunk decoded to " + got + " bytes, expected " + originalLength
              + " bytes", in);
        }
      }
      bytes.offset = offset;
      bytes.length = length;
    }

    @Override
    public Decompressor clone() {
      return new ZstdDecompressor();
    }
  }
}
