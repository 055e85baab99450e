package io.lookout.model.regex;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks Go's regexp parser makes that RE2/J does not, to run on every user-supplied regular
 * expression BEFORE it is compiled: RE2/J expands counted repetitions, so
 * {@code ((a{1000}){1000}){1000}} would build a billion-instruction program and exhaust the heap,
 * where Go (and so Prometheus and Alertmanager) refuses it at once with "invalid repeat count".
 */
public final class GoRegex {
  /** Go refuses a repetition count above this, and repetitions nesting to more copies than this. */
  public static final int MAX_REPEAT = 1000;

  private GoRegex() {}

  /**
   * Refuses an expression Go's parser refuses for its repetitions.
   *
   * @param what what the expression is, for the message (e.g. "regular expression")
   * @throws LookoutException BAD_DATA naming the repetition and the limit
   */
  public static void checkRepeats(String what, String re) {
    String problem = repeatProblem(re);
    if (problem != null) {
      throw new LookoutException(ErrorCode.BAD_DATA, "invalid " + what + " '" + re + "': " + problem);
    }
  }

  /**
   * What Go's parser would say of {@code re}'s repetitions ({@code invalid repeat count: `{11}`
   * (...)}), or null when they are within its limit: for callers with an error shape of their own.
   */
  public static String repeatProblem(String re) {
    String bad = invalidRepeat(RegexLexer.tokens(re));
    return bad == null ? null
        : "invalid repeat count: `" + bad + "` (a count is at most " + MAX_REPEAT + ", also when repetitions nest)";
  }

  /**
   * The text of the first repetition that is over {@value #MAX_REPEAT} or nests to more than
   * {@value #MAX_REPEAT} copies of what it repeats, or null when every repetition is within it.
   */
  public static String invalidRepeat(List<RegexToken> tokens) {
    List<int[]> stack = new ArrayList<>(); // per open group: {max chain product so far}
    int frameMax = 1;
    int last = 1; // chain product of the last atom
    for (RegexToken t : tokens) {
      switch (t.kind()) {
        case OPEN -> {
          stack.add(new int[] {frameMax});
          frameMax = 1;
        }
        case CLOSE -> {
          last = frameMax;
          frameMax = stack.isEmpty() ? 1 : stack.remove(stack.size() - 1)[0];
          frameMax = Math.max(frameMax, last);
        }
        case REPEAT -> {
          int m = t.max() >= 0 ? t.max() : t.min();
          if (m > MAX_REPEAT) {
            return t.text();
          }
          long product = m == 0 ? 1 : (long) m * last;
          if (product > MAX_REPEAT) {
            return t.text();
          }
          last = (int) product;
          frameMax = Math.max(frameMax, last);
        }
        case STAR, PLUS, QUEST, FLAGS, ANCHOR, ALT -> { }
        default -> last = 1;
      }
    }
    return null;
  }
}
