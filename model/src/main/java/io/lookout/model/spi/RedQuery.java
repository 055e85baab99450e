package io.lookout.model.spi;

/**
 * Rate, errors and duration of the spans of one service (and optionally one operation), per step.
 * For one operation, every span of that name counts as a request. For the whole service, only its
 * server and consumer spans count when it has any in the range; otherwise all its spans do.
 *
 * @param operation span name, or null for every operation of the service
 */
public record RedQuery(
    String tenant, String service, String operation, long startNanos, long endNanos, long stepNanos,
    long timeoutMillis) {}
