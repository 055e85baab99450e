package io.lookout.agent.parse;

/** Turns the text of one record into an event; never throws for bad input. */
public interface LineParser {
  /**
   * Parses {@code text}. Returns false when the text did not have the expected form; the event
   * then carries the text as its body.
   */
  boolean parse(String text, Event into);

  /** {@code parser: none}: the text is the body. */
  LineParser NONE = (text, into) -> true;
}
