package io.lookout.agent.file;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * File glob patterns: {@code *}, {@code ?}, {@code [abc]}, {@code {a,b}} within a path segment and
 * {@code **} across directories (also zero of them: {@code /var/log/**}{@code /*.log} matches
 * {@code /var/log/a.log}). Walks only from the longest literal directory prefix.
 */
public final class Glob {
  private final Path base;
  private final int maxDepth;
  private final List<PathMatcher> include = new ArrayList<>();

  public Glob(String pattern) {
    Path p = Path.of(pattern).toAbsolutePath().normalize();
    String abs = p.toString();
    Path b = p.getRoot();
    int depth = 0;
    boolean deep = false;
    boolean literal = true;
    for (Path part : p) {
      String s = part.toString();
      boolean glob = s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
      if (literal && !glob) {
        b = b.resolve(s);
      } else {
        literal = false;
        depth++;
        deep |= s.contains("**");
      }
    }
    if (literal) { // a plain file name
      base = p.getParent();
      maxDepth = 1;
    } else {
      base = b;
      maxDepth = deep ? Integer.MAX_VALUE : depth;
    }
    include.add(FileSystems.getDefault().getPathMatcher("glob:" + escapeLiteral(abs)));
    if (abs.contains("**/")) {
      include.add(FileSystems.getDefault().getPathMatcher("glob:" + escapeLiteral(abs.replace("**/", ""))));
    }
  }

  private static String escapeLiteral(String s) {
    return s.replace("\\", "\\\\");
  }

  public boolean matches(Path path) {
    for (PathMatcher m : include) {
      if (m.matches(path)) {
        return true;
      }
    }
    return false;
  }

  /** Regular files matching now, sorted; unreadable directories and link loops are skipped. */
  public Set<Path> files() {
    Set<Path> out = new TreeSet<>();
    if (!Files.isDirectory(base)) {
      return out;
    }
    try {
      Files.walkFileTree(base, java.util.EnumSet.of(FileVisitOption.FOLLOW_LINKS), maxDepth, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile() && matches(file)) {
            out.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // the base vanished while walking: the next scan sees the new state
    }
    return out;
  }
}
