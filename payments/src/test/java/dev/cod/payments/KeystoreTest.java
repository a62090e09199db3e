package dev.cod.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

class KeystoreTest {
  @Test
  void roundTripsWithOwnerOnlyFiles(@TempDir Path tmp) throws Exception {
    var key = Keys.createEcKeyPair();
    Path dir = tmp.resolve("keys");
    Path file = Keystore.write(dir, key, "correct horse", false);
    Path password = tmp.resolve("password");
    Keystore.writePassword(password, "correct horse");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(password))).isEqualTo("rw-------");
    Credentials loaded = Keystore.load(file, password);
    assertThat(loaded.getEcKeyPair().getPrivateKey()).isEqualTo(key.getPrivateKey());
    assertThat(Files.readString(file)).doesNotContain(key.getPrivateKey().toString(16));
  }

  @Test
  void refusesAWrongPasswordAndOpenPermissions(@TempDir Path tmp) throws Exception {
    Path file = Keystore.write(tmp.resolve("keys"), Keys.createEcKeyPair(), "right", false);
    Path wrong = tmp.resolve("wrong");
    Keystore.writePassword(wrong, "wrong");
    assertThatThrownBy(() -> Keystore.load(file, wrong)).isInstanceOf(CodException.class).hasMessageContaining("wrong password");

    Path open = tmp.resolve("open");
    Keystore.writePassword(open, "right");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> Keystore.load(file, open)).isInstanceOf(CodException.class).hasMessageContaining("chmod 600");
  }

  @Test
  void readsTheFirstLineOfAnOwnerOnlySecretAndNeverPrintsIt(@TempDir Path tmp) throws Exception {
    Path token = tmp.resolve("lotus-token");
    Keystore.writePassword(token, "eyJhbGciOiJIUzI1NiJ9.secret-token");
    assertThat(Keystore.readSecret(token)).isEqualTo("eyJhbGciOiJIUzI1NiJ9.secret-token");

    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> Keystore.readSecret(token))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("readable by others")
        .hasMessageNotContaining("secret-token");
    assertThatThrownBy(() -> Keystore.readSecret(tmp.resolve("missing")))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("missing");
  }
}
