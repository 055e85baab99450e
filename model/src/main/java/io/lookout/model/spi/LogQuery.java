package io.lookout.model.spi;

/**
 * A log search.
 *
 * @param tenant the one tenant this query reads
 * @param query Lucene query syntax over the log fields; empty or {@code *} matches everything
 * @param startNanos inclusive lower bound of the record timestamp
 * @param endNanos inclusive upper bound of the record timestamp
 * @param limit maximum hits to return (already validated by the API)
 * @param direction {@link Direction#BACKWARD} = newest first
 * @param cursor opaque cursor from a previous page, or null for the first page
 * @param timeoutMillis the query's time budget
 */
public record LogQuery(
    String tenant,
    String query,
    long startNanos,
    long endNanos,
    int limit,
    Direction direction,
    String cursor,
    long timeoutMillis) {}
