package dev.cod.filecoin.lotus;

import dev.cod.filecoin.FilecoinAddress;
import java.util.List;

/**
 * What a provider node needs of a miner actor's info ({@code Filecoin.StateMinerInfo}): who
 * controls it, where it is on the network, its sector size, and who is paid.
 *
 * <p>Source: Lotus API v1 reference, {@code StateMinerInfo} ({@code Owner}, {@code Worker},
 * {@code ControlAddresses}, {@code PeerId}, {@code SectorSize}, {@code Beneficiary}). Lotus gives
 * these addresses as f0 IDs. Fields left out: {@code NewWorker}, {@code Multiaddrs}, proof types,
 * beneficiary terms.
 *
 * @param owner the owner's address
 * @param worker the worker's address (signs sector messages)
 * @param controlAddresses further addresses allowed to send the miner's messages (maybe none)
 * @param peerId the libp2p peer ID, or "" when the miner has none set
 * @param sectorSize the sector size, in bytes (> 0)
 * @param beneficiary who receives the miner's withdrawals (FIP-0029); the owner unless changed
 */
public record MinerInfo(
    FilecoinAddress owner,
    FilecoinAddress worker,
    List<FilecoinAddress> controlAddresses,
    String peerId,
    long sectorSize,
    FilecoinAddress beneficiary) {

  /** @throws dev.cod.common.CodException INVALID_INPUT naming the first field out of range */
  public MinerInfo {
    Checks.notNull(owner, "Owner");
    Checks.notNull(worker, "Worker");
    Checks.notNull(controlAddresses, "ControlAddresses");
    for (FilecoinAddress a : controlAddresses) {
      Checks.notNull(a, "ControlAddresses[]");
    }
    controlAddresses = List.copyOf(controlAddresses);
    Checks.notNull(peerId, "PeerId");
    Checks.atLeast(sectorSize, 1, "SectorSize");
    Checks.notNull(beneficiary, "Beneficiary");
  }

  /**
   * Whether {@code address} controls the miner: it is the owner, the worker or a control address
   * (compared by binary form, whatever network prefix it is written with). Compare ID addresses:
   * resolve robust addresses with {@code StateLookupID} first.
   */
  public boolean isControllingAddress(FilecoinAddress address) {
    if (owner.sameActorAs(address) || worker.sameActorAs(address)) {
      return true;
    }
    return controlAddresses.stream().anyMatch(a -> a.sameActorAs(address));
  }
}
