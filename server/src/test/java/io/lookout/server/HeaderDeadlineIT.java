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
 * connection and a kept-alive HTTP client survive the same time.
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

  private static void trickle(Socket socket, String text) {
    Thread.ofVirtual().start(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
          out.write(b);
          out.flush();
          Thread.sleep(200); // the attack's pace, not a wait for a result
        }
      } catch (IOException | InterruptedException e) {
        // closed by the server: expected
      }
    });
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
