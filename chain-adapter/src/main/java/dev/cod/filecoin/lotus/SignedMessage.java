package dev.cod.filecoin.lotus;

import dev.cod.filecoin.FilecoinCid;

/**
 * A message as Lotus signed and pushed it ({@code Filecoin.MpoolPushMessage}'s result): the
 * message with the nonce and gas Lotus chose, its signature, and the CID to wait for with
 * {@code Filecoin.StateWaitMsg}.
 *
 * <p>Source: Lotus API v1 reference, {@code MpoolPushMessage} ({@code Message}, {@code
 * Signature}, {@code CID}).
 *
 * @param message the message as sent
 * @param signature the sender's signature
 * @param cid the signed message's CID (for BLS senders, the unsigned message's CID)
 */
public record SignedMessage(Message message, Signature signature, FilecoinCid cid) {
  /** @throws dev.cod.common.CodException INVALID_INPUT for a null part */
  public SignedMessage {
    Checks.notNull(message, "Message");
    Checks.notNull(signature, "Signature");
    Checks.notNull(cid, "CID");
  }
}
