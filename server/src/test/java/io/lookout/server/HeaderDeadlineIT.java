package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributeKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code LOOKOUT_HTTP_HEADER_TIMEOUT} on every port of the real server: a client trickling its
 * request head is cut on the API, OTLP/HTTP and OTLP/gRPC ports, while a gRPC exporter's
 * connection and a kept-alive HTTP client survive the same time. {@code LOOKOUT_HTTP_MIN_BODY_RATE}
 * (1024 B/s after a 1 s grace here): a client trickling its request body is answered 408 on the
 * OTLP/HTTP and API ports and counted on {@code /metrics}.
 */
class HeaderDeadlineIT {

  @Test
  void slowHeadsAreCutOnEveryPortWhileGrpcAndKeepAliveClientsAreUnaffected() throws Exception {
    try (InProcessServer s = new InProcessServer(Map.of("LOOKOUT_HTTP_HEADER_TIMEOUT", "1s"));
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
            .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "deadline-it")))
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(
                OtlpGrpcLogRecordExporter.builder().setEndpoint(s.otlpGrpc()).build()))
            .build()) {
      Logger logger = provider.get("it");
      logger.logRecordBuilder().setBody("before the slow clients").emit();
      assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(Http.get(s.api() + "/healthz").statusCode()).isEqualTo(200);

      List<Socket> slow = new ArrayList<>();
      for (int port : new int[] {s.server.httpPort(), s.server.otlpHttpPort(), s.server.otlpGrpcPort()}) {
        Socket socket = new Socket("127.0.0.1", port);
        slow.add(socket);
        trickle(socket, "POST /v1/logs HTTP/1.1\r\nHost: x\r\n" + "X-Padding: abcdefghij\r\n".repeat(200));
      }
      for (Socket socket : slow) {
        try (socket) {
          assertThat(closedByServer(socket)).as("port " + socket.getPort()).isTrue();
        }
      }

      // more than the deadline has passed on the exporter's connection and the HTTP client's pool
      logger.logRecordBuilder().setBody("after the slow clients").emit();
      assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(Http.get(s.api() + "/healthz").statusCode()).isEqualTo(200);
      Http.await("both records searchable", Duration.ofSeconds(30), () -> {
        var r = Http.get(s.api() + "/api/v1/logs?start=now-1h&query=" + Http.enc("service:deadline-it"));
        return r.statusCode() == 200 && Http.data(r).path("hits").size() == 2;
      });
      assertThat(Http.get(s.api() + "/metrics").body()).contains("lookout_http_header_timeouts_total 3.0");
    }
  }

  @Test
  void slowBodiesAreAnswered408OnTheOtlpHttpAndApiPortsAndCounted() throws Exception {
    try (InProcessServer s = new InProcessServer(Map.of("LOOKOUT_HTTP_BODY_GRACE", "1s"))) { // 1024 B/s by default
      String[] heads = {
          "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 10240\r\n\r\n",
          "POST /prometheus/api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              + "Content-Length: 10240\r\n\r\n"};
      int[] ports = {s.server.otlpHttpPort(), s.server.httpPort()};
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < ports.length; i++) {
        Socket socket = new Socket("127.0.0.1", ports[i]);
        slow.add(socket);
        // the head at once, then the body 10 bytes every 200 ms (50 B/s)
        trickle(socket, heads[i] + "query=up&x=" + "abcdefghij".repeat(1000), heads[i].length());
      }
      for (Socket socket : slow) {
        try (socket) {
          String response = readUntilClosed(socket);
          assertThat(response).as("port " + socket.getPort()).startsWith("HTTP/1.1 408 Request Timeout\r\n")
              .contains("\"errorType\":\"timeout\"").contains("LOOKOUT_HTTP_MIN_BODY_RATE");
        }
      }
      assertThat(Http.get(s.api() + "/healthz").statusCode()).isEqualTo(200);
      assertThat(Http.get(s.api() + "/metrics").body()).contains("lookout_http_body_timeouts_total 2.0");
    }
  }

  private static void trickle(Socket socket, String text) {
    trickle(socket, text, 1);
  }

  /** Writes the first {@code first} bytes at once, then the rest 10 bytes every 200 ms (or one by one when first is 1). */
  private static void trickle(Socket socket, String text, int first) {
    int step = first == 1 ? 1 : 10;
    Thread.ofVirtual().start(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes, 0, first);
        out.flush();
        for (int off = first; off < bytes.length; off += step) {
          Thread.sleep(200); // the attack's pace, not a wait for a result
          out.write(bytes, off, Math.min(step, bytes.length - off));
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // closed by the server: expected
      }
    });
  }

  /** Everything the server sent before it closed the connection; fails at the hang detector (idle timeout is 60 s). */
  private static String readUntilClosed(Socket socket) throws IOException {
    socket.setSoTimeout(30_000);
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      InputStream in = socket.getInputStream();
      for (int n; (n = in.read(buf)) != -1; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("not closed by the server; got " + got.toString(StandardCharsets.UTF_8));
    } catch (IOException reset) {
      // the client kept sending after the close
    }
    return got.toString(StandardCharsets.UTF_8);
  }

  /** True when the server closed the connection before the hang detector (idle timeout is 60 s). */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(30_000);
    try {
      InputStream in = socket.getInputStream();
      while (in.read() != -1) {
        // nothing expected but the end
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
