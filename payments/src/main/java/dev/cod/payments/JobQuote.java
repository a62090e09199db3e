package dev.cod.payments;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * What posting a job costs the client, and what it asks of each provider, before anything is sent.
 * Amounts are exact attoFIL.
 *
 * @param replicas providers the job needs
 * @param maxPrice most paid per replica
 * @param escrow what the client sends with {@code postJob}: replicas × maxPrice (unused escrow comes
 *     back as a credit to withdraw)
 * @param stakePerProvider free stake each provider must hold in the market to bid (locked until
 *     settlement; slashed if it commits to a losing result or stays silent)
 * @param gasEstimate {@code eth_estimateGas} for {@code postJob}, in gas units; empty when the
 *     account cannot pay the escrow (the node refuses to estimate then)
 * @param gasLimit the limit the transaction manager will send: the estimate plus 25% headroom
 * @param maxFeePerGas the most paid per gas unit (2 × the latest base fee + the priority fee), in
 *     attoFIL (FEVM: the same unit as wei)
 * @param balance the client account's balance now
 * @param credits what the market already holds for the client, withdrawable with {@code cod wallet withdraw}
 */
public record JobQuote(int replicas, FilAmount maxPrice, FilAmount escrow, FilAmount stakePerProvider,
    Optional<BigInteger> gasEstimate, BigInteger gasLimit, BigInteger maxFeePerGas, FilAmount balance,
    FilAmount credits) {
  public JobQuote {
    Objects.requireNonNull(gasEstimate, "gasEstimate");
    if (!escrow.equals(maxPrice.times(replicas))) {
      throw new IllegalArgumentException("escrow " + escrow + " is not " + replicas + " × " + maxPrice);
    }
  }

  /** The most the gas of {@code postJob} can cost: gas limit × max fee per gas. */
  public FilAmount maxGasCost() {
    return FilAmount.ofAtto(gasLimit.multiply(maxFeePerGas));
  }

  /** The most the client's balance goes down by posting: escrow + {@link #maxGasCost()}. */
  public FilAmount maxTotal() {
    return escrow.plus(maxGasCost());
  }

  /** Whether the balance covers {@link #maxTotal()}. */
  public boolean affordable() {
    return gasEstimate.isPresent() && balance.compareTo(maxTotal()) >= 0;
  }

  /** What the balance lacks to cover {@link #maxTotal()} (zero if nothing). */
  public FilAmount shortfall() {
    return maxTotal().compareTo(balance) > 0 ? maxTotal().minus(balance) : FilAmount.ZERO;
  }
}
