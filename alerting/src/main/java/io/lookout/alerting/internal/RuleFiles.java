package io.lookout.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.alerting.rules.RuleFile;
import io.lookout.alerting.rules.RuleParser;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule files of {@code LOOKOUT_RULES_DIR}: every {@code *.yml} / {@code *.yaml} directly in
 * the directory. {@link #scan()} re-reads files whose size or modification time changed; a file
 * that no longer parses keeps its last good version, and its error is reported until fixed.
 */
final class RuleFiles {
  private static final Logger LOG = LoggerFactory.getLogger(RuleFiles.class);
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The state of one file. */
  record FileStatus(String path, boolean healthy, String error, Instant loadedAt, RuleFile good) {}

  private record Stamp(long size, long mtimeNanos) {}

  private final Path dir;
  private final Map<Path, Stamp> stamps = new TreeMap<>();
  private final Map<Path, FileStatus> files = new TreeMap<>();

  RuleFiles(Path dir) {
    this.dir = dir;
  }

  /** Re-reads changed files; returns true when anything changed (content, errors or the file set). */
  synchronized boolean scan(Instant now) {
    if (dir == null) {
      return false;
    }
    Map<Path, Stamp> seen = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{yml,yaml}")) {
        for (Path p : ds) {
          try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isRegularFile()) {
              seen.put(p, new Stamp(a.size(), a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                  + a.lastModifiedTime().toInstant().getNano()));
            }
          } catch (IOException e) {
            // vanished between listing and reading: treated as removed
          }
        }
      } catch (IOException e) {
        LOG.warn("cannot list rule directory {}: {}", dir, e.toString());
        return false;
      }
    }
    boolean changed = false;
    for (Path p : new ArrayList<>(files.keySet())) {
      if (!seen.containsKey(p)) {
        files.remove(p);
        stamps.remove(p);
        changed = true;
        LOG.info("rule file {} removed", p);
      }
    }
    for (Map.Entry<Path, Stamp> e : seen.entrySet()) {
      if (e.getValue().equals(stamps.get(e.getKey()))) {
        continue;
      }
      stamps.put(e.getKey(), e.getValue());
      changed = true;
      load(e.getKey(), now);
    }
    return changed;
  }

  private void load(Path p, Instant now) {
    FileStatus old = files.get(p);
    try {
      JsonNode root = YAML.readTree(Files.readAllBytes(p));
      RuleFile f = RuleParser.parseFile(root, p.toString());
      files.put(p, new FileStatus(p.toString(), true, "", now, f));
      LOG.info("rule file {} loaded: {} groups, {} probes", p, f.groups().size(), f.probes().size());
    } catch (AlertingConfigException e) {
      failed(p, old, e.getMessage(), now);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      failed(p, old, p + ": invalid YAML" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column "
          + loc.getColumnNr()) + ": " + e.getOriginalMessage().split("\n")[0], now);
    } catch (IOException e) {
      failed(p, old, p + ": cannot read the file: " + e, now);
    }
  }

  private void failed(Path p, FileStatus old, String message, Instant now) {
    RuleFile good = old == null ? null : old.good();
    files.put(p, new FileStatus(p.toString(), false, message, old == null ? null : old.loadedAt(), good));
    LOG.error("rule file {} is invalid, {}: {}", p, good == null ? "it is ignored" : "its last good version stays in effect",
        message);
  }

  /** The last good version of every file that has one. */
  synchronized List<RuleFile> good() {
    List<RuleFile> out = new ArrayList<>();
    for (FileStatus s : files.values()) {
      if (s.good() != null) {
        out.add(s.good());
      }
    }
    return out;
  }

  synchronized List<FileStatus> status() {
    return List.copyOf(files.values());
  }

  synchronized long invalidCount() {
    return files.values().stream().filter(s -> !s.healthy()).count();
  }
}
