package io.lookout.storage.internal.codec;

import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;

/**
 * Lucene's default codec with zstd-compressed stored fields. Registered through SPI under
 * {@link #NAME}, which every segment written with it records, so readers find it again. Indexes
 * written before (codec {@code Lucene104}) still open; their segments convert as they merge.
 */
public final class LookoutCodec extends FilterCodec {
  public static final String NAME = "Lookout104";
  /** zstd level: on log records level 1 compresses as well as 3 (and DEFLATE) and is the fastest. */
  static final int LEVEL = 1;
  /** Bytes per compressed chunk; reading one document decompresses its chunk. */
  static final int CHUNK_BYTES = 60 * 1024;
  static final int MAX_DOCS_PER_CHUNK = 1024;

  private final StoredFieldsFormat storedFields = new Lucene90CompressingStoredFieldsFormat(
      "LookoutZstdStoredFields", new ZstdCompressionMode(LEVEL), CHUNK_BYTES, MAX_DOCS_PER_CHUNK, 10);

  public LookoutCodec() {
    super(NAME, new Lucene104Codec());
  }

  @Override
  public StoredFieldsFormat storedFieldsFormat() {
    return storedFields;
  }
}
