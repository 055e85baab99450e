package io.lookout.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web UI's files, read from the class path: the app under {@code io/lookout/ui/static/} and
 * uPlot from its webjar, exposed as {@code vendor/...}. No HTTP here: the server maps
 * {@code /ui/<buildId>/<path>} to {@link #find(String)} and every page of the app to
 * {@link #index()}.
 *
 * <p>Asset URLs carry the build id, so that a browser may cache them forever
 * ({@code immutable}) while {@code index.html}, which names them, is revalidated on every load.
 * Files are loaded on first use and kept in memory (the set is small and fixed).
 */
public final class UiAssets {
  /** The URL prefix of every asset. */
  public static final String PREFIX = "/ui/";
  /** The uPlot version of the webjar this module depends on (see the pom). */
  public static final String UPLOT_VERSION = "1.6.30";

  private static final String ROOT = "io/lookout/ui/static/";
  private static final String VENDOR = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";
  /** Relative asset paths: plain names in folders, no dot segments, no backslashes. */
  private static final Pattern SAFE_PATH = Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "json", "application/json",
      "txt", "text/plain; charset=utf-8",
      "ico", "image/x-icon");

  /**
   * One file.
   *
   * @param etag a strong validator (quoted hash of the content)
   */
  public record Asset(byte[] bytes, String contentType, String etag) {}

  private final ClassLoader loader;
  private final String buildId;
  private final Asset index;
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  private UiAssets(ClassLoader loader) {
    this.loader = loader;
    this.buildId = readBuildId(loader);
    byte[] template = read(ROOT + "index.html");
    if (template == null) {
      throw new IllegalStateException("the ui module's index.html is missing from the class path");
    }
    String html = new String(template, StandardCharsets.UTF_8).replace("{{base}}", base());
    this.index = asset(html.getBytes(StandardCharsets.UTF_8), TYPES.get("html"));
  }

  /** The assets on the class path of this class. */
  public static UiAssets load() {
    return new UiAssets(UiAssets.class.getClassLoader());
  }

  /** Changes with every build; part of each asset URL. */
  public String buildId() {
    return buildId;
  }

  /** {@code /ui/<buildId>}: where index.html loads the app from. */
  public String base() {
    return PREFIX + buildId;
  }

  /** The app's page, answered for {@code /} and every deep link (its state lives in the query string). */
  public Asset index() {
    return index;
  }

  /**
   * A file by its path relative to {@link #base()}: {@code app.js}, {@code logs/explorer.js},
   * {@code vendor/uPlot.esm.js}. Empty for unknown or unsafe paths ({@code ..}, backslashes and
   * the like never reach the class loader).
   */
  public Optional<Asset> find(String path) {
    if (path == null || path.length() > 200 || !SAFE_PATH.matcher(path).matches() || path.contains("..")) {
      return Optional.empty();
    }
    Asset cached = cache.get(path);
    if (cached != null) {
      return Optional.of(cached);
    }
    String type = TYPES.get(extension(path));
    if (type == null) {
      return Optional.empty();
    }
    String resource = path.startsWith("vendor/") ? VENDOR + path.substring("vendor/".length()) : ROOT + path;
    byte[] bytes = read(resource);
    if (bytes == null) {
      return Optional.empty();
    }
    Asset a = path.equals("index.html") ? index : asset(bytes, type);
    cache.putIfAbsent(path, a);
    return Optional.of(a);
  }

  private byte[] read(String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ui resource " + resource, e);
    }
  }

  private static String readBuildId(ClassLoader loader) {
    Properties p = new Properties();
    try (InputStream in = loader.getResourceAsStream("io/lookout/ui/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ui build id", e);
    }
    String id = (p.getProperty("version", "dev") + "-" + p.getProperty("built", "0"))
        .replaceAll("[^A-Za-z0-9.-]", "");
    // an unfiltered file (run from an IDE) still gives a usable, stable id
    return id.contains("{") || id.isBlank() ? "dev" : hash(id.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
  }

  private static Asset asset(byte[] bytes, String type) {
    return new Asset(bytes, type, "\"" + hash(bytes).substring(0, 20) + "\"");
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String extension(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
