package io.lookout.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throw-away certificates made with the machine's {@code openssl} for the TLS tests: a
 * self-signed server certificate for 127.0.0.1/localhost, and a client CA with one client
 * certificate signed by it (mutual TLS). Keys are EC P-256 in PKCS#8 PEM, as the server and the
 * OTel SDK read them.
 */
final class TestCerts {
  static final String PASSWORD = "changeit";

  final Path serverCert;
  final Path serverKey;
  final Path clientCa;
  final Path clientCert;
  final Path clientKey;
  final Path clientP12;

  private TestCerts(Path dir) {
    serverCert = dir.resolve("server.crt");
    serverKey = dir.resolve("server.key");
    clientCa = dir.resolve("client-ca.crt");
    clientCert = dir.resolve("client.crt");
    clientKey = dir.resolve("client.key");
    clientP12 = dir.resolve("client.p12");
  }

  static TestCerts create(Path dir) throws IOException, InterruptedException {
    TestCerts c = new TestCerts(dir);
    Path caKey = dir.resolve("client-ca.key");
    Path csr = dir.resolve("client.csr");
    String[] ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
    openssl(dir, concat(new String[] {"req", "-x509"}, ec, new String[] {"-keyout", c.serverKey.toString(), "-out",
        c.serverCert.toString(), "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"}));
    openssl(dir, concat(new String[] {"req", "-x509"}, ec, new String[] {"-keyout", caKey.toString(), "-out",
        c.clientCa.toString(), "-days", "2", "-subj", "/CN=lookout-test-agents-ca"}));
    openssl(dir, concat(new String[] {"req"}, ec, new String[] {"-keyout", c.clientKey.toString(), "-out",
        csr.toString(), "-subj", "/CN=agent-1"}));
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", c.clientCa.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-out", c.clientCert.toString(), "-days", "2");
    openssl(dir, "pkcs12", "-export", "-in", c.clientCert.toString(), "-inkey", c.clientKey.toString(),
        "-out", c.clientP12.toString(), "-passout", "pass:" + PASSWORD);
    return c;
  }

  /** A client context trusting the server certificate; with {@code clientCertificate}, it also presents the client's. */
  SSLContext sslContext(boolean clientCertificate) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    List<Certificate> certs = certificates(Files.readAllBytes(serverCert));
    for (int i = 0; i < certs.size(); i++) {
      trust.setCertificateEntry("server-" + i, certs.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientCertificate) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientP12)) {
        keys.load(in, PASSWORD.toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD.toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  static byte[] read(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  private static List<Certificate> certificates(byte[] pem) throws GeneralSecurityException {
    return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
  }

  private static String[] concat(String[]... parts) {
    List<String> all = new ArrayList<>();
    for (String[] p : parts) {
      all.addAll(List.of(p));
    }
    return all.toArray(String[]::new);
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: "
          + new String(out, StandardCharsets.UTF_8));
    }
  }
}
