package dev.cod.filecoin.lotus;

import dev.cod.filecoin.FilecoinCid;

/**
 * Where and how a message landed ({@code Filecoin.StateWaitMsg}'s result).
 *
 * <p>Source: Lotus API v1 reference, {@code StateWaitMsg}: with {@code allowReplaced} true,
 * {@code message} may name a replacing message (same sender and nonce, other gas values) rather
 * than the one waited for; compare it with the CID you asked for.
 *
 * @param message the CID of the message that was executed
 * @param receipt its execution result
 * @param tipSet the tipset the message was executed in
 * @param height that tipset's epoch (>= 0)
 */
public record MsgLookup(FilecoinCid message, Receipt receipt, TipSetKey tipSet, long height) {
  /** @throws dev.cod.common.CodException INVALID_INPUT for a null part or a negative height */
  public MsgLookup {
    Checks.notNull(message, "Message");
    Checks.notNull(receipt, "Receipt");
    Checks.notNull(tipSet, "TipSet");
    Checks.atLeast(height, 0, "Height");
  }
}
