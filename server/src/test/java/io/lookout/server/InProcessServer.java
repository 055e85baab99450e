package io.lookout.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** A LookoutServer in the test JVM on free ports with its own data directory. */
final class InProcessServer implements AutoCloseable {
  final Path dataDir;
  final LookoutServer server;

  InProcessServer(Map<String, String> extraEnv) throws Exception {
    dataDir = Files.createTempDirectory("lookout-it-");
    Map<String, String> env = new HashMap<>();
    env.put("LOOKOUT_DATA_DIR", dataDir.toString());
    env.put("LOOKOUT_HTTP_PORT", "0");
    env.put("LOOKOUT_OTLP_GRPC_PORT", "0");
    env.put("LOOKOUT_OTLP_HTTP_PORT", "0");
    env.put("LOOKOUT_BIND_ADDRESS", "127.0.0.1");
    env.putAll(extraEnv);
    server = LookoutServer.start(env);
  }

  InProcessServer() throws Exception {
    this(Map.of());
  }

  String api() {
    return "http://127.0.0.1:" + server.httpPort();
  }

  String otlpHttp() {
    return "http://127.0.0.1:" + server.otlpHttpPort();
  }

  String otlpGrpc() {
    return "http://127.0.0.1:" + server.otlpGrpcPort();
  }

  @Override
  public void close() throws IOException {
    server.stop();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
