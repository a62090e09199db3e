package dev.cod.payments;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Protocol;
import dev.cod.filecoin.FilecoinCid;
import dev.cod.filecoin.lotus.LotusClient;
import dev.cod.filecoin.lotus.Message;
import dev.cod.filecoin.lotus.MessageSendSpec;
import dev.cod.filecoin.lotus.MsgLookup;
import dev.cod.filecoin.lotus.SignedMessage;
import java.math.BigInteger;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves FIL from a Lotus wallet (an f1 secp256k1 or f3 BLS account whose key the Lotus node
 * holds) to a FEVM account's f410f address, which is the same actor as its 0x address (FIP-0055),
 * so the FIL is then spendable by the 0x key on the FEVM.
 *
 * <p>How (Lotus API v1 reference): {@code Filecoin.WalletBalance} first, so that a transfer the
 * wallet cannot pay for fails with both numbers before anything is sent; then {@code
 * Filecoin.MpoolPushMessage} of a plain send (method 0) with nonce and gas left for Lotus to fill
 * in, and a {@code MsgUuid} so that a retry of a push whose answer was lost returns the message
 * already pushed instead of paying twice; then {@code Filecoin.StateWaitMsg} with {@code
 * confidence} epochs and replacements allowed (a message Lotus re-priced still pays once). A
 * receipt with a non-zero exit code is an error naming it.
 */
public final class FilecoinFunding {
  private static final Logger LOG = LoggerFactory.getLogger(FilecoinFunding.class);
  /** Lotus's default message confidence ({@code build.MessageConfidence}), in epochs. */
  public static final long DEFAULT_CONFIDENCE = 5;

  private final LotusClient lotus;
  private final FilecoinAddress.Network network;
  private final long confidence;

  /**
   * @param network the network the Lotus node is on ({@code f} or {@code t} addresses)
   * @param confidence epochs to wait after the message executed (>= 0)
   */
  public FilecoinFunding(LotusClient lotus, FilecoinAddress.Network network, long confidence) {
    this.lotus = Objects.requireNonNull(lotus, "lotus");
    this.network = Objects.requireNonNull(network, "network");
    if (confidence < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected a confidence of 0 or more epochs, found " + confidence);
    }
    this.confidence = confidence;
  }

  /**
   * A transfer that landed.
   *
   * @param from the Lotus wallet that paid
   * @param to the f410f address credited
   * @param toEthAddress the same account's 0x address
   * @param amount what the receiver got (the sender also paid the gas fee)
   * @param message the CID of the executed message (a replacement's if Lotus replaced it)
   * @param height the epoch it executed in
   * @param gasUsed gas units it used
   */
  public record Funded(FilecoinAddress from, FilecoinAddress to, String toEthAddress, FilAmount amount,
      FilecoinCid message, long height, long gasUsed) {}

  /**
   * Sends {@code amount} from {@code from} to the f410f address of {@code toEthAddress} and waits
   * for it.
   *
   * @param from an f1/f3 (or t1/t3) address of a key in the Lotus node's wallet
   * @param toEthAddress the receiving FEVM account, {@code 0x} + 40 hex digits
   * @param amount more than 0 FIL
   * @param pushKey the push's idempotency key: the same key never pushes a second message
   * @throws CodException INVALID_INPUT for a sender that is not f1/f3, a zero amount, a balance
   *     below the amount, a message that failed on chain; {@link dev.cod.filecoin.lotus.LotusRpcException}
   *     when Lotus refuses (e.g. no key for the sender); RetriableCodException CHAIN_UNAVAILABLE when
   *     Lotus cannot be reached
   */
  public Funded fund(FilecoinAddress from, String toEthAddress, FilAmount amount, UUID pushKey) {
    if (from.protocol() != Protocol.SECP256K1 && from.protocol() != Protocol.BLS) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected --from to be a Lotus wallet address (f1… secp256k1"
          + " or f3… BLS), found " + from + " (a " + from.protocol() + " address): list yours with `lotus wallet list`");
    }
    if (amount.isZero()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected an amount of more than 0 FIL to fund, found 0 FIL");
    }
    FilecoinAddress to = FilecoinAddress.fromEthAddress(network, toEthAddress);
    if (to.protocol() != Protocol.DELEGATED) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected an Ethereum account to fund, found the masked ID "
          + toEthAddress + " (" + to + "): fund an account's own 0x address");
    }
    BigInteger balance = lotus.walletBalance(from);
    if (balance.compareTo(amount.attoFil()) < 0) {
      throw new CodException(ErrorCode.INVALID_INPUT, "expected " + from + " to hold at least " + amount
          + " plus gas, found " + FilAmount.ofAtto(balance) + ": fund it first or send less");
    }
    Message send = Message.send(from, to, amount.attoFil(), Message.METHOD_SEND, new byte[0]);
    SignedMessage pushed = lotus.mpoolPushMessage(send, MessageSendSpec.idempotent(pushKey));
    LOG.info("funding {} ({}) with {} from {}: message {}, waiting for {} epochs of confidence", to, toEthAddress,
        amount, from, pushed.cid(), confidence);
    MsgLookup landed = lotus.stateWaitMsg(pushed.cid(), confidence, -1, true);
    if (!landed.receipt().isSuccess()) {
      throw new CodException(ErrorCode.INVALID_INPUT, "funding message " + landed.message() + " landed at epoch "
          + landed.height() + " with exit code " + landed.receipt().exitCode() + ": nothing was transferred"
          + " (gas was paid); check the sender and receiver with `lotus state` and retry");
    }
    if (!landed.message().equals(pushed.cid())) {
      LOG.info("funding message {} was replaced by {} (same nonce, other gas)", pushed.cid(), landed.message());
    }
    LOG.info("funded {} with {} at epoch {} (message {}, gas used {})", to, amount, landed.height(),
        landed.message(), landed.receipt().gasUsed());
    return new Funded(from, to, toEthAddress.toLowerCase(java.util.Locale.ROOT), amount, landed.message(),
        landed.height(), landed.receipt().gasUsed());
  }
}
