// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IDealOracle} from "../interfaces/IDealOracle.sol";
import {DealRules} from "../oracles/DealRules.sol";

/**
 * @title MockDealOracle
 * @author cod
 * @notice Test double of {IDealOracle} for Hardhat chains and the local devnet: its deployer
 * records deals, and it judges them with the same {DealRules} as FvmDealOracle, at the current
 * block number. Never deployed to a real network.
 */
contract MockDealOracle is IDealOracle {
    /// @dev A recorded deal: its facts, and whether the market actor would have cleaned it up.
    struct Deal {
        DealRules.DealFacts facts;
        bool recorded;
        bool expired;
    }

    /// @notice The only account that may record deals.
    address public immutable DEPLOYER;
    mapping(uint64 => Deal) private _deals;

    /**
     * @notice A deal was recorded (or recorded again, replacing what was known of it).
     * @param dealId the deal ID
     * @param pieceCid the deal's piece CID, binary form
     * @param provider the miner actor ID storing it
     * @param startEpoch its first epoch
     * @param endEpoch the epoch it ends at (exclusive)
     * @param activated whether its sector was proven
     * @param terminated whether it was terminated early (slashed)
     */
    event DealRecorded(
        uint64 indexed dealId,
        bytes pieceCid,
        uint64 indexed provider,
        int64 startEpoch,
        int64 endEpoch,
        bool activated,
        bool terminated
    );
    /**
     * @notice A recorded deal was marked as cleaned up from the market actor's state.
     * @param dealId the deal ID
     */
    event DealExpired(uint64 indexed dealId);

    /**
     * @notice Only the deployer may change the recorded deals.
     * @param caller the account that tried
     */
    error MockDealOracleNotDeployer(address caller);
    /**
     * @notice No deal was recorded with this ID.
     * @param dealId the deal ID
     */
    error MockDealOracleUnknownDeal(uint64 dealId);

    /// @notice Deploys the double; the deployer records deals.
    constructor() {
        DEPLOYER = msg.sender;
    }

    /**
     * @notice Records deal `dealId` (replacing an earlier record of it).
     * @param dealId the deal ID
     * @param pieceCid the deal's piece CID, binary form (CIDv1 bytes, no multibase prefix)
     * @param provider the miner actor ID storing the deal
     * @param startEpoch the deal's first epoch (block number here)
     * @param endEpoch the epoch the deal ends at (exclusive)
     * @param activated whether its sector was proven
     * @param terminated whether it was terminated early (slashed)
     */
    function recordDeal(
        uint64 dealId,
        bytes calldata pieceCid,
        uint64 provider,
        int64 startEpoch,
        int64 endEpoch,
        bool activated,
        bool terminated
    ) external {
        if (msg.sender != DEPLOYER) revert MockDealOracleNotDeployer(msg.sender);
        _deals[dealId] = Deal({
            facts: DealRules.DealFacts({
                pieceCidHash: keccak256(pieceCid),
                provider: provider,
                startEpoch: startEpoch,
                endEpoch: endEpoch,
                activated: activated,
                terminated: terminated
            }),
            recorded: true,
            expired: false
        });
        emit DealRecorded(dealId, pieceCid, provider, startEpoch, endEpoch, activated, terminated);
    }

    /**
     * @notice Marks a recorded deal as cleaned up by the market actor: it is then Expired.
     * @param dealId the deal ID, recorded before
     */
    function expireDeal(uint64 dealId) external {
        if (msg.sender != DEPLOYER) revert MockDealOracleNotDeployer(msg.sender);
        if (!_deals[dealId].recorded) revert MockDealOracleUnknownDeal(dealId);
        _deals[dealId].expired = true;
        emit DealExpired(dealId);
    }

    /// @inheritdoc IDealOracle
    function dealStatus(uint64 dealId, bytes32 pieceCidHash, uint64 minerId)
        external
        view
        returns (DealStatus status)
    {
        Deal memory deal = _deals[dealId];
        if (!deal.recorded) return DealStatus.Unknown;
        if (deal.expired) return DealStatus.Expired;
        return DealRules.statusOf(deal.facts, pieceCidHash, minerId, block.number);
    }
}
