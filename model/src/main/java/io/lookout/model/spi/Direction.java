package io.lookout.model.spi;

/** Order of log hits by timestamp. */
public enum Direction {
  BACKWARD,
  FORWARD
}
