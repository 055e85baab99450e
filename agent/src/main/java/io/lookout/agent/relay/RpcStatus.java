package io.lookout.agent.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Duration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@code google.rpc.Status} body for OTLP error responses, written field by field (the message
 * classes are not in protobuf-java): {@code code = 1}, {@code message = 2}, and for retryable
 * errors a {@code details = 3} entry with a {@code google.rpc.RetryInfo}.
 */
record RpcStatus(int code, String message, int retryAfterSeconds) {
  static final int INVALID_ARGUMENT = 3;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int INTERNAL = 13;
  static final int UNAVAILABLE = 14;
  static final int UNIMPLEMENTED = 12;
  static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

  private static final ObjectMapper JSON = new ObjectMapper();

  byte[] toProtobuf() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      if (retryAfterSeconds > 0) {
        ByteString.Output retryInfo = ByteString.newOutput(); // RetryInfo {Duration retry_delay = 1}
        CodedOutputStream r = CodedOutputStream.newInstance(retryInfo);
        r.writeMessage(1, Duration.newBuilder().setSeconds(retryAfterSeconds).build());
        r.flush();
        out.writeMessage(3, Any.newBuilder().setTypeUrl(RETRY_INFO).setValue(retryInfo.toByteString()).build());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] toJson() {
    ObjectNode node = JSON.createObjectNode().put("code", code).put("message", message);
    if (retryAfterSeconds > 0) {
      node.putArray("details").addObject().put("@type", RETRY_INFO).put("retryDelay", retryAfterSeconds + "s");
    }
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
