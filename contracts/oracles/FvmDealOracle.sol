// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MarketAPI} from "@zondax/filecoin-solidity/contracts/v0.8/MarketAPI.sol";
import {MarketTypes} from "@zondax/filecoin-solidity/contracts/v0.8/types/MarketTypes.sol";
import {CommonTypes} from "@zondax/filecoin-solidity/contracts/v0.8/types/CommonTypes.sol";
import {Actor} from "@zondax/filecoin-solidity/contracts/v0.8/utils/Actor.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Bytes} from "@openzeppelin/contracts/utils/Bytes.sol";
import {IDealOracle} from "../interfaces/IDealOracle.sol";
import {DealRules} from "./DealRules.sol";

/**
 * @title FvmDealOracle
 * @author cod
 * @notice {IDealOracle} on the Filecoin EVM: reads the deal from the storage market actor (f05)
 * through filecoin-solidity's MarketAPI (GetDealDataCommitment, GetDealProvider, GetDealTerm,
 * GetDealActivation; read-only actor calls through the call_actor_id precompile) and judges it
 * with {DealRules} at the current epoch (block.number is the chain epoch on FEVM). No state, no
 * owner.
 *
 * What the actor answers, and how it is read (builtin-actors `actors/market/src/lib.rs`):
 * - GetDealDataCommitment returns the piece CID as DAG-CBOR tag 42, whose bytes start with the
 *   0x00 multibase prefix (DAG-CBOR spec, "Links"); MarketAPI keeps that prefix, this oracle drops
 *   it before hashing, so the hash is the one of the binary CID the market keeps.
 * - GetDealTerm returns (start, duration); filecoin-solidity 4.0.3 names the second field `end`,
 *   but it is the duration: the deal ends at start + duration.
 * - GetDealActivation returns (activated, terminated) epochs, -1 for "not yet"; it fails with
 *   EX_DEAL_EXPIRED (32) for a deal that was terminated (slashed). filecoin-solidity 4.0.3 reads a
 *   negative CBOR integer as its magnitude minus one, so -1 arrives as 0: an epoch counts only
 *   when it is positive (no deal activates or terminates at genesis, epoch 0).
 * - Every deal getter fails with USR_NOT_FOUND (17) for an ID never used, and with
 *   EX_DEAL_EXPIRED (32) once the deal was cleaned up from state.
 *
 * The actor calls run in STATICCALLs to this contract's own {readProposal} and {readActivation},
 * so that an actor's exit code (MarketAPI reverts with `Actor.ActorError(exitCode)`) becomes a
 * status instead of a revert. Any other failure is passed on unchanged.
 */
contract FvmDealOracle is IDealOracle {
    /// @notice FVM exit code of an actor that found nothing (fvm_shared ExitCode::USR_NOT_FOUND).
    int256 public constant USR_NOT_FOUND = 17;
    /// @notice Storage market actor exit code of a deal no longer held (EX_DEAL_EXPIRED, the first actor-specific code).
    int256 public constant EX_DEAL_EXPIRED = 32;

    /// @inheritdoc IDealOracle
    function dealStatus(uint64 dealId, bytes32 pieceCidHash, uint64 minerId)
        external
        view
        returns (DealStatus status)
    {
        // slither-disable-next-line low-level-calls -- a STATICCALL to this contract, so an actor's exit code can be read
        (bool ok, bytes memory ret) = address(this).staticcall(abi.encodeCall(this.readProposal, (dealId)));
        if (!ok && _isActorError(ret, USR_NOT_FOUND)) return DealStatus.Unknown;
        if (!ok && _isActorError(ret, EX_DEAL_EXPIRED)) return DealStatus.Expired;
        // any other failure is passed on unchanged
        (bytes32 dealPieceCidHash, uint64 provider, int64 startEpoch, int64 endEpoch) =
            abi.decode(Address.verifyCallResult(ok, ret), (bytes32, uint64, int64, int64));

        // slither-disable-next-line low-level-calls -- a STATICCALL to this contract, so an actor's exit code can be read
        (ok, ret) = address(this).staticcall(abi.encodeCall(this.readActivation, (dealId)));
        // the actor holds the proposal (read above) but answers EX_DEAL_EXPIRED: the deal was slashed
        bool slashed = !ok && _isActorError(ret, EX_DEAL_EXPIRED);
        int64 activated = 0;
        int64 terminated = 0;
        if (!slashed) (activated, terminated) = abi.decode(Address.verifyCallResult(ok, ret), (int64, int64));

        DealRules.DealFacts memory deal = DealRules.DealFacts({
            pieceCidHash: dealPieceCidHash,
            provider: provider,
            startEpoch: startEpoch,
            endEpoch: endEpoch,
            activated: slashed || activated > 0,
            terminated: slashed || terminated > 0
        });
        return DealRules.statusOf(deal, pieceCidHash, minerId, block.number);
    }

    /**
     * @notice The deal proposal's facts, from the storage market actor. Reads only (read-only
     * actor calls); not a view because MarketAPI reaches the actor through DELEGATECALL, which solc
     * does not allow in a view.
     * @param dealId the deal ID
     * @return pieceCidHash keccak256 of the deal's piece CID, binary form (0x00 prefix dropped)
     * @return provider the miner actor ID storing the deal
     * @return startEpoch the deal's start epoch
     * @return endEpoch the deal's end epoch: start + duration
     */
    function readProposal(uint64 dealId)
        external
        returns (bytes32 pieceCidHash, uint64 provider, int64 startEpoch, int64 endEpoch)
    {
        MarketTypes.GetDealDataCommitmentReturn memory commitment = MarketAPI.getDealDataCommitment(dealId);
        pieceCidHash = _cidHash(commitment.data);
        provider = MarketAPI.getDealProvider(dealId);
        MarketTypes.GetDealTermReturn memory term = MarketAPI.getDealTerm(dealId);
        startEpoch = CommonTypes.ChainEpoch.unwrap(term.start);
        // the field filecoin-solidity names `end` holds the actor's `duration`
        endEpoch = startEpoch + CommonTypes.ChainEpoch.unwrap(term.end);
    }

    /**
     * @notice The deal's activation and termination epochs, from the storage market actor (a
     * negative epoch, "not yet", may arrive as 0: see the contract notes). Reads only; not a view
     * for the reason given at {readProposal}.
     * @param dealId the deal ID
     * @return activated the epoch its sector was proven, or not positive
     * @return terminated the epoch it was terminated, or not positive
     */
    function readActivation(uint64 dealId) external returns (int64 activated, int64 terminated) {
        MarketTypes.GetDealActivationReturn memory activation = MarketAPI.getDealActivation(dealId);
        activated = CommonTypes.ChainEpoch.unwrap(activation.activated);
        terminated = CommonTypes.ChainEpoch.unwrap(activation.terminated);
    }

    /// @dev keccak256 of a CID as MarketAPI returns it, without the 0x00 multibase prefix of DAG-CBOR
    /// links (a binary CIDv1 starts with 0x01, never 0x00, so the prefix is unambiguous).
    function _cidHash(bytes memory data) private pure returns (bytes32) {
        if (data.length == 0 || data[0] != 0x00) return keccak256(data);
        return keccak256(Bytes.slice(data, 1));
    }

    /// @dev Whether `ret`, the revert data of a failed call, is `Actor.ActorError(exitCode)`.
    function _isActorError(bytes memory ret, int256 exitCode) private pure returns (bool) {
        return keccak256(ret) == keccak256(abi.encodeWithSelector(Actor.ActorError.selector, exitCode));
    }
}
