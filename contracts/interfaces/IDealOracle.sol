// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title IDealOracle
 * @author cod
 * @notice Tells whether a Filecoin storage deal is active now, for a given piece, stored by a given
 * miner. The market asks it when a provider bids on a job that names an input piece.
 *
 * The oracle answers with a {DealStatus} instead of reverting, so that the market reverts with
 * one error of its own, `JobMarketDealRejected(jobId, dealId, status)`, that names the job, the
 * deal and the first check that failed: one error for a client to decode, whatever oracle stands
 * behind the market. An oracle reverts only when it cannot answer at all (for example, the actor
 * call itself failed); the market lets that revert through unchanged.
 *
 * `dealStatus` is a view: the market calls it with STATICCALL, so an oracle can never change
 * state nor re-enter the market.
 *
 * Terms are the storage market actor's (f05): a deal ID is the market actor's deal ID, a piece
 * is named by its piece CID (commP, CIDv1 with codec fil-commitment-unsealed 0xf101 and multihash
 * sha2-256-trunc254-padded 0x1012, as in the deal proposal's `PieceCID`), a miner by its actor ID
 * (the N of fN), epochs are chain epochs (block.number on FEVM; 30 seconds each).
 * Source: Filecoin spec, "Storage Market" (deal proposal and deal state); builtin-actors
 * `actors/market` (GetDealDataCommitment, GetDealProvider, GetDealActivation, GetDealTerm, FRC-0042
 * exported methods).
 */
interface IDealOracle {
    /**
     * @notice The outcome of the checks, in the order they are made: the first that fails names
     * the status.
     * - Active: every check passed.
     * - Unknown: no deal has this ID (the market actor answers USR_NOT_FOUND).
     * - Expired: the deal ID was used but the market actor no longer holds the deal (it ended or
     *   was terminated and was cleaned up; the actor answers EX_DEAL_EXPIRED).
     * - WrongPiece: the deal's piece CID is not the job's.
     * - WrongProvider: the deal is stored by another miner than the bidder's.
     * - NotActivated: the deal was published but its sector was never proven (activation epoch -1).
     * - Terminated: the deal was terminated early, its sector faulted or terminated (slashed).
     * - NotStarted: the current epoch is before the deal's start epoch.
     * - Ended: the current epoch is at or after the deal's end epoch (a deal runs in [start, end)).
     */
    enum DealStatus {
        Active,
        Unknown,
        Expired,
        WrongPiece,
        WrongProvider,
        NotActivated,
        Terminated,
        NotStarted,
        Ended
    }

    /**
     * @notice Whether deal `dealId` is active at the current epoch, for the piece whose binary CID
     * hashes to `pieceCidHash`, stored by miner `minerId`.
     * @param dealId the storage market actor's deal ID
     * @param pieceCidHash keccak256 of the piece CID in binary form (the CID's bytes, without the
     * 0x00 multibase prefix that DAG-CBOR puts before a CID in tag 42), as the market keeps it
     * @param minerId the miner actor ID that must store the deal (the deal proposal's provider)
     * @return status Active, or the first check that failed (see {DealStatus})
     */
    function dealStatus(uint64 dealId, bytes32 pieceCidHash, uint64 minerId)
        external
        view
        returns (DealStatus status);
}
