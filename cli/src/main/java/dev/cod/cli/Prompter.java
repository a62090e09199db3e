package dev.cod.cli;

import java.io.Console;
import java.util.Optional;

/** Asks the person at the terminal; tests replace it. Without a terminal, every question is unanswered. */
interface Prompter {
  /** A line typed in answer to {@code prompt}; empty without a terminal. */
  Optional<String> readLine(String prompt);

  /** A secret typed without echo in answer to {@code prompt}; empty without a terminal. */
  Optional<char[]> readPassword(String prompt);

  /** The JVM's {@link System#console()}: no echo for passwords. */
  static Prompter system() {
    return new Prompter() {
      @Override
      public Optional<String> readLine(String prompt) {
        Console c = System.console();
        return c == null ? Optional.empty() : Optional.ofNullable(c.readLine("%s", prompt));
      }

      @Override
      public Optional<char[]> readPassword(String prompt) {
        Console c = System.console();
        return c == null ? Optional.empty() : Optional.ofNullable(c.readPassword("%s", prompt));
      }
    };
  }
}
