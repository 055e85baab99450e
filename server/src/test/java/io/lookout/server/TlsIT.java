package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS from PEM files ({@code LOOKOUT_TLS_CERT}/{@code KEY}) on the real server process, with
 * certificates made by openssl in the test: the API port answers over HTTPS and refuses plain
 * HTTP; the OTel Java SDK sends logs over OTLP/HTTP and OTLP/gRPC with TLS; with
 * {@code LOOKOUT_TLS_CLIENT_CA}, the ingest ports require a client certificate signed by that CA.
 */
class TlsIT {
  private static TestCerts certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCerts.create(Files.createTempDirectory("lookout-tls-"));
  }

  private static ServerProcess start(Map<String, String> env) throws Exception {
    Path dir = Files.createTempDirectory("lookout-tls-data-");
    env.put("LOOKOUT_TLS_CERT", certs.serverCert.toString());
    env.put("LOOKOUT_TLS_KEY", certs.serverKey.toString());
    HttpClient https = client(false);
    return new ServerProcess(dir, env).start(s -> send(https, "https://127.0.0.1:" + s.httpPort + "/readyz")
        .statusCode() == 200);
  }

  static HttpClient client(boolean clientCertificate) throws Exception {
    SSLContext ctx = certs.sslContext(clientCertificate);
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .sslContext(ctx).build();
  }

  static HttpResponse<String> send(HttpClient client, String url) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Emits one log through the SDK with {@code exporter}; true when the export succeeded. */
  static boolean emit(LogRecordExporter exporter, String body) {
    try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .setResource(Resource.create(Attributes.builder().put("service.name", "tls-test").build()))
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter))
        .build()) {
      provider.get("io.lookout.test").logRecordBuilder().setBody(body).emit();
      CompletableResultCode r = provider.forceFlush().join(30, TimeUnit.SECONDS);
      return r.isSuccess();
    }
  }

  static void awaitSearchable(HttpClient https, ServerProcess server, String marker) {
    Http.await("log " + marker + " searchable over https", Duration.ofSeconds(30), () ->
        Http.data(send(https, "https://127.0.0.1:" + server.httpPort + "/api/v1/logs?query=" + marker
            + "&start=now-1h")).get("hits").size() == 1);
  }

  static String marker() {
    return "m" + UUID.randomUUID().toString().replace("-", "");
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class ServerTls {
    private ServerProcess server;
    private HttpClient https;

    @BeforeAll
    void start() throws Exception {
      server = TlsIT.start(ServerProcess.env());
      https = client(false);
    }

    @AfterAll
    void stop() throws Exception {
      if (server != null) {
        server.close();
      }
    }

    @Test
    void apiPortAnswersOverHttpsAndRefusesPlainHttp() {
      assertThat(send(https, "https://127.0.0.1:" + server.httpPort + "/readyz").statusCode()).isEqualTo(200);
      assertThat(send(https, "https://127.0.0.1:" + server.httpPort + "/healthz").statusCode()).isEqualTo(200);
      for (int port : new int[] {server.httpPort, server.otlpHttpPort}) {
        assertPlainHttpFails("http://127.0.0.1:" + port + (port == server.httpPort ? "/readyz" : "/v1/logs"));
      }
    }

    @Test
    void otlpHttpOverTlsAcceptsALogFromTheSdk() throws Exception {
      String marker = marker();
      LogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
          .setEndpoint("https://127.0.0.1:" + server.otlpHttpPort + "/v1/logs")
          .setTrustedCertificates(TestCerts.read(certs.serverCert))
          .build();
      assertThat(emit(exporter, "sent over https " + marker)).isTrue();
      awaitSearchable(https, server, marker);
    }

    @Test
    void otlpGrpcOverTlsAcceptsALogFromTheSdk() throws Exception {
      String marker = marker();
      LogRecordExporter exporter = OtlpGrpcLogRecordExporter.builder()
          .setEndpoint("https://127.0.0.1:" + server.otlpGrpcPort)
          .setTrustedCertificates(TestCerts.read(certs.serverCert))
          .build();
      assertThat(emit(exporter, "sent over grpc with tls " + marker)).isTrue();
      awaitSearchable(https, server, marker);
    }

    @Test
    void anSdkThatDoesNotTrustTheCertificateCannotSend() {
      LogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
          .setEndpoint("https://127.0.0.1:" + server.otlpHttpPort + "/v1/logs")
          .setTimeout(Duration.ofSeconds(10))
          .build(); // the JVM's default trust store does not know our self-signed certificate
      assertThat(emit(exporter, "untrusted " + marker())).isFalse();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class MutualTls {
    private ServerProcess server;
    private HttpClient https;

    @BeforeAll
    void start() throws Exception {
      server = TlsIT.start(ServerProcess.env("LOOKOUT_TLS_CLIENT_CA", certs.clientCa.toString()));
      https = client(false);
    }

    @AfterAll
    void stop() throws Exception {
      if (server != null) {
        server.close();
      }
    }

    @Test
    void ingestWithoutAClientCertificateIsRefused() throws Exception {
      String marker = marker();
      HttpRequest post = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.otlpHttpPort + "/v1/logs"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(
              OtlpRequests.logs("tls-test", java.util.List.of("no client cert " + marker)).toByteArray()))
          .build();
      assertThatThrownBy(() -> https.send(post, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
      assertThat(emit(OtlpHttpLogRecordExporter.builder()
          .setEndpoint("https://127.0.0.1:" + server.otlpHttpPort + "/v1/logs")
          .setTrustedCertificates(TestCerts.read(certs.serverCert))
          .setTimeout(Duration.ofSeconds(10))
          .build(), "sdk without client cert " + marker)).isFalse();
      assertThat(emit(OtlpGrpcLogRecordExporter.builder()
          .setEndpoint("https://127.0.0.1:" + server.otlpGrpcPort)
          .setTrustedCertificates(TestCerts.read(certs.serverCert))
          .setTimeout(Duration.ofSeconds(10))
          .build(), "grpc without client cert " + marker)).isFalse();
      // none of it was stored
      assertThat(Http.data(send(https, "https://127.0.0.1:" + server.httpPort + "/api/v1/logs?query=" + marker
          + "&start=now-1h")).get("hits").size()).isZero();
    }

    @Test
    void ingestWithAClientCertificateIsAccepted() throws Exception {
      String marker = marker();
      HttpClient withCert = client(true);
      HttpResponse<byte[]> resp = withCert.send(HttpRequest.newBuilder(
              URI.create("https://127.0.0.1:" + server.otlpHttpPort + "/v1/logs"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(
              OtlpRequests.logs("tls-test", java.util.List.of("jdk client cert " + marker)).toByteArray()))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(resp.statusCode()).isEqualTo(200);
      byte[] key = TestCerts.read(certs.clientKey);
      byte[] cert = TestCerts.read(certs.clientCert);
      assertThat(emit(OtlpHttpLogRecordExporter.builder()
          .setEndpoint("https://127.0.0.1:" + server.otlpHttpPort + "/v1/logs")
          .setTrustedCertificates(TestCerts.read(certs.serverCert))
          .setClientTls(key, cert)
          .build(), "sdk http client cert " + marker)).isTrue();
      assertThat(emit(OtlpGrpcLogRecordExporter.builder()
          .setEndpoint("https://127.0.0.1:" + server.otlpGrpcPort)
          .setTrustedCertificates(TestCerts.read(certs.serverCert))
          .setClientTls(key, cert)
          .build(), "sdk grpc client cert " + marker)).isTrue();
      Http.await("three logs searchable", Duration.ofSeconds(30), () ->
          Http.data(send(https, "https://127.0.0.1:" + server.httpPort + "/api/v1/logs?query=" + marker
              + "&start=now-1h")).get("hits").size() == 3);
    }

    @Test
    void theApiPortDoesNotRequireAClientCertificate() {
      assertThat(send(https, "https://127.0.0.1:" + server.httpPort + "/readyz").statusCode()).isEqualTo(200);
    }
  }

  private static void assertPlainHttpFails(String url) {
    HttpResponse<String> resp;
    try {
      resp = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return; // the TLS port drops a plain-text request
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(resp.statusCode()).as("plain HTTP to the TLS port %s", url).isNotEqualTo(200);
  }
}
