package io.lookout.model.spi;

/**
 * Outcome of a durable append: how many records were kept and how many were rejected (for
 * example timestamps older than the retention), with a message explaining the rejections. Maps
 * onto OTLP's partial success.
 */
public record AppendResult(long accepted, long rejected, String message) {
  public static AppendResult all(long accepted) {
    return new AppendResult(accepted, 0, "");
  }
}
