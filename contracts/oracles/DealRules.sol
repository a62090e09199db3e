// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IDealOracle} from "../interfaces/IDealOracle.sol";

/**
 * @title DealRules
 * @author cod
 * @notice The checks of {IDealOracle.dealStatus} over the facts of one deal, shared by every deal
 * oracle so that the FVM adapter and the test double judge a deal the same way. An oracle
 * gathers the facts (FvmDealOracle from the storage market actor) and answers
 * Unknown or Expired itself when it has none.
 */
library DealRules {
    /**
     * @notice What the storage market actor (f05) knows of one deal.
     * @param pieceCidHash keccak256 of the deal's piece CID, binary form (no 0x00 multibase prefix)
     * @param provider the miner actor ID storing the deal
     * @param startEpoch first epoch of the deal (inclusive)
     * @param endEpoch epoch at which the deal ends (exclusive): start epoch + duration
     * @param activated whether the deal's sector was proven (GetDealActivation `activated` is an epoch, not -1)
     * @param terminated whether the deal was terminated early (GetDealActivation `terminated` is an
     * epoch, not -1, or the actor answers EX_DEAL_EXPIRED for a deal it still holds)
     */
    struct DealFacts {
        bytes32 pieceCidHash;
        uint64 provider;
        int64 startEpoch;
        int64 endEpoch;
        bool activated;
        bool terminated;
    }

    /**
     * @notice The status of a deal the actor holds, checked in {IDealOracle.DealStatus} order:
     * piece, provider, activation, termination, then the term [startEpoch, endEpoch).
     * @param deal the deal's facts
     * @param pieceCidHash keccak256 of the piece CID the job names, binary form
     * @param minerId the miner actor ID that must store the deal
     * @param epoch the current chain epoch (block.number on FEVM)
     * @return status Active, or the first check that failed
     */
    function statusOf(DealFacts memory deal, bytes32 pieceCidHash, uint64 minerId, uint256 epoch)
        internal
        pure
        returns (IDealOracle.DealStatus status)
    {
        if (deal.pieceCidHash != pieceCidHash) return IDealOracle.DealStatus.WrongPiece;
        if (deal.provider != minerId) return IDealOracle.DealStatus.WrongProvider;
        if (!deal.activated) return IDealOracle.DealStatus.NotActivated;
        if (deal.terminated) return IDealOracle.DealStatus.Terminated;
        // epochs are int64 on chain; the current epoch is never negative and far below 2^255
        int256 now_ = int256(epoch);
        if (now_ < deal.startEpoch) return IDealOracle.DealStatus.NotStarted;
        if (now_ >= deal.endEpoch) return IDealOracle.DealStatus.Ended;
        return IDealOracle.DealStatus.Active;
    }
}
