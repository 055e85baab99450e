package io.lookout.bench.internal;

/** A benchmark result printable as a Markdown table row under its header. */
public interface ResultRow {
  /** The header line and the separator line of the table. */
  String header();

  /** This result as one table row. */
  String row();
}
