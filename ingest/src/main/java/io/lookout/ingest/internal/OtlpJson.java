package io.lookout.ingest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.lookout.model.LookoutException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * OTLP/JSON: the proto3 JSON mapping with hex trace and span ids (instead of base64) and enums as
 * integers. Parses with Jackson into a tree of bounded nesting depth, rewrites the hex ids to the
 * base64 that {@link JsonFormat} expects, then lets {@link JsonFormat} (ignoring unknown fields)
 * build the message.
 */
public final class OtlpJson {
  /** Deep enough for AnyValue nesting well past what senders produce; bounds parser recursion. */
  public static final int MAX_NESTING_DEPTH = 128;

  private static final Map<String, Integer> ID_BYTES = Map.of(
      "traceId", 16, "trace_id", 16,
      "spanId", 8, "span_id", 8,
      "parentSpanId", 8, "parent_span_id", 8);

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final ObjectMapper mapper;

  public OtlpJson(long maxRequestBytes) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxRequestBytes))
            .build())
        .build();
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * Parses an OTLP/JSON request into {@code builder}.
   *
   * @throws LookoutException bad_data naming what was wrong
   */
  public <B extends Message.Builder> B parse(byte[] data, int off, int len, B builder, String what) {
    JsonNode tree;
    try {
      tree = len == 0 ? mapper.createObjectNode() : mapper.readTree(data, off, len);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw LookoutException.badData("invalid JSON " + what + ": " + e.getOriginalMessage()
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw LookoutException.badData("cannot read JSON " + what + ": " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      tree = mapper.createObjectNode();
    }
    if (!tree.isObject()) {
      throw LookoutException.badData("invalid JSON " + what + ": the top level must be an object, got "
          + tree.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    hexIdsToBase64((ObjectNode) tree);
    try {
      PARSER.merge(mapper.writeValueAsString(tree), builder);
    } catch (InvalidProtocolBufferException e) {
      throw LookoutException.badData("invalid OTLP JSON " + what + ": " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw LookoutException.badData("invalid JSON " + what + ": " + e.getOriginalMessage());
    } catch (RuntimeException e) {
      // JsonFormat reports some malformed values (numbers out of range, bad base64) unchecked
      throw LookoutException.badData("invalid OTLP JSON " + what + ": " + e.getMessage());
    }
    return builder;
  }

  /** Prints a response message as proto3 JSON (int64 as strings, enums by name as the mapping says). */
  public static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  /** Walks the tree without recursion and rewrites every trace/span id from hex to base64. */
  static void hexIdsToBase64(ObjectNode root) {
    Deque<JsonNode> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      JsonNode node = todo.pop();
      if (node.isObject()) {
        ObjectNode obj = (ObjectNode) node;
        for (Map.Entry<String, JsonNode> field : obj.properties()) {
          Integer bytes = ID_BYTES.get(field.getKey());
          JsonNode value = field.getValue();
          if (bytes != null && value.isTextual()) {
            field.setValue(TextNode.valueOf(hexToBase64(field.getKey(), value.textValue(), bytes)));
          } else if (value.isContainerNode()) {
            todo.push(value);
          }
        }
      } else if (node.isArray()) {
        for (JsonNode element : node) {
          if (element.isContainerNode()) {
            todo.push(element);
          }
        }
      }
    }
  }

  private static String hexToBase64(String field, String hex, int bytes) {
    if (hex.isEmpty()) {
      return "";
    }
    if (hex.length() != bytes * 2) {
      throw LookoutException.badData("invalid " + field + " '" + abbreviate(hex) + "': must be "
          + bytes * 2 + " hex digits (" + bytes + " bytes) or empty, got " + hex.length() + " characters");
    }
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw LookoutException.badData("invalid " + field + " '" + abbreviate(hex) + "': must be "
          + bytes * 2 + " hex digits (0-9, a-f, case-insensitive)");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 48 ? s.substring(0, 48) + "..." : s;
  }
}
