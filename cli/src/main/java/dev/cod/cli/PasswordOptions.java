package dev.cod.cli;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.payments.Keystore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a wallet password comes from, in this order: {@code --password-file F} (first line; the
 * file must be 0600), {@code $COD_WALLET_PASSWORD}, else a prompt on the terminal without echo.
 * Never a command-line argument: arguments are visible to every user in {@code ps} and land in
 * shell histories.
 */
final class PasswordOptions {
  /** The environment variable holding a wallet password. */
  static final String ENV = "COD_WALLET_PASSWORD";

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "file whose first line is the wallet password (0600); else $" + ENV + ", else a prompt")
  Path passwordFile;

  /**
   * The password; for a new password ({@code confirm}) the prompt asks twice.
   *
   * @throws CodException INVALID_INPUT when no source gives one, or the two typed ones differ
   */
  String password(Map<String, String> env, Prompter prompter, String what, boolean confirm) {
    if (passwordFile != null) {
      return Keystore.readSecret(passwordFile);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    char[] typed = prompter.readPassword("Password for " + what + ": ").orElseThrow(() -> new CodException(
        ErrorCode.INVALID_INPUT, "expected a password for " + what + ", found no terminal to ask on: pass"
            + " --password-file FILE (0600) or set $" + ENV));
    try {
      if (confirm) {
        char[] again = prompter.readPassword("Repeat the password: ").orElse(new char[0]);
        try {
          if (!Arrays.equals(typed, again)) {
            throw new CodException(ErrorCode.INVALID_INPUT, "the two passwords typed differ: nothing written; try again");
          }
        } finally {
          Arrays.fill(again, '\0');
        }
      }
      return new String(typed);
    } finally {
      Arrays.fill(typed, '\0');
    }
  }
}
