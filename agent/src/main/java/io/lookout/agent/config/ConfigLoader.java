package io.lookout.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the agent's YAML: {@code ${VAR}} and {@code ${VAR:-default}} expand from the environment
 * ({@code $$} is a literal {@code $}), unknown keys are errors, then the {@code LOOKOUT_AGENT_*}
 * variables override top-level values. Every error is a {@link ConfigException} whose message
 * starts with {@code file:line:column:}.
 */
public final class ConfigLoader {
  /** Environment variable naming the config file. */
  public static final String CONFIG_ENV = "LOOKOUT_AGENT_CONFIG";
  /** Environment overrides of top-level values: variable, YAML key. */
  public static final Map<String, String> OVERRIDES = Map.of(
      "LOOKOUT_AGENT_ENDPOINT", "endpoint",
      "LOOKOUT_AGENT_TOKEN", "token",
      "LOOKOUT_AGENT_TENANT", "tenant",
      "LOOKOUT_AGENT_DATA_DIR", "data_dir",
      "LOOKOUT_AGENT_HTTP_PORT", "http_port",
      "LOOKOUT_AGENT_HOST_NAME", "host_name",
      "LOOKOUT_AGENT_BUFFER_MAX_BYTES", "buffer.max_bytes",
      "LOOKOUT_AGENT_TLS_CA_FILE", "tls.ca_file");

  private static final Pattern VAR = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private ConfigLoader() {}

