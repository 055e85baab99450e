package io.lookout.bench;

/** How the corpus stamps record timestamps. */
public enum TimeMode {
  /** Spread in record order over the window ending at the anchor, a few seconds of jitter. */
  SPREAD,
  /** The wall-clock time when the record is generated. */
  NOW
}
