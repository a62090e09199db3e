package dev.cod.node.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KuboDaemonTest {
  @TempDir Path tmp;

  private Path executable(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }

  @Test
  void findsTheBinaryInOrder() throws IOException {
    Path home = tmp.resolve("home");
    Path goBin = executable(home.resolve("go/bin/ipfs"));
    Path onPath = executable(tmp.resolve("bin/ipfs"));
    Path configured = executable(tmp.resolve("custom/kubo"));

    assertThat(KuboDaemon.findBinary(Map.of(KuboDaemon.BINARY_ENV, configured.toString()), home))
        .contains(configured);
    assertThat(KuboDaemon.findBinary(Map.of("PATH", tmp.resolve("nope") + ":" + onPath.getParent()), home))
        .contains(onPath);
    assertThat(KuboDaemon.findBinary(Map.of("PATH", ""), home)).contains(goBin);
  }

  @Test
  void aWrongCodIpfsBinIsAnError() {
    assertThatThrownBy(
            () -> KuboDaemon.findBinary(Map.of(KuboDaemon.BINARY_ENV, "/no/such/ipfs"), tmp))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("COD_IPFS_BIN=/no/such/ipfs is not an executable");
  }

  @Test
  void readsTheApiFileAndRefusesNonLoopback() throws IOException {
    Path api = tmp.resolve("api");
    Files.writeString(api, "/ip4/127.0.0.1/tcp/45123");
    assertThat(KuboDaemon.apiUrlFrom(api)).isEqualTo(URI.create("http://127.0.0.1:45123"));

    Files.writeString(api, "/ip4/0.0.0.0/tcp/5001");
    assertThatThrownBy(() -> KuboDaemon.apiUrlFrom(api))
        .isInstanceOf(CodException.class)
        .isNotInstanceOf(RetriableCodException.class)
        .hasMessageContaining("loopback");

    Files.writeString(api, "/ip4/127.0.0.1/tc");
    assertThatThrownBy(() -> KuboDaemon.apiUrlFrom(api)).isInstanceOf(RetriableCodException.class);
  }
}
