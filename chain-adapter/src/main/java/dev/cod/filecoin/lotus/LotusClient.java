package dev.cod.filecoin.lotus;

import dev.cod.common.CodException;
import dev.cod.common.RetriableCodException;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinCid;
import java.math.BigInteger;

/**
 * The Lotus full-node JSON-RPC methods cod uses (API v1, {@code /rpc/v1}, method names {@code
 * Filecoin.<Method>}, positional parameters). Each method says what it returns; names and shapes
 * follow the Lotus API v1 reference (lotus {@code documentation/en/api-methods-v1-stable.md}).
 *
 * <p>Every method throws:
 *
 * <ul>
 *   <li>{@link RetriableCodException} {@code CHAIN_UNAVAILABLE} when Lotus cannot be reached,
 *       times out, or answers with an HTTP error that is not JSON-RPC;
 *   <li>{@link LotusRpcException} when Lotus answers with a JSON-RPC error (e.g. "deal 5432 not
 *       found"); it names the method and carries Lotus's message;
 *   <li>{@link CodException} {@code INVALID_INPUT} when Lotus refuses the API token (HTTP 401);
 *       the message never contains the token;
 *   <li>{@link CodException} {@code INTERNAL} when the answer is not in the documented shape.
 * </ul>
 */
public interface LotusClient {
  /** {@code Filecoin.ChainHead}: the heaviest tipset's key and epoch. */
  TipSet chainHead();

  /**
   * {@code Filecoin.StateMarketStorageDeal}: a storage deal's terms and state, as of {@code
   * tipSet} ({@link TipSetKey#EMPTY} for the head). A deal Lotus does not know (never published,
   * or removed after expiry or slashing) is a {@link LotusRpcException}.
   *
   * @param dealId the deal ID (>= 0)
   */
  MarketDeal stateMarketStorageDeal(long dealId, TipSetKey tipSet);

  /** {@code Filecoin.StateMinerInfo}: owner, worker, control addresses, peer ID, sector size. */
  MinerInfo stateMinerInfo(FilecoinAddress miner, TipSetKey tipSet);

  /** {@code Filecoin.StateLookupID}: the f0 ID address of any address of an existing actor. */
  FilecoinAddress stateLookupId(FilecoinAddress address, TipSetKey tipSet);

  /** {@code Filecoin.StateAccountKey}: the f1/f3 key address of an account actor. */
  FilecoinAddress stateAccountKey(FilecoinAddress address, TipSetKey tipSet);

  /**
   * {@code Filecoin.EthAddressToFilecoinAddress}: the f410f (or, for a masked ID, f0) address of
   * an Ethereum address.
   *
   * @param ethAddress {@code 0x} + 40 hex digits
   */
  FilecoinAddress ethAddressToFilecoinAddress(String ethAddress);

  /**
   * {@code Filecoin.FilecoinAddressToEthAddress} with Lotus's default block parameter
   * ("finalized"): the {@code 0x} form of any address (f1/f2/f3 through their f0 ID).
   */
  String filecoinAddressToEthAddress(FilecoinAddress address);

  /**
   * {@code Filecoin.FilecoinAddressToEthAddress} resolving f1/f2/f3 addresses at {@code
   * blockParameter}: "pending", "latest", "finalized", "safe" or a hex block number.
   */
  String filecoinAddressToEthAddress(FilecoinAddress address, String blockParameter);

  /** {@code Filecoin.WalletBalance}: the address's balance at the head, in attoFIL. */
  BigInteger walletBalance(FilecoinAddress address);

  /**
   * {@code Filecoin.MpoolPushMessage}: Lotus assigns the nonce, estimates gas (for zero gas
   * fields), signs with the sender's wallet key and pushes the message. Needs a token with
   * "sign" permission.
   */
  SignedMessage mpoolPushMessage(Message message, MessageSendSpec spec);

  /**
   * {@code Filecoin.StateWaitMsg}: blocks until the message is executed and {@code confidence}
   * epochs have passed over it, then says where it landed and its receipt.
   *
   * @param confidence epochs to wait after execution (>= 0)
   * @param lookbackLimit how many epochs back to search for an already executed message; -1 for
   *     no limit
   * @param allowReplaced whether a replacing message (same nonce, other gas) counts
   */
  MsgLookup stateWaitMsg(FilecoinCid message, long confidence, long lookbackLimit,
      boolean allowReplaced);
}
