// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title IMinerOracle
 * @author cod
 * @notice Tells whether an EVM account controls a Filecoin miner actor. The market asks it when an
 * account registers as a provider bound to a miner actor ID.
 *
 * A miner's controlling addresses are its owner, its worker and its control addresses (Filecoin
 * spec, "Storage Miner Actor"; builtin-actors `actors/miner` IsControllingAddress, an FRC-0042
 * exported method). An EVM account is named to the miner actor by its f410 (delegated) address,
 * `f410f` + the account's 20 bytes (FIP-0055).
 *
 * `isControllingAddress` is a view: the market calls it with STATICCALL, so an oracle can never
 * change state nor re-enter the market.
 */
interface IMinerOracle {
    /**
     * @notice Whether `account` is the owner, the worker or a control address of miner `minerId`.
     * @param minerId the miner actor ID (the N of fN)
     * @param account the EVM account (its f410 address on Filecoin)
     * @return controls true if it is one of the miner's controlling addresses; false otherwise,
     * also when `minerId` is not a miner actor
     */
    function isControllingAddress(uint64 minerId, address account) external view returns (bool controls);
}
