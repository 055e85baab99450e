package io.lookout.model.spi;

import io.lookout.model.LogRecord;
import java.util.List;

/**
 * One page of log hits, ordered as the query asked.
 *
 * @param nextCursor cursor for the following page, or null when there are no more hits
 */
public record LogPage(List<LogRecord> hits, String nextCursor) {}
