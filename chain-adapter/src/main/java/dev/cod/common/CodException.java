package dev.cod.common;

import java.util.Objects;

/**
 * The root of every exception cod throws across a module boundary. Library exceptions (web3j,
 * docker-java, H2, Jackson, java.net.http) are wrapped in it, with the cause kept.
 *
 * <p>Messages say what was expected, what was found, and what to do.
 */
public class CodException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public CodException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public CodException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The error's category. */
  public ErrorCode code() {
    return code;
  }

  /** Whether the same call may succeed if tried again later. */
  public boolean isRetriable() {
    return false;
  }
}
