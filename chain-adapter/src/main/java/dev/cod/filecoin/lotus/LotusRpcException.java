package dev.cod.filecoin.lotus;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;

/**
 * Lotus answered a call with a JSON-RPC error object: it understood the request and refused it
 * (an unknown deal or actor, a malformed address, not enough funds, a missing permission). Not
 * retriable as it is: the same call gets the same answer until the chain or the request changes.
 */
public class LotusRpcException extends CodException {
  private static final long serialVersionUID = 1L;
  private final String method;
  private final int rpcCode;
  private final String lotusMessage;

  /**
   * @param method the full method name, e.g. {@code Filecoin.StateMarketStorageDeal}
   * @param rpcCode the JSON-RPC error code (Lotus uses 1 for a method's own errors)
   * @param lotusMessage Lotus's error message, as sent
   */
  public LotusRpcException(String method, int rpcCode, String lotusMessage) {
    super(ErrorCode.INVALID_INPUT,
        "Lotus refused " + method + ": " + lotusMessage + " (JSON-RPC error " + rpcCode + ")");
    this.method = method;
    this.rpcCode = rpcCode;
    this.lotusMessage = lotusMessage;
  }

  /** The full method name, e.g. {@code Filecoin.StateMarketStorageDeal}. */
  public String method() {
    return method;
  }

  /** The JSON-RPC error code. */
  public int rpcCode() {
    return rpcCode;
  }

  /** Lotus's error message, as sent. */
  public String lotusMessage() {
    return lotusMessage;
  }
}
