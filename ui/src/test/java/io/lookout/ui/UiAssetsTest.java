package io.lookout.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UiAssetsTest {
  private static final Path STATIC = Path.of("src/main/resources/io/lookout/ui/static");
  private static final Pattern IMPORT = Pattern.compile("(?:import\\s*(?:[^'\"]*?from\\s*)?|import\\()\\s*'([^']+)'");
  private final UiAssets assets = UiAssets.load();

  @Test
  void indexNamesItsAssetsUnderTheVersionedBase() {
    String html = new String(assets.index().bytes(), StandardCharsets.UTF_8);

    assertThat(assets.buildId()).matches("[0-9a-f]{12}|dev");
    assertThat(html).contains("src=\"" + assets.base() + "/app.js\"").doesNotContain("{{base}}");
    assertThat(assets.index().contentType()).isEqualTo("text/html; charset=utf-8");
    Matcher m = Pattern.compile("(?:href|src)=\"" + Pattern.quote(assets.base()) + "/([^\"]+)\"").matcher(html);
    int found = 0;
    while (m.find()) {
      found++;
      assertThat(assets.find(m.group(1))).as(m.group(1)).isPresent();
    }
    assertThat(found).isGreaterThanOrEqualTo(4);
  }

  @Test
  void uplotComesFromTheWebjar() {
    UiAssets.Asset js = assets.find("vendor/uPlot.esm.js").orElseThrow();

    assertThat(js.contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(new String(js.bytes(), StandardCharsets.UTF_8)).contains("export { uPlot as default }");
    assertThat(assets.find("vendor/uPlot.min.css")).isPresent();
  }

  @Test
  void everyRelativeImportOfEveryModuleResolves() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(STATIC)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".js")).toList()) {
        String rel = STATIC.relativize(f).toString().replace('\\', '/');
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String target = Path.of(rel).resolveSibling(m.group(1)).normalize().toString().replace('\\', '/');
          if (assets.find(target).isEmpty()) {
            missing.add(rel + " -> " + m.group(1));
          }
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void unsafeOrUnknownPathsAreNotFound() {
    assertThat(assets.find("../build.properties")).isEmpty();
    assertThat(assets.find("lib/../../build.properties")).isEmpty();
    assertThat(assets.find("/etc/passwd")).isEmpty();
    assertThat(assets.find("lib\\dom.js")).isEmpty();
    assertThat(assets.find("nope.js")).isEmpty();
    assertThat(assets.find("vendor/LICENSE")).isEmpty();
    assertThat(assets.find("")).isEmpty();
    assertThat(assets.find(null)).isEmpty();
  }

  @Test
  void sameContentSameEtag() {
    UiAssets.Asset a = assets.find("app.css").orElseThrow();

    assertThat(UiAssets.load().find("app.css").orElseThrow().etag()).isEqualTo(a.etag()).startsWith("\"");
  }

  @Test
  void noInlineScriptsOrStylesWhichTheContentSecurityPolicyForbids() throws IOException {
    String html = Files.readString(STATIC.resolve("index.html"));

    assertThat(html).doesNotContain("style=").doesNotContain("<style").doesNotContain("onclick=");
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find()).isFalse();
  }
}
