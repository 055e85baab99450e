package io.lookout.agent.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code parser: regex}: named groups become attributes; a group named {@code message},
 * {@code msg} or {@code body} becomes the body (otherwise the whole text stays the body).
 */
public final class RegexLineParser implements LineParser {
  private final Pattern pattern;
  private final List<String> groups;

  public RegexLineParser(Pattern pattern) {
    this.pattern = pattern;
    this.groups = new ArrayList<>(pattern.namedGroups().keySet());
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("pattern '" + pattern + "' has no named group (use (?<name>...))");
    }
  }

  @Override
  public boolean parse(String text, Event into) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      return false;
    }
    Map<String, Object> attrs = into.attributes();
    for (String g : groups) {
      String v = m.group(g);
      if (v != null) {
        attrs.put(g, v);
      }
    }
    Object body = into.take("message", "msg", "body");
    if (body != null) {
      into.body = body.toString();
    }
    return true;
  }
}
