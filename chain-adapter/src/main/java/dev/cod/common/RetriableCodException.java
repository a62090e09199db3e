package dev.cod.common;

/** A failure of a part that may come back: a chain endpoint, the Kubo API, the Docker engine. */
public class RetriableCodException extends CodException {
  private static final long serialVersionUID = 1L;

  public RetriableCodException(ErrorCode code, String message) {
    super(code, message);
  }

  public RetriableCodException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
