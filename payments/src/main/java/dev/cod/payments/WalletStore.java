package dev.cod.payments;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.filecoin.FilecoinAddress;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * A directory of user wallets: one Ethereum keystore v3 file (Web3 Secret Storage, written by
 * web3j's {@code WalletUtils}) per account, scrypt at full strength (N = 2^18, r = 8, p = 1),
 * each file 0600 in a 0700 directory. The default directory is {@code ~/.cod/wallets}, or
 * {@code $COD_WALLET_DIR}.
 *
 * <p>Every account has two names: its {@code 0x} address on the FEVM and the f410f address of
 * the same actor on Filecoin (FIP-0055: delegated address in the EAM's namespace 10; {@code t410f}
 * on test networks). Passwords are handed in by the caller and are never logged or put in a
 * message; nor are keys.
 */
public final class WalletStore {
  private static final Logger LOG = LoggerFactory.getLogger(WalletStore.class);
  /** The environment variable naming the wallet directory. */
  public static final String DIR_ENV = "COD_WALLET_DIR";

  private final Path dir;

  /** A wallet: its 0x address (lower case) and its keystore file. */
  public record Wallet(String address, Path file) {
    /** The f410f (mainnet) or t410f (test networks) address of the same account (FIP-0055). */
    public FilecoinAddress filecoinAddress(FilecoinAddress.Network network) {
      return FilecoinAddress.fromEthAddress(network, address);
    }
  }

  public WalletStore(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  /** {@code $COD_WALLET_DIR}, else {@code ~/.cod/wallets}. */
  public static Path defaultDir(Map<String, String> env) {
    String d = env.get(DIR_ENV);
    if (d != null && !d.isBlank()) {
      return Path.of(d);
    }
    return Path.of(System.getProperty("user.home"), ".cod", "wallets");
  }

  public Path dir() {
    return dir;
  }

  /**
   * Creates a new account (a fresh secp256k1 key from web3j's {@code Keys}, i.e. the JDK's
   * SecureRandom) and writes its keystore at full scrypt strength.
   *
   * @throws CodException KEYSTORE if the directory cannot be written; INVALID_INPUT for an empty password
   */
  public Wallet create(String password) {
    requirePassword(password);
    ECKeyPair key;
    try {
      key = Keys.createEcKeyPair();
    } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException | NoSuchProviderException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot create a secp256k1 key: " + e.getMessage(), e);
    }
    return store(key, password);
  }

  /**
   * Imports a raw private key (64 hex digits, optional {@code 0x}) read from {@code keyFile}, which
   * must be readable by its owner only; the key is never put in a message.
   *
   * @throws CodException KEYSTORE for an unreadable or open file; INVALID_INPUT for something that
   *     is not a secp256k1 private key, or an account already in the store
   */
  public Wallet importPrivateKey(Path keyFile, String password) {
    requirePassword(password);
    String text = Keystore.readSecret(keyFile).strip();
    String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected " + keyFile
          + " to hold a secp256k1 private key as 64 hex digits (optionally 0x-prefixed), found "
          + hex.length() + " characters that are not");
    }
    BigInteger k = new BigInteger(hex, 16);
    if (k.signum() == 0 || k.compareTo(org.web3j.crypto.Sign.CURVE_PARAMS.getN()) >= 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected " + keyFile
          + " to hold a private key between 1 and the secp256k1 group order − 1, found one out of range");
    }
    return store(ECKeyPair.create(k), password);
  }

  /**
   * Imports an existing keystore v3 file (geth, MetaMask export, web3j, Lotus's f410f key as a
   * keystore): decrypts it with {@code password} and writes it again into this store at full
   * scrypt strength with the same password. The source file is not changed.
   *
   * @throws CodException KEYSTORE for a wrong password or an unreadable file; INVALID_INPUT for an
   *     account already in the store
   */
  public Wallet importKeystore(Path keystore, String password) {
    requirePassword(password);
    Credentials c = Keystore.load(keystore, password);
    return store(c.getEcKeyPair(), password);
  }

  /** The wallets in the store, by address. An absent directory holds none. */
  public List<Wallet> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Wallet> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        try {
          out.add(new Wallet(Keystore.address(f), f));
        } catch (CodException e) {
          LOG.warn("skipping {} in the wallet directory: {}", f.getFileName(), e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot list wallet directory " + dir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(Wallet::address));
    return out;
  }

  /**
   * The wallet of an account, named by its 0x or f410f/t410f address.
   *
   * @throws CodException INVALID_INPUT for something that is neither
   */
  public Optional<Wallet> find(String account) {
    String eth = toEthAddress(account);
    return list().stream().filter(w -> w.address().equals(eth)).findFirst();
  }

  /**
   * Decrypts a wallet.
   *
   * @throws CodException KEYSTORE for a wrong password or an open file
   */
  public Credentials unlock(Wallet wallet, String password) {
    return Keystore.load(wallet.file(), password);
  }

  /**
   * The lower-case 0x address for a 0x address or an f410f/t410f address (FIP-0055).
   *
   * @throws CodException INVALID_INPUT for anything else (an f1/f3 account has no EVM key here)
   */
  public static String toEthAddress(String account) {
    String a = account.strip();
    if (a.startsWith("0x") || a.startsWith("0X")) {
      FilecoinAddress.fromEthAddress(FilecoinAddress.Network.MAINNET, a); // checks shape and EIP-55
      return a.toLowerCase(Locale.ROOT);
    }
    FilecoinAddress f = FilecoinAddress.parse(a);
    if (f.protocol() != FilecoinAddress.Protocol.DELEGATED || !f.hasEthAddress()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected an account as 0x… or f410f…, found " + account
          + " (a " + f.protocol() + " address has no Ethereum account)");
    }
    return f.toEthAddress().toLowerCase(Locale.ROOT);
  }

  private Wallet store(ECKeyPair key, String password) {
    String address = "0x" + Keys.getAddress(key.getPublicKey()).toLowerCase(Locale.ROOT);
    if (find(address).isPresent()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "account " + address + " is already in " + dir
          + ": nothing imported");
    }
    createPrivateDir();
    Path file = Keystore.write(dir, key, password, true);
    LOG.info("wrote wallet {} to {}", address, file.getFileName());
    return new Wallet(address, file);
  }

  private void createPrivateDir() {
    try {
      if (!Files.exists(dir)) {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot create wallet directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void requirePassword(String password) {
    if (password == null || password.isEmpty()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a wallet password, found an empty one:"
          + " give it in a file (--password-file), $COD_WALLET_PASSWORD or at the prompt");
    }
  }
}