  /** Loads and validates the file; {@code env} is the process environment (a map in tests). */
  public static AgentConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": config file not found (set " + CONFIG_ENV + " or pass the path as the first argument)");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the config file: " + e.getMessage());
    }
    return parse(file.toString(), text, env);
  }

  /** Parses YAML text; {@code name} prefixes error messages. */
  public static AgentConfig parse(String name, String yaml, Map<String, String> env) {
    String expanded = expand(name, yaml, env);
    ObjectMapper mapper = mapper();
    AgentConfig config;
    try {
      config = mapper.readValue(expanded, AgentConfig.class);
    } catch (JsonProcessingException e) {
      if (e.getOriginalMessage().startsWith("No content to map")) {
        throw new ConfigException(name + ":1:1: the config is empty (allowed: a mapping with at least endpoint:)");
      }
      throw new ConfigException(format(name, e, expanded));
    }
    if (config == null) {
      throw new ConfigException(name + ":1:1: the config is empty (allowed: a mapping with at least endpoint:)");
    }
    for (String var : OVERRIDES.keySet()) {
      String v = env.get(var);
      if (v != null && !v.isEmpty()) {
        return applyOverrides(name, expanded, env);
      }
    }
    return config;
  }

  private static AgentConfig applyOverrides(String name, String expanded, Map<String, String> env) {
    ObjectMapper mapper = mapper();
    try {
      com.fasterxml.jackson.databind.node.ObjectNode root =
          (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(expanded);
      for (Map.Entry<String, String> o : OVERRIDES.entrySet()) {
        String v = env.get(o.getKey());
        if (v == null || v.isEmpty()) {
          continue;
        }
        String[] keys = o.getValue().split("\\.");
        com.fasterxml.jackson.databind.node.ObjectNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
          node = node.get(keys[i]) instanceof com.fasterxml.jackson.databind.node.ObjectNode child
              ? child : node.putObject(keys[i]);
        }
        if (v.matches("-?\\d{1,9}")) {
          node.put(keys[keys.length - 1], Integer.parseInt(v));
        } else {
          node.put(keys[keys.length - 1], v);
        }
      }
      try {
        return mapper.treeToValue(root, AgentConfig.class);
      } catch (JsonProcessingException e) {
        throw new ConfigException(name + " with environment overrides ("
            + String.join(", ", new TreeSet<>(OVERRIDES.keySet())) + "): " + describe(e));
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(format(name, e, expanded));
    }
  }

  static ObjectMapper mapper() {
    SimpleModule m = new SimpleModule("lookout-agent-config");
    m.addDeserializer(Duration.class, new StringValue<>("a duration such as 250ms, 15s, 1m or 1h30m", s -> {
      try {
        return Duration.ofNanos(TimeParser.parseDuration("duration", s));
      } catch (LookoutException e) {
        throw new IllegalArgumentException("invalid duration '" + s + "'");
      }
    }));
    m.addDeserializer(ByteSize.class, new StringValue<>("a size such as 1GiB, 512MB, 64KiB or a number of bytes",
        ByteSize::parse));
    m.addDeserializer(Pattern.class, new StringValue<>("a Java regular expression", s -> {
      try {
        return Pattern.compile(s);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("invalid regular expression '" + s + "': "
            + e.getDescription() + " near index " + e.getIndex());
      }
    }));
    m.addDeserializer(Path.class, new StringValue<>("a file system path", Path::of));
    m.addDeserializer(URI.class, new StringValue<>("a URL such as http://lookout:4318", URI::create));
    return new ObjectMapper(new YAMLFactory())
        .registerModule(m)
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
  }

  /** Expands {@code ${VAR}}, {@code ${VAR:-default}} and {@code $$}; line numbers stay the same. */
  static String expand(String name, String text, Map<String, String> env) {
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        String v = env.get(m.group(1));
        if ((v == null || v.isEmpty()) && m.group(2) != null) {
          v = m.group(2);
        }
        replacement = v == null ? "" : v;
        if (replacement.indexOf('\n') >= 0) {
          int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
          throw new ConfigException(name + ":" + line + ":1: ${" + m.group(1)
              + "} expands to several lines (allowed: a single-line value)");
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String format(String name, JsonProcessingException e, String yaml) {
    JsonLocation loc = e.getLocation();
    if (e instanceof JsonMappingException jm && !jm.getPath().isEmpty()) {
      JsonLocation precise = locate(yaml, jm.getPath(), !(e instanceof UnrecognizedPropertyException));
      if (precise != null) {
        loc = precise;
      }
    }
    String where = loc == null ? name : name + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
    return where + ": " + describe(e);
  }

  private static String describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      TreeSet<String> known = new TreeSet<>();
      if (u.getKnownPropertyIds() != null) {
        u.getKnownPropertyIds().forEach(k -> known.add(k.toString()));
      }
      String parent = path(u, true);
      return "unknown key '" + u.getPropertyName() + "'" + (parent.isEmpty() ? "" : " in " + parent)
          + " (allowed: " + String.join(", ", known) + ")";
    }
    String path = e instanceof JsonMappingException jm ? path(jm, false) : "";
    String prefix = path.isEmpty() ? "" : path + ": ";
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      Throwable c = v.getCause();
      return prefix + (c instanceof IllegalArgumentException ? c.getMessage() : c.toString());
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      TreeSet<String> allowed = new TreeSet<>();
      for (Object c : f.getTargetType().getEnumConstants()) {
        allowed.add(c.toString().toLowerCase(java.util.Locale.ROOT));
      }
      return prefix + "invalid value '" + f.getValue() + "' (allowed: " + String.join(", ", allowed) + ")";
    }
    String msg = e.getOriginalMessage();
    int nl = msg.indexOf('\n');
    return prefix + (nl > 0 ? msg.substring(0, nl) : msg);
  }

  /** Where the key or element a path names starts in the YAML, or null. */
  static JsonLocation locate(String yaml, java.util.List<JsonMappingException.Reference> path, boolean atValue) {
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      JsonToken t = p.nextToken();
      JsonLocation found = null;
      for (JsonMappingException.Reference r : path) {
        if (r.getFieldName() != null) {
          if (t != JsonToken.START_OBJECT) {
            return found;
          }
          boolean hit = false;
          while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            if (r.getFieldName().equals(p.currentName())) {
              found = p.currentTokenLocation();
              t = p.nextToken();
              if (atValue) {
                found = p.currentTokenLocation();
              }
              hit = true;
              break;
            }
            p.nextToken();
            p.skipChildren();
          }
          if (!hit) {
            return found;
          }
        } else if (r.getIndex() >= 0) {
          if (t != JsonToken.START_ARRAY) {
            return found;
          }
          for (int i = 0; i <= r.getIndex(); i++) {
            t = p.nextToken();
            if (t == JsonToken.END_ARRAY || t == null) {
              return found;
            }
            if (i < r.getIndex()) {
              p.skipChildren();
            }
          }
          found = p.currentTokenLocation();
        }
      }
      return found;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String path(JsonMappingException e, boolean parentOnly) {
    StringBuilder b = new StringBuilder();
    var refs = e.getPath();
    int n = parentOnly ? refs.size() - 1 : refs.size();
    for (int i = 0; i < n; i++) {
      var r = refs.get(i);
      if (r.getFieldName() != null) {
        if (!b.isEmpty()) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  /** A scalar written as a string, converted by a function whose IllegalArgumentException is the error. */
  private static final class StringValue<T> extends JsonDeserializer<T> {
    private final String allowed;
    private final java.util.function.Function<String, T> convert;

    StringValue(String allowed, java.util.function.Function<String, T> convert) {
      this.allowed = allowed;
      this.convert = convert;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        throw InvalidFormatException.from(p, "expected a scalar value (allowed: " + allowed + ")", null, Object.class);
      }
      String s = p.getValueAsString();
      try {
        return convert.apply(s.trim());
      } catch (IllegalArgumentException ex) {
        String m = ex.getMessage() == null ? "invalid value '" + s + "'" : ex.getMessage();
        throw InvalidFormatException.from(p, m.contains("allowed:") ? m : m + " (allowed: " + allowed + ")", s, Object.class);
      }
    }
  }
}
