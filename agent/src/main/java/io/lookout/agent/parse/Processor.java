package io.lookout.agent.parse;

import io.lookout.agent.config.FileInputConfig;
import io.lookout.agent.config.FileInputConfig.DropRule;
import io.lookout.agent.config.FileInputConfig.RedactRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Everything between the text of a record and the event to send, for one {@code files:} entry:
 * parse, rename, timestamp and severity extraction, static attributes, drop, redact.
 * One instance per input thread.
 */
public final class Processor {
  /** Outcome counters, read by the input's metrics. */
  public long parseFailures;
  public long dropped;

  private static final String[] TIME_KEYS = {"time", "ts", "timestamp", "@timestamp", "datetime", "date"};
  private static final String[] LEVEL_KEYS = {"level", "severity", "lvl", "loglevel", "log.level", "severity_text", "levelname"};

  private final LineParser parser;
  private final boolean structured;
  private final Map<String, String> rename;
  private final String[] timeKeys;
  private final boolean keepTime;
  private final Timestamps timestamps;
  private final String[] levelKeys;
  private final boolean keepLevel;
  private final boolean levelFromBody;
  private final Map<String, String> staticAttributes;
  private final List<DropRule> drop;
  private final List<RedactRule> redact;
  private final String[] word = new String[1];

  public Processor(FileInputConfig c) {
    this.parser = switch (c.parser()) {
      case JSON -> new JsonLineParser();
      case LOGFMT -> new LogfmtParser();
      case REGEX -> new RegexLineParser(c.pattern());
      case NONE -> LineParser.NONE;
    };
    this.structured = c.parser() != FileInputConfig.ParserKind.NONE;
    this.rename = c.rename();
    this.timeKeys = c.timestamp().field() == null ? TIME_KEYS : new String[] {c.timestamp().field()};
    this.keepTime = c.timestamp().keep();
    this.timestamps = new Timestamps(c.timestamp().format());
    this.levelKeys = c.severity().field() == null ? LEVEL_KEYS : new String[] {c.severity().field()};
    this.keepLevel = c.severity().keep();
    this.levelFromBody = c.severity().fromBody();
    this.staticAttributes = c.attributes();
    this.drop = c.drop();
    this.redact = new ArrayList<>(c.redact());
  }

  /** Builds the event for one record's text, or returns null when a drop rule matched. */
  public Event process(String text) {
    Event e = new Event(text);
    if (!parser.parse(text, e)) {
      parseFailures++;
      e.body = text;
      e.attributes = null;
    }
    if (structured && e.hasAttributes()) {
      if (!rename.isEmpty()) {
        for (Map.Entry<String, String> r : rename.entrySet()) {
          Object v = e.attributes.remove(r.getKey());
          if (v != null) {
            e.attributes.put(r.getValue(), v);
          }
        }
      }
      for (String k : timeKeys) {
        Object v = e.attributes.get(k);
        if (v != null) {
          long t = timestamps.parse(v);
          if (t != 0) {
            e.timeNanos = t;
            if (!keepTime) {
              e.attributes.remove(k);
            }
            break;
          }
        }
      }
      for (String k : levelKeys) {
        Object v = e.attributes.get(k);
        if (v != null) {
          int n = Severities.number(v);
          if (n != 0) {
            e.severityNumber = n;
            e.severityText = v instanceof Number ? io.lookout.model.Severity.textOf(n) : v.toString().toUpperCase(java.util.Locale.ROOT);
            if (!keepLevel) {
              e.attributes.remove(k);
            }
            break;
          }
        }
      }
      Object trace = e.attributes.get("trace_id");
      if (trace instanceof String s && s.length() == 32) {
        e.traceId = s.toLowerCase(java.util.Locale.ROOT);
        e.attributes.remove("trace_id");
        if (e.attributes.get("span_id") instanceof String sp && sp.length() == 16) {
          e.spanId = sp.toLowerCase(java.util.Locale.ROOT);
          e.attributes.remove("span_id");
        }
      }
    }
    if (e.severityNumber == 0 && levelFromBody) {
      int n = Severities.find(e.body, word);
      if (n != 0) {
        e.severityNumber = n;
        e.severityText = word[0];
      }
    }
    if (!staticAttributes.isEmpty()) {
      e.attributes().putAll(staticAttributes);
    }
    for (DropRule d : drop) {
      Object v = d.field().equals("body") ? e.body : e.attributes == null ? null : e.attributes.get(d.field());
      if (v != null && d.pattern().matcher(v.toString()).find()) {
        dropped++;
        return null;
      }
    }
    for (RedactRule r : redact) {
      e.body = mask(r, e.body);
      if (e.attributes != null) {
        for (Map.Entry<String, Object> a : e.attributes.entrySet()) {
          if (a.getValue() instanceof String s) {
            a.setValue(mask(r, s));
          }
        }
      }
    }
    return e;
  }

  private static String mask(RedactRule r, String s) {
    Matcher m = r.pattern().matcher(s);
    return m.find() ? m.replaceAll(r.replacement()) : s;
  }
}
