package io.lookout.storage.internal;

/** The kinds of data the write-ahead log carries; the code is stored in each entry. */
public enum Signal {
  LOGS(1, "logs"),
  SPANS(2, "spans"),
  /**
   * Raw OTLP metric exports, written only by the first version: decoded and skipped on replay.
   * Its directory name is the time-series store's directory.
   */
  METRICS(3, "metrics"),
  /** Time series in the Prometheus model. */
  SAMPLES(4, "samples");

  private final int code;
  private final String dirName;

  Signal(int code, String dirName) {
    this.code = code;
    this.dirName = dirName;
  }

  public int code() {
    return code;
  }

  /** Directory under the data directory, also the {@code signal} metric label. */
  public String dirName() {
    return dirName;
  }

  public static Signal ofCode(int code) {
    for (Signal s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown signal code " + code);
  }
}
