package dev.cod.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.common.CodException;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

class WalletStoreTest {
  private static final String PASSWORD = "wallet-store-test-password-7f3a";

  @Test
  void newWalletRoundTripsAtFullScryptStrengthInAPrivateDirectory(@TempDir Path tmp) throws Exception {
    WalletStore store = new WalletStore(tmp.resolve("home/.cod/wallets"));
    WalletStore.Wallet w;
    Credentials unlocked;
    try (LogCapture logs = new LogCapture()) {
      w = store.create(PASSWORD);
      unlocked = store.unlock(w, PASSWORD);
      assertThatThrownBy(() -> store.unlock(w, PASSWORD + "x")).isInstanceOf(CodException.class)
          .hasMessageContaining("wrong password").hasMessageNotContaining(PASSWORD);
      assertThat(logs.lines()).anyMatch(l -> l.contains("wrote wallet " + w.address()));
      logs.assertNoneContains(PASSWORD, unlocked.getEcKeyPair().getPrivateKey().toString(16));
    }
    assertThat(unlocked.getAddress()).isEqualTo(w.address());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.file()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.dir()))).isEqualTo("rwx------");
    JsonNode json = new ObjectMapper().readTree(w.file().toFile());
    assertThat(json.path("version").asInt()).isEqualTo(3);
    assertThat(json.path("crypto").path("kdf").asText()).isEqualTo("scrypt");
    assertThat(json.path("crypto").path("kdfparams").path("n").asInt()).as("full strength").isEqualTo(1 << 18);
    assertThat(Files.readString(w.file())).doesNotContain(PASSWORD)
        .doesNotContain(unlocked.getEcKeyPair().getPrivateKey().toString(16));

    assertThat(store.list()).containsExactly(w);
    assertThat(store.find(w.address())).contains(w);
    String t410 = w.filecoinAddress(FilecoinAddress.Network.TESTNET).toString();
    assertThat(t410).startsWith("t410f");
    assertThat(store.find(t410)).contains(w);
    assertThat(store.find(w.filecoinAddress(FilecoinAddress.Network.MAINNET).toString())).contains(w);
  }

  @Test
  void importsAPrivateKeyFromAnOwnerOnlyFileAndAKeystoreOnce(@TempDir Path tmp) throws Exception {
    var key = Keys.createEcKeyPair();
    String hex = "0x" + String.format("%064x", key.getPrivateKey());
    Path keyFile = tmp.resolve("key.hex");
    Keystore.writePassword(keyFile, hex);
    WalletStore store = new WalletStore(tmp.resolve("wallets"));
    WalletStore.Wallet w;
    try (LogCapture logs = new LogCapture()) {
      w = store.importPrivateKey(keyFile, PASSWORD);
      assertThatThrownBy(() -> store.importPrivateKey(keyFile, PASSWORD)).isInstanceOf(CodException.class)
          .hasMessageContaining("already in");
      logs.assertNoneContains(PASSWORD, hex.substring(2));
    }
    assertThat(w.address()).isEqualTo("0x" + Keys.getAddress(key));
    assertThat(store.unlock(w, PASSWORD).getEcKeyPair().getPrivateKey()).isEqualTo(key.getPrivateKey());

    // a keystore from elsewhere (light scrypt, as the devnet writes) comes in at full strength
    Path other = Keystore.write(tmp.resolve("elsewhere"), Keys.createEcKeyPair(), "other-pass", false);
    WalletStore.Wallet imported = store.importKeystore(other, "other-pass");
    assertThat(new ObjectMapper().readTree(imported.file().toFile()).path("crypto").path("kdfparams").path("n").asInt())
        .isEqualTo(1 << 18);
    assertThat(store.list()).hasSize(2);
    assertThatThrownBy(() -> store.importKeystore(other, "not-it")).isInstanceOf(CodException.class)
        .hasMessageContaining("wrong password");
  }

  @Test
  void refusesWhatIsNotAKeyAndOpenKeyFiles(@TempDir Path tmp) throws Exception {
    WalletStore store = new WalletStore(tmp.resolve("wallets"));
    Path bad = tmp.resolve("bad");
    Keystore.writePassword(bad, "not a key at all");
    assertThatThrownBy(() -> store.importPrivateKey(bad, PASSWORD)).isInstanceOf(CodException.class)
        .hasMessageContaining("64 hex digits").hasMessageNotContaining("not a key at all");
    Path zero = tmp.resolve("zero");
    Keystore.writePassword(zero, "0".repeat(64));
    assertThatThrownBy(() -> store.importPrivateKey(zero, PASSWORD)).hasMessageContaining("out of range");
    Path open = tmp.resolve("open");
    Keystore.writePassword(open, "11".repeat(32));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> store.importPrivateKey(open, PASSWORD)).hasMessageContaining("chmod 600");
    assertThatThrownBy(() -> store.create("")).isInstanceOf(CodException.class).hasMessageContaining("empty");
    assertThat(store.list()).isEmpty();
    assertThatThrownBy(() -> store.find("t1abc")).isInstanceOf(CodException.class);
  }
}
