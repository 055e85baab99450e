package io.lookout.agent.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.lookout.model.LookoutException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * OTLP/JSON to protobuf. OTLP/JSON is the proto3 JSON mapping except that trace and span ids are
 * hex (the mapping says base64): the body is read into a Jackson tree of bounded depth, the ids
 * are re-encoded, and {@link JsonFormat} (ignoring unknown fields, as OTLP asks) builds the message.
 */
final class OtlpJsonDecoder {
  static final int MAX_DEPTH = 128;

  private static final Set<String> ID_FIELDS = Set.of("traceId", "trace_id", "spanId", "span_id", "parentSpanId",
      "parent_span_id");

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final ObjectMapper mapper;

  OtlpJsonDecoder() {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * @throws LookoutException bad_data saying what is wrong with the body
   */
  Message decode(byte[] body, RelaySignal signal) {
    JsonNode tree;
    try {
      tree = body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw LookoutException.badData("invalid JSON body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw LookoutException.badData("unreadable JSON body: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw LookoutException.badData("invalid OTLP JSON body: the top level must be an object");
    }
    rewriteIds((ObjectNode) tree);
    Message.Builder builder = signal.newRequest();
    try {
      PARSER.merge(mapper.writeValueAsString(tree), builder);
    } catch (InvalidProtocolBufferException | JsonProcessingException | RuntimeException e) {
      throw LookoutException.badData("invalid OTLP JSON " + signal.label() + " request: " + e.getMessage());
    }
    return builder.build();
  }

  /** Re-encodes every hex trace and span id as base64, without recursion. */
  private static void rewriteIds(ObjectNode root) {
    Deque<JsonNode> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      JsonNode node = todo.pop();
      if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (ID_FIELDS.contains(e.getKey()) && e.getValue().isTextual()) {
            e.setValue(TextNode.valueOf(hexToBase64(e.getKey(), e.getValue().textValue())));
          } else if (e.getValue().isContainerNode()) {
            todo.push(e.getValue());
          }
        }
      } else if (node.isArray()) {
        node.forEach(child -> {
          if (child.isContainerNode()) {
            todo.push(child);
          }
        });
      }
    }
  }

  private static String hexToBase64(String field, String hex) {
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw LookoutException.badData("invalid " + field + ": expected hex digits (16 for a span id, 32 for a"
          + " trace id), got " + hex.length() + " characters");
    }
  }
}
