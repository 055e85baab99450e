package io.lookout.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Duration;
import com.google.protobuf.ExtensionRegistryLite;
import java.io.IOException;

/**
 * A google.rpc.Status read back from a response body or gRPC trailer, decoded by hand.
 *
 * @param retryDelaySeconds seconds of the RetryInfo detail; -1 when there is none
 */
record StatusBody(int code, String message, long retryDelaySeconds) {
  static StatusBody fromProtobuf(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    int code = 0;
    String message = "";
    long retry = -1;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag >>> 3) {
        case 1 -> code = in.readInt32();
        case 2 -> message = in.readString();
        case 3 -> {
          Any any = in.readMessage(Any.parser(), ExtensionRegistryLite.getEmptyRegistry());
          if (any.getTypeUrl().equals("type.googleapis.com/google.rpc.RetryInfo")) {
            CodedInputStream retryInfo = any.getValue().newCodedInput();
            while ((tag = retryInfo.readTag()) != 0) {
              if (tag >>> 3 == 1) {
                retry = retryInfo.readMessage(Duration.parser(), ExtensionRegistryLite.getEmptyRegistry()).getSeconds();
              } else {
                retryInfo.skipField(tag);
              }
            }
          }
        }
        default -> in.skipField(tag);
      }
    }
    return new StatusBody(code, message, retry);
  }

  static StatusBody fromJson(byte[] bytes) throws IOException {
    JsonNode n = new ObjectMapper().readTree(bytes);
    long retry = -1;
    for (JsonNode d : n.path("details")) {
      if (d.path("@type").asText().equals("type.googleapis.com/google.rpc.RetryInfo")) {
        String delay = d.path("retryDelay").asText();
        retry = Long.parseLong(delay.substring(0, delay.length() - 1));
      }
    }
    return new StatusBody(n.path("code").asInt(), n.path("message").asText(), retry);
  }
}
