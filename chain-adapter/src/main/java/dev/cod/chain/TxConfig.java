package dev.cod.chain;

import java.time.Duration;
import java.util.Objects;

/**
 * How transactions are sent and trusted; see {@link EstimatingTransactionManager}.
 *
 * @param confirmations blocks that must be mined on top of a receipt's block before the receipt is
 *     trusted (0: trusted when it appears, as on a devnet with automine)
 * @param replacementTimeout how long a sent transaction may stay unmined before it is replaced by one
 *     with the same nonce and fees at least 25% higher
 * @param maxReplacements how many times one nonce may be replaced; later the last one is only re-sent
 * @param receiptTimeout how long a send waits for its receipt (replacements included) before it
 *     gives up with a retriable error; the transaction stays stored and the same call later adopts it
 * @param pollInterval how often a waiting send asks for receipts and the head block
 * @param retry the budget for transport failures of every JSON-RPC call
 */
public record TxConfig(int confirmations, Duration replacementTimeout, int maxReplacements,
    Duration receiptTimeout, Duration pollInterval, RetryPolicy retry) {

  /**
   * For Filecoin (mainnet 314, Calibration 314159): 5 confirmations, Lotus's own
   * {@code build.MessageConfidence}; a replacement after 3 minutes (6 epochs of 30 s), at most 5 of
   * them; 15 minutes for a receipt; polls every 5 s.
   */
  public static final TxConfig FILECOIN = new TxConfig(5, Duration.ofMinutes(3), 5, Duration.ofMinutes(15),
      Duration.ofSeconds(5), RetryPolicy.DEFAULT);

  /** For a local Hardhat devnet (automine): no confirmation to wait for, fast polls. */
  public static final TxConfig DEVNET = new TxConfig(0, Duration.ofSeconds(30), 5, Duration.ofMinutes(2),
      Duration.ofMillis(20), RetryPolicy.DEFAULT);

  /** Hardhat's chain id. */
  private static final long HARDHAT_CHAIN_ID = 31337;

  public TxConfig {
    Objects.requireNonNull(replacementTimeout, "replacementTimeout");
    Objects.requireNonNull(receiptTimeout, "receiptTimeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(retry, "retry");
    if (confirmations < 0 || maxReplacements < 0) {
      throw new IllegalArgumentException("confirmations and maxReplacements must not be negative, got "
          + confirmations + " and " + maxReplacements);
    }
    if (!positive(replacementTimeout) || !positive(receiptTimeout) || !positive(pollInterval)) {
      throw new IllegalArgumentException("replacementTimeout, receiptTimeout and pollInterval must be positive, got "
          + replacementTimeout + ", " + receiptTimeout + ", " + pollInterval);
    }
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /** {@link #DEVNET} on Hardhat's chain id 31337, else {@link #FILECOIN}. */
  public static TxConfig forChain(long chainId) {
    return chainId == HARDHAT_CHAIN_ID ? DEVNET : FILECOIN;
  }

  public TxConfig withConfirmations(int blocks) {
    return new TxConfig(blocks, replacementTimeout, maxReplacements, receiptTimeout, pollInterval, retry);
  }

  public TxConfig withReplacementTimeout(Duration timeout) {
    return new TxConfig(confirmations, timeout, maxReplacements, receiptTimeout, pollInterval, retry);
  }

  public TxConfig withReceiptTimeout(Duration timeout) {
    return new TxConfig(confirmations, replacementTimeout, maxReplacements, timeout, pollInterval, retry);
  }

  public TxConfig withPollInterval(Duration interval) {
    return new TxConfig(confirmations, replacementTimeout, maxReplacements, receiptTimeout, interval, retry);
  }

  public TxConfig withRetry(RetryPolicy policy) {
    return new TxConfig(confirmations, replacementTimeout, maxReplacements, receiptTimeout, pollInterval, policy);
  }
}
