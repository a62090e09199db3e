package dev.cod.payments;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.web3j.crypto.exception.CipherException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.WalletUtils;

/**
 * Ethereum keystore v3 files (Web3 Secret Storage: scrypt + AES-128-CTR) holding an account's
 * key, written 0600 in a 0700 directory. Passwords come from files, never from a command line;
 * neither keys nor passwords are ever logged.
 */
public final class Keystore {
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

  private Keystore() {}

  /**
   * Encrypts {@code key} into a new keystore file in {@code dir}.
   *
   * @param fullStrength scrypt N=262144 (the standard) when true; N=4096 ("light", for local devnets) when false
   * @return the keystore file
   */
  public static Path write(Path dir, ECKeyPair key, String password, boolean fullStrength) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
      String name = WalletUtils.generateWalletFile(password, key, dir.toFile(), fullStrength);
      Path file = dir.resolve(name);
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
      return file;
    } catch (IOException | CipherException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot write keystore in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts a keystore with the password held in {@code passwordFile} (first line).
   *
   * @throws CodException KEYSTORE if a file is missing, readable by others, or the password is wrong
   */
  public static Credentials load(Path keystore, Path passwordFile) {
    requireOwnerOnly(keystore);
    return load(keystore, readSecret(passwordFile));
  }

  /**
   * Decrypts a keystore (0600) with {@code password}, which is never put in a message.
   *
   * @throws CodException KEYSTORE if the file is missing, readable by others, not a keystore v3, or
   *     the password is wrong
   */
  public static Credentials load(Path keystore, String password) {
    requireOwnerOnly(keystore);
    try {
      return WalletUtils.loadCredentials(password, keystore.toFile());
    } catch (CipherException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot decrypt " + keystore + ": wrong password?", e);
    } catch (IOException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot read keystore " + keystore + ": " + e.getMessage(), e);
    }
  }

  /**
   * The first line of a secret file (a keystore password, a Lotus API token), which must be
   * readable by its owner only. The secret is never put in a message.
   *
   * @throws CodException KEYSTORE if the file is missing, unreadable or readable by others
   */
  public static String readSecret(Path file) {
    requireOwnerOnly(file);
    try {
      return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot read secret file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a password file readable only by its owner. */
  public static void writePassword(Path file, String password) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
      Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot write password file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The 0x address a keystore v3 file declares in its {@code address} field, read without the
   * password (Web3 Secret Storage keeps it in clear). Trust it only after a decryption.
   *
   * @return the address, {@code 0x} + 40 lower-case hex digits
   * @throws CodException KEYSTORE if the file is unreadable or has no 20-byte address
   */
  public static String address(Path keystore) {
    try {
      com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(keystore.toFile());
      String a = json == null ? "" : json.path("address").asText("");
      String hex = a.startsWith("0x") || a.startsWith("0X") ? a.substring(2) : a;
      if (!hex.matches("[0-9a-fA-F]{40}")) {
        throw new CodException(ErrorCode.KEYSTORE, "expected an Ethereum keystore v3 file with a 20-byte 'address'"
            + " in " + keystore + ", found " + (a.isEmpty() ? "none" : "'" + a + "'"));
      }
      return "0x" + hex.toLowerCase(java.util.Locale.ROOT);
    } catch (IOException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot read keystore " + keystore + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code file} is readable and writable by its owner only (0600 or 0400). */
  static void requireOwnerOnly(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (!OWNER_ONLY_FILE.contains(p)) {
          throw new CodException(ErrorCode.KEYSTORE,
              file + " is readable by others (" + PosixFilePermissions.toString(perms) + "): chmod 600 it");
        }
      }
    } catch (IOException e) {
      throw new CodException(ErrorCode.KEYSTORE, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
