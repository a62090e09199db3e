package dev.cod.filecoin.lotus;

import java.util.Arrays;

/**
 * The result of executing a message ({@code MessageReceipt}).
 *
 * <p>Source: Lotus API v1 reference, {@code StateWaitMsg} ({@code Receipt.ExitCode}, {@code
 * Return}, {@code GasUsed}); exit code 0 is success (go-state-types {@code exitcode.Ok}).
 *
 * @param exitCode 0 on success, else the actor's or the VM's exit code
 * @param returnData the CBOR-encoded return value (copied in and out; empty for none)
 * @param gasUsed gas units consumed (>= 0)
 */
public record Receipt(long exitCode, byte[] returnData, long gasUsed) {
  /** @throws dev.cod.common.CodException INVALID_INPUT for negative gas */
  public Receipt {
    Checks.atLeast(gasUsed, 0, "Receipt.GasUsed");
    returnData = returnData == null ? new byte[0] : returnData.clone();
  }

  /** The return value; a copy. */
  @Override
  public byte[] returnData() {
    return returnData.clone();
  }

  /** Whether the message succeeded (exit code 0). */
  public boolean isSuccess() {
    return exitCode == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Receipt r && r.exitCode == exitCode && r.gasUsed == gasUsed
        && Arrays.equals(r.returnData, returnData);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(exitCode) * 31 + Long.hashCode(gasUsed) * 7 + Arrays.hashCode(returnData);
  }

  @Override
  public String toString() {
    return "Receipt[exitCode " + exitCode + ", gasUsed " + gasUsed + ", return "
        + returnData.length + " bytes]";
  }
}
