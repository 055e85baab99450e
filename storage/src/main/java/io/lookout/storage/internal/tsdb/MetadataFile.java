package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.MetricMetadata;
import io.lookout.storage.internal.ByteReader;
import io.lookout.storage.internal.ByteWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The latest metadata per family of a tenant, {@code <root>/<tenant>/metadata.bin}, replaced atomically. */
final class MetadataFile {
  private static final String NAME = "metadata.bin";

  private MetadataFile() {}

  static void save(Path tenantDir, TenantHead head) throws IOException {
    Files.createDirectories(tenantDir);
    ByteWriter w = new ByteWriter(1024);
    var all = head.metadata.values().stream().toList();
    w.writeVInt(all.size());
    for (MetricMetadata m : all) {
      w.writeString(m.familyName());
      w.writeByte(m.type().ordinal());
      w.writeString(m.unit());
      w.writeString(m.help());
    }
    Path tmp = tenantDir.resolve(NAME + ".tmp");
    Files.write(tmp, w.toByteArray());
    Files.move(tmp, tenantDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static void load(Path tenantDir, TenantHead head) throws IOException {
    Path f = tenantDir.resolve(NAME);
    if (!Files.exists(f)) {
      return;
    }
    byte[] b = Files.readAllBytes(f);
    ByteReader r = new ByteReader(b, 0, b.length);
    int n = r.readCount();
    MetricMetadata.Type[] types = MetricMetadata.Type.values();
    for (int i = 0; i < n; i++) {
      String family = r.readString();
      MetricMetadata.Type type = types[Math.min(r.readByte(), types.length - 1)];
      head.metadata.putIfAbsent(family, new MetricMetadata(family, type, r.readString(), r.readString()));
    }
  }
}
