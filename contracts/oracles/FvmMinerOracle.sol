// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MinerAPI} from "@zondax/filecoin-solidity/contracts/v0.8/MinerAPI.sol";
import {CommonTypes} from "@zondax/filecoin-solidity/contracts/v0.8/types/CommonTypes.sol";
import {FilAddresses} from "@zondax/filecoin-solidity/contracts/v0.8/utils/FilAddresses.sol";
import {Actor} from "@zondax/filecoin-solidity/contracts/v0.8/utils/Actor.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IMinerOracle} from "../interfaces/IMinerOracle.sol";

/**
 * @title FvmMinerOracle
 * @author cod
 * @notice {IMinerOracle} on the Filecoin EVM: asks the miner actor through filecoin-solidity's
 * MinerAPI `isControllingAddress` (a read-only actor call through the call_actor_id precompile)
 * whether the account's f410 address (FIP-0055: protocol 4, namespace 10, the 20 account bytes)
 * is the miner's owner, worker or a control address. No state, no owner.
 *
 * IDs below {FIRST_NON_SINGLETON_ACTOR_ID} are builtin singleton actors, never miners: the answer
 * is false without a call. When the actor call fails with an exit code (no such actor, or an
 * actor that is not a miner), MarketAPI reverts with `Actor.ActorError(exitCode)`: the answer is
 * false too. The call runs in a STATICCALL to this contract's own {readIsControlling} so that such
 * a failure can be caught; any other failure is passed on unchanged.
 */
contract FvmMinerOracle is IMinerOracle {
    /// @notice The first actor ID that is not a builtin singleton (builtin-actors FIRST_NON_SINGLETON_ADDR).
    uint64 public constant FIRST_NON_SINGLETON_ACTOR_ID = 100;

    /// @inheritdoc IMinerOracle
    function isControllingAddress(uint64 minerId, address account) external view returns (bool controls) {
        if (minerId < FIRST_NON_SINGLETON_ACTOR_ID) return false;
        // slither-disable-next-line low-level-calls -- a STATICCALL to this contract, so an actor's exit code can be read
        (bool ok, bytes memory ret) =
            address(this).staticcall(abi.encodeCall(this.readIsControlling, (minerId, account)));
        // Actor.ActorError(int256 exitCode): the actor answered with an error, so it is no miner this account controls
        if (!ok && ret.length == 36 && bytes4(ret) == Actor.ActorError.selector) return false;
        // any other failure is passed on unchanged
        return abi.decode(Address.verifyCallResult(ok, ret), (bool));
    }

    /**
     * @notice The miner actor's own answer. Reads only (a read-only actor call); not a view because
     * MinerAPI reaches the actor through DELEGATECALL, which solc does not allow in a view.
     * @param minerId the miner actor ID, at least {FIRST_NON_SINGLETON_ACTOR_ID}
     * @param account the EVM account, asked about as its f410 address
     * @return controls whether it is a controlling address of the miner
     */
    function readIsControlling(uint64 minerId, address account) external returns (bool controls) {
        return MinerAPI.isControllingAddress(CommonTypes.FilActorId.wrap(minerId), FilAddresses.fromEthAddress(account));
    }
}
