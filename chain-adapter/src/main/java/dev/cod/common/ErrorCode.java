package dev.cod.common;

/** What went wrong, in a form a caller can switch on and a user can search for. */
public enum ErrorCode {
  /** A job spec, config file or command-line value is malformed; the message names the field. */
  INVALID_INPUT,
  /** Bytes fetched from IPFS or elsewhere do not hash to the CID or digest they were asked by. */
  CONTENT_MISMATCH,
  /** The market contract reverted; the message carries the custom error's name and arguments. */
  CONTRACT_REVERTED,
  /** The chain endpoint failed or timed out (JSON-RPC transport); retriable. */
  CHAIN_UNAVAILABLE,
  /** The Kubo RPC API failed or is unreachable; retriable. */
  IPFS_UNAVAILABLE,
  /**
   * A storage source cannot serve a job's input: booster-http is unreachable, fails or lacks the
   * piece; retriable when the source may come back.
   */
  INPUT_UNAVAILABLE,
  /** The Docker engine failed or is unreachable; retriable. */
  DOCKER_UNAVAILABLE,
  /** A job's execution failed: timeout, output over the limit, missing image. */
  EXECUTION_FAILED,
  /** The local H2 store failed. */
  STORE_FAILED,
  /** A key store could not be read or decrypted. */
  KEYSTORE,
  /** A state that should not happen; a bug. */
  INTERNAL
}
