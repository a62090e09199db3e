package dev.cod.common;

import java.util.List;
import java.util.Objects;

/**
 * The market contract reverted. {@link #errorName()} is the Solidity custom error's name (for
 * example {@code JobMarketWrongState}), {@link #arguments()} its decoded arguments in order;
 * a revert without a known custom error has the name {@code "unknown"} and the raw data.
 */
public class ContractRevertedException extends CodException {
  private static final long serialVersionUID = 1L;
  private final String errorName;
  private final List<Object> arguments;

  public ContractRevertedException(String action, String errorName, List<Object> arguments) {
    super(
        ErrorCode.CONTRACT_REVERTED,
        action + " reverted with " + errorName + formatArguments(arguments));
    this.errorName = Objects.requireNonNull(errorName, "errorName");
    this.arguments = List.copyOf(arguments);
  }

  /** The custom error's name, or {@code "unknown"}. */
  public String errorName() {
    return errorName;
  }

  /** The custom error's arguments: {@code BigInteger} for integers, {@code String} 0x… for addresses and bytes. */
  public List<Object> arguments() {
    return arguments;
  }

  private static String formatArguments(List<Object> arguments) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < arguments.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(arguments.get(i));
    }
    return sb.append(')').toString();
  }
}
