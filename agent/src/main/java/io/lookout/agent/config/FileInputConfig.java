package io.lookout.agent.config;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One {@code files:} entry: which files to tail and how to turn their lines into log records.
 *
 * @param paths glob patterns ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}, {@code **}); required
 * @param exclude glob patterns of files to skip
 * @param service {@code service.name} of the records; absent = the server's {@code unknown_service}
 * @param startAt where to start in a file never seen before that exists at startup
 * @param encoding charset of the files (UTF-8, ISO-8859-1, UTF-16LE, UTF-16BE, ...)
 * @param maxLineBytes longer lines are cut to this many bytes (counted as truncations)
 * @param multiline how lines are joined into records
 * @param parser json | logfmt | regex | none
 * @param pattern the regex with named groups, for {@code parser: regex}
 * @param timestamp where the event time comes from
 * @param severity where the severity comes from
 * @param attributes static attributes added to every record
 * @param resource extra resource attributes of this input
 * @param drop records matching any rule are dropped
 * @param rename attribute renames, old key to new key
 * @param redact masking rules applied to the body and string attributes
 */
public record FileInputConfig(
    List<String> paths,
    List<String> exclude,
    String service,
    StartAt startAt,
    String encoding,
    ByteSize maxLineBytes,
    Multiline multiline,
    ParserKind parser,
    Pattern pattern,
    TimestampRule timestamp,
    SeverityRule severity,
    Map<String, String> attributes,
    Map<String, String> resource,
    List<DropRule> drop,
    Map<String, String> rename,
    List<RedactRule> redact) {

  public static final ByteSize DEFAULT_MAX_LINE_BYTES = ByteSize.ofBytes(64 * 1024);

  public FileInputConfig {
    if (paths == null || paths.isEmpty()) {
      throw new IllegalArgumentException("paths must list at least one glob pattern (e.g. [\"/var/log/app/*.log\"])");
    }
    for (String p : paths) {
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException("paths must not contain an empty pattern");
      }
    }
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    startAt = startAt == null ? StartAt.BEGINNING : startAt;
    encoding = encoding == null ? "UTF-8" : encoding;
    if (!Charset.isSupported(encoding)) {
      throw new IllegalArgumentException("unsupported encoding '" + encoding
          + "' (allowed: a Java charset name such as UTF-8, ISO-8859-1, UTF-16LE, UTF-16BE, US-ASCII)");
    }
    maxLineBytes = maxLineBytes == null ? DEFAULT_MAX_LINE_BYTES : maxLineBytes;
    if (maxLineBytes.bytes() < 16 || maxLineBytes.bytes() > 16 << 20) {
      throw new IllegalArgumentException("max_line_bytes " + maxLineBytes.bytes() + " is out of range (allowed: 16B to 16MiB)");
    }
    multiline = multiline == null ? Multiline.DEFAULT : multiline;
    parser = parser == null ? ParserKind.NONE : parser;
    if (parser == ParserKind.REGEX && pattern == null) {
      throw new IllegalArgumentException("parser: regex needs a pattern with named groups (e.g. pattern: '^(?<time>\\S+) (?<level>\\w+) (?<message>.*)$')");
    }
    if (parser != ParserKind.REGEX && pattern != null) {
      throw new IllegalArgumentException("pattern is only used with parser: regex");
    }
    timestamp = timestamp == null ? TimestampRule.DEFAULT : timestamp;
    severity = severity == null ? SeverityRule.DEFAULT : severity;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    resource = resource == null ? Map.of() : Map.copyOf(resource);
    drop = drop == null ? List.of() : List.copyOf(drop);
    rename = rename == null ? Map.of() : Map.copyOf(rename);
    redact = redact == null ? List.of() : List.copyOf(redact);
  }

  public Charset charset() {
    return Charset.forName(encoding);
  }

  /** Where reading starts in a file with no checkpoint found in the first scan after startup. */
  public enum StartAt { BEGINNING, END }

  /** How the lines of a record are parsed. */
  public enum ParserKind { JSON, LOGFMT, REGEX, NONE }

  /**
   * Multiline joining.
   *
   * @param startPattern a line matching it starts a new record, other lines continue the current one
   * @param javaStackTraces when no start pattern is set, join Java stack trace lines (indented
   *     lines, {@code at ...}, {@code Caused by:}, {@code ... N more}, exception class lines) to the
   *     record before them
   * @param timeout a pending record is emitted after this long without a new line
   * @param maxLines a record is emitted once it has this many lines
   */
  public record Multiline(Pattern startPattern, Boolean javaStackTraces, Duration timeout, Integer maxLines) {
    public static final Multiline DEFAULT = new Multiline(null, null, null, null);

    public Multiline {
      javaStackTraces = javaStackTraces == null || javaStackTraces;
      timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
      maxLines = maxLines == null ? 1000 : maxLines;
      if (maxLines < 1) {
        throw new IllegalArgumentException("max_lines must be at least 1");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive (e.g. 1s)");
      }
    }
  }

  /**
   * Event time extraction.
   *
   * @param field attribute holding the time; absent = the first of time, ts, timestamp, @timestamp
   * @param format auto | rfc3339 | unix | unix_ms | unix_us | unix_ns | a java.time pattern
   *     such as {@code yyyy-MM-dd HH:mm:ss,SSS} (read as UTC unless it has a zone)
   * @param keep keep the field as an attribute after using it
   */
  public record TimestampRule(String field, String format, Boolean keep) {
    public static final TimestampRule DEFAULT = new TimestampRule(null, null, null);

    public TimestampRule {
      format = format == null ? "auto" : format;
      keep = keep != null && keep;
    }
  }

  /**
   * Severity extraction.
   *
   * @param field attribute holding the level; absent = the first of level, severity, lvl, loglevel
   * @param fromBody when no field holds it, look for a level word (ERROR, WARN, INFO, ...) in
   *     the first 64 characters of the body
   * @param keep keep the field as an attribute after using it
   */
  public record SeverityRule(String field, Boolean fromBody, Boolean keep) {
    public static final SeverityRule DEFAULT = new SeverityRule(null, null, null);

    public SeverityRule {
      fromBody = fromBody == null || fromBody;
      keep = keep != null && keep;
    }
  }

  /**
   * Drops records whose field (default: the body) matches.
   *
   * @param field {@code body} or an attribute key
   */
  public record DropRule(Pattern pattern, String field) {
    public DropRule {
      if (pattern == null) {
        throw new IllegalArgumentException("a drop rule needs a pattern");
      }
      field = field == null ? "body" : field;
    }
  }

  /**
   * Replaces every match in the body and in string attributes.
   *
   * @param replacement default {@code ***}; {@code $1} refers to a group
   */
  public record RedactRule(Pattern pattern, String replacement) {
    public RedactRule {
      if (pattern == null) {
        throw new IllegalArgumentException("a redact rule needs a pattern");
      }
      replacement = replacement == null ? "***" : replacement;
    }
  }
}
