package io.lookout.storage.internal;

/** Stored bytes that do not decode: a torn write-ahead-log tail or a damaged file. */
public final class CorruptDataException extends RuntimeException {
  public CorruptDataException(String message) {
    super(message);
  }
}
