package io.lookout.agent.output;

/** The disk queue's byte budget is exhausted; the caller drops (counted) or pauses. */
public final class QueueFullException extends RuntimeException {
  public QueueFullException(String message) {
    super(message, null, false, false);
  }
}
