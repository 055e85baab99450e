package io.lookout.alerting.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lookout.model.LookoutException;
import java.io.IOException;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Parsing of API request bodies with bounded nesting: JSON or YAML deeper than {@link #MAX_DEPTH}
 * levels is refused with bad_data (400) before it is turned into objects. Sizes are capped by the
 * routes' body handlers.
 */
public final class BoundedBodies {
  /** Deepest nesting of objects and arrays accepted in a request body. */
  public static final int MAX_DEPTH = 64;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();
  private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .streamReadConstraints(CONSTRAINTS)
      .loaderOptions(loaderOptions())
      .build());

  private BoundedBodies() {}

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setNestingDepthLimit(MAX_DEPTH + 1);
    o.setAllowRecursiveKeys(false);
    o.setMaxAliasesForCollections(50);
    return o;
  }

  /**
   * Checks that {@code body} is JSON nested at most {@link #MAX_DEPTH} levels deep (streaming,
   * nothing is built).
   *
   * @throws LookoutException bad_data when it is deeper or not JSON
   */
  public static void checkJson(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      while (p.nextToken() != null) {
        // every token is read: opening past the depth limit trips the constraint
      }
    } catch (StreamConstraintsException e) {
      throw tooDeep();
    } catch (IOException e) {
      throw LookoutException.badData("the request body is not a JSON object");
    }
  }

  /**
   * Parses a JSON or YAML body.
   *
   * @throws LookoutException bad_data when it is deeper than {@link #MAX_DEPTH} or neither JSON nor YAML
   */
  public static JsonNode readJsonOrYaml(byte[] body) {
    try {
      return YAML.readTree(body);
    } catch (StreamConstraintsException e) {
      throw tooDeep();
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
      if (msg.toLowerCase(java.util.Locale.ROOT).contains("nesting depth")) {
        throw tooDeep();
      }
      throw LookoutException.badData("request body is neither JSON nor YAML: " + msg);
    }
  }

  private static LookoutException tooDeep() {
    return LookoutException.badData("the request body nests objects or arrays deeper than " + MAX_DEPTH
        + " levels: flatten it to at most " + MAX_DEPTH + " levels");
  }
}
