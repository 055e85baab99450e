package io.lookout.model.spi;

/**
 * Calls from one service to another: child spans of another service whose parent span belongs to
 * {@code parent}. {@code errorCount} counts those child spans with error status.
 */
public record DependencyEdge(String parent, String child, long callCount, long errorCount) {}
