package io.lookout.ingest.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Duration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@code google.rpc.Status} (code, message, optional {@code google.rpc.RetryInfo} detail),
 * encoded by hand because the message classes are not in protobuf-java.
 *
 * <p>Wire format: {@code Status {int32 code = 1; string message = 2; repeated Any details = 3}},
 * {@code RetryInfo {google.protobuf.Duration retry_delay = 1}}.
 *
 * @param code gRPC status code number (3 INVALID_ARGUMENT, 14 UNAVAILABLE, ...)
 * @param retryAfterSeconds when positive, a RetryInfo detail with this delay is attached
 */
public record RpcStatus(int code, String message, int retryAfterSeconds) {
  /** gRPC status code 7: valid credentials without the needed permission. */
  public static final int PERMISSION_DENIED = 7;
  /** gRPC status code 16: missing or invalid credentials. */
  public static final int UNAUTHENTICATED = 16;
  public static final String RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Protobuf encoding of the Status. */
  public byte[] toProtobuf() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + message.length() * 3);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      if (code != 0) {
        out.writeInt32(1, code);
      }
      if (!message.isEmpty()) {
        out.writeString(2, message);
      }
      if (retryAfterSeconds > 0) {
        out.writeMessage(3, retryInfo());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Proto3 JSON encoding of the Status, as OTLP/HTTP JSON clients expect. */
  public byte[] toJson() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + message.length() * 3);
      try (JsonGenerator g = JSON.createGenerator(bytes)) {
        g.writeStartObject();
        if (code != 0) {
          g.writeNumberField("code", code);
        }
        g.writeStringField("message", message);
        if (retryAfterSeconds > 0) {
          g.writeArrayFieldStart("details");
          g.writeStartObject();
          g.writeStringField("@type", RETRY_INFO_TYPE);
          g.writeStringField("retryDelay", retryAfterSeconds + "s");
          g.writeEndObject();
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Any retryInfo() throws IOException {
    Duration delay = Duration.newBuilder().setSeconds(retryAfterSeconds).build();
    ByteString.Output value = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(value);
    out.writeMessage(1, delay);
    out.flush();
    return Any.newBuilder().setTypeUrl(RETRY_INFO_TYPE).setValue(value.toByteString()).build();
  }
}
