package dev.cod.chain;

import java.math.BigInteger;

/**
 * A mined, successful transaction.
 *
 * @param function the contract function called (e.g. {@code "bid"})
 * @param txHash 0x-prefixed transaction hash
 * @param blockNumber the block it was mined in
 * @param gasUsed gas units the transaction used
 */
public record TxResult(String function, String txHash, long blockNumber, BigInteger gasUsed) {}
