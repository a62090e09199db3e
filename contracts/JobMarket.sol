// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/**
 * @title JobMarket
 * @notice cod's compute-over-data market: clients post jobs with escrowed FIL, staked providers
 * bid, run the job, and settle it by commit-reveal. The result CID revealed by at least `quorum`
 * of the `replicas` assigned providers wins: they are paid their bid and share the stake slashed
 * from dissenters and silent providers. Every payout and refund is a credit that its account
 * pulls with {withdraw}.
 * @dev Amounts are in attoFIL (the FEVM's wei), times are block timestamps in seconds. Loops are
 * bounded by {MAX_REPLICAS} and {MAX_BIDS}. The lifecycle is described in ARCHITECTURE.md.
 */
contract JobMarket is ReentrancyGuard {
    /// @notice Most providers a job may ask for.
    uint8 public constant MAX_REPLICAS = 7;
    /// @notice Most bids an auction job accepts (bounds the selection loop in {assign}).
    uint8 public constant MAX_BIDS = 16;
    /// @notice Longest bid, execution or reveal window, in seconds.
    uint32 public constant MAX_WINDOW = 30 days;
    /// @notice Longest CID accepted, in bytes (binary CID form).
    uint256 public constant MAX_CID_LENGTH = 128;

    /// @notice States of a job. Finalized, Failed and Cancelled are terminal.
    enum JobState {
        None,
        Open,
        Assigned,
        Revealing,
        Finalized,
        Failed,
        Cancelled
    }

    /// @notice Why a provider's stake was slashed.
    enum SlashReason {
        NoCommit,
        NoReveal,
        Dissent
    }

    /// @notice A registered provider. `stake` is its whole stake, of which `locked` backs bids.
    struct Provider {
        uint64 minerId;
        bool registered;
        uint128 stake;
        uint128 locked;
    }

    /// @notice A job as stored. `bidDeadline` is 0 on the fast path (the N-th bid assigns).
    struct Job {
        address client;
        JobState state;
        uint8 replicas;
        uint8 quorum;
        uint8 bidCount;
        uint8 commitCount;
        uint8 revealCount;
        uint32 executionWindow;
        uint128 maxPrice;
        uint128 stake;
        uint64 bidDeadline;
        uint64 commitDeadline;
        uint64 revealDeadline;
        uint32 revealWindow;
        bytes32 acceptedResultHash;
        bytes specCid;
    }

    /// @notice A bid, and what its provider committed and revealed.
    struct Bid {
        address provider;
        uint64 dealId;
        bool assigned;
        bool revealed;
        uint128 price;
        bytes32 commitment;
        bytes32 resultHash;
    }

    /// @notice Provider records by account.
    mapping(address => Provider) public providers;
    /// @notice Withdrawable attoFIL by account.
    mapping(address => uint256) public credits;
    /// @notice Number of jobs posted; job ids run from 1 to jobCount.
    uint256 public jobCount;

    mapping(uint256 => Job) private _jobs;
    mapping(uint256 => Bid[]) private _bids;
    /// @dev jobId => provider => index in _bids[jobId] plus one (0: no bid).
    mapping(uint256 => mapping(address => uint256)) private _bidSlot;

    /// @notice A provider registered, bound to its miner actor ID.
    event ProviderRegistered(address indexed provider, uint64 indexed minerId);
    /// @notice A provider added `amount` attoFIL of stake; `totalStake` is its stake after.
    event StakeDeposited(address indexed provider, uint256 amount, uint256 totalStake);
    /// @notice A provider took `amount` attoFIL of free stake back; `totalStake` is its stake after.
    event StakeWithdrawn(address indexed provider, uint256 amount, uint256 totalStake);
    /// @notice Stake that backed a bid on `jobId` is free again.
    event StakeUnlocked(uint256 indexed jobId, address indexed provider, uint256 amount);
    /// @notice A job was posted with `replicas * maxPrice` attoFIL in escrow.
    event JobPosted(
        uint256 indexed jobId,
        address indexed client,
        bytes specCid,
        uint8 replicas,
        uint8 quorum,
        uint256 maxPrice,
        uint256 stakePerReplica,
        uint64 bidDeadline,
        uint32 executionWindow,
        uint32 revealWindow
    );
    /// @notice A job moved from `previous` to `current`; emitted once per transition.
    event JobStateChanged(uint256 indexed jobId, JobState previous, JobState current);
    /// @notice A provider bid `price` attoFIL on a job, naming `dealId` (0: none).
    event BidPlaced(uint256 indexed jobId, address indexed provider, uint256 price, uint64 dealId);
    /// @notice A provider's bid won: it must commit before `commitDeadline`.
    event ProviderAssigned(uint256 indexed jobId, address indexed provider, uint256 price, uint64 commitDeadline);
    /// @notice A provider committed to a result without showing it.
    event ResultCommitted(uint256 indexed jobId, address indexed provider, bytes32 commitment);
    /// @notice A provider revealed its result CID (binary form).
    event ResultRevealed(uint256 indexed jobId, address indexed provider, bytes resultCid);
    /// @notice The result whose CID hashes to `resultCidHash` won with `agreeing` reveals.
    event ResultAccepted(uint256 indexed jobId, bytes32 resultCidHash, uint8 agreeing);
    /// @notice A provider lost `amount` attoFIL of stake.
    event ProviderSlashed(uint256 indexed jobId, address indexed provider, uint256 amount, SlashReason reason);
    /// @notice `account` may withdraw `amount` more attoFIL, earned or refunded on `jobId`.
    event Credited(address indexed account, uint256 indexed jobId, uint256 amount);
    /// @notice `account` withdrew `amount` attoFIL of credit.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice The caller has not registered as a provider.
    error JobMarketNotRegistered(address account);
    /// @notice The caller registered already.
    error JobMarketAlreadyRegistered(address account, uint64 minerId);
    /// @notice An amount was zero where it must not be.
    error JobMarketZeroAmount();
    /// @notice More stake was asked for than is free.
    error JobMarketInsufficientFreeStake(address provider, uint256 needed, uint256 free);
    /// @notice The spec CID is empty or longer than {MAX_CID_LENGTH}.
    error JobMarketInvalidCid(uint256 length);
    /// @notice Replicas must be in 1..{MAX_REPLICAS}.
    error JobMarketInvalidReplicas(uint8 replicas, uint8 maxReplicas);
    /// @notice Quorum must be more than half of the replicas and at most all of them.
    error JobMarketInvalidQuorum(uint8 quorum, uint8 replicas);
    /// @notice A window is zero where it must not be, or above {MAX_WINDOW}.
    error JobMarketInvalidWindow(uint32 window);
    /// @notice The value sent is not the escrow `replicas * maxPrice`.
    error JobMarketWrongEscrow(uint256 expected, uint256 sent);
    /// @notice No job has this id.
    error JobMarketUnknownJob(uint256 jobId);
    /// @notice The job is not in the state this call needs.
    error JobMarketWrongState(uint256 jobId, JobState state);
    /// @notice Only the job's client may do this.
    error JobMarketNotClient(uint256 jobId, address caller);
    /// @notice The bid price is above the job's maximum.
    error JobMarketPriceTooHigh(uint256 price, uint256 maxPrice);
    /// @notice The provider has a bid on this job already.
    error JobMarketAlreadyBid(uint256 jobId, address provider);
    /// @notice The job has {MAX_BIDS} bids.
    error JobMarketTooManyBids(uint256 jobId);
    /// @notice The bid window closed at `deadline`.
    error JobMarketBidWindowClosed(uint256 jobId, uint64 deadline);
    /// @notice The bid window is still open until `deadline`, or the job assigns itself (fast path).
    error JobMarketBidWindowOpen(uint256 jobId, uint64 deadline);
    /// @notice The caller is not an assigned provider of the job.
    error JobMarketNotAssigned(uint256 jobId, address caller);
    /// @notice The commit deadline has passed.
    error JobMarketCommitDeadlinePassed(uint256 jobId, uint64 deadline);
    /// @notice The provider committed already.
    error JobMarketAlreadyCommitted(uint256 jobId, address provider);
    /// @notice The commitment is zero.
    error JobMarketEmptyCommitment();
    /// @notice Reveals open when every provider committed, or at the commit deadline with a quorum of commits.
    error JobMarketRevealNotOpen(uint256 jobId, uint64 commitDeadline);
    /// @notice The provider did not commit, so it cannot reveal.
    error JobMarketNotCommitted(uint256 jobId, address provider);
    /// @notice The provider revealed already.
    error JobMarketAlreadyRevealed(uint256 jobId, address provider);
    /// @notice The reveal deadline has passed.
    error JobMarketRevealDeadlinePassed(uint256 jobId, uint64 deadline);
    /// @notice The revealed CID and salt do not hash to the commitment.
    error JobMarketCommitmentMismatch(uint256 jobId, address provider);
    /// @notice The job cannot be finalized before `deadline`.
    error JobMarketDeadlineNotReached(uint256 jobId, uint64 deadline);
    /// @notice The account has no credit to withdraw.
    error JobMarketNothingToWithdraw(address account);
    /// @notice An amount does not fit the 128 bits the market keeps it in.
    error JobMarketAmountTooLarge(uint256 amount);
    /// @notice Sending FIL to `to` failed.
    error JobMarketTransferFailed(address to, uint256 amount);

    // ------------------------------------------------------------------ providers

    /**
     * @notice Registers the caller as a provider bound to its Filecoin miner actor ID (the N of fN).
     * @dev The binding is checked against the miner's controlling addresses once IMinerOracle lands.
     */
    function register(uint64 minerId) external {
        Provider storage p = providers[msg.sender];
        if (p.registered) revert JobMarketAlreadyRegistered(msg.sender, p.minerId);
        p.registered = true;
        p.minerId = minerId;
        emit ProviderRegistered(msg.sender, minerId);
    }

    /// @notice Adds the value sent (attoFIL) to the caller's stake.
    function stake() external payable {
        Provider storage p = providers[msg.sender];
        if (!p.registered) revert JobMarketNotRegistered(msg.sender);
        if (msg.value == 0) revert JobMarketZeroAmount();
        uint128 total = p.stake + _toUint128(msg.value);
        p.stake = total;
        emit StakeDeposited(msg.sender, msg.value, total);
    }

    /// @notice Sends `amount` attoFIL of the caller's free (not locked by a bid) stake back to it.
    function withdrawStake(uint128 amount) external nonReentrant {
        Provider storage p = providers[msg.sender];
        if (amount == 0) revert JobMarketZeroAmount();
        uint256 free = p.stake - p.locked;
        if (amount > free) revert JobMarketInsufficientFreeStake(msg.sender, amount, free);
        p.stake -= amount;
        emit StakeWithdrawn(msg.sender, amount, p.stake);
        _send(msg.sender, amount);
    }

    // ------------------------------------------------------------------ jobs

    /**
     * @notice Posts a job; the value sent must be the escrow `replicas * maxPrice` attoFIL.
     * @param specCid binary CID of the job spec (JSON on IPFS)
     * @param replicas providers to run the job, 1..MAX_REPLICAS
     * @param quorum agreeing reveals needed, more than replicas / 2
     * @param maxPrice most attoFIL paid per replica
     * @param stakePerReplica attoFIL each provider locks while it works, lost if it dissents or goes silent
     * @param bidWindow seconds bids are taken; 0 for the fast path (the N-th bid assigns)
     * @param executionWindow seconds from assignment to the commit deadline
     * @param revealWindow seconds from the commit deadline to the reveal deadline
     * @return jobId the new job's id
     */
    function postJob(
        bytes calldata specCid,
        uint8 replicas,
        uint8 quorum,
        uint128 maxPrice,
        uint128 stakePerReplica,
        uint32 bidWindow,
        uint32 executionWindow,
        uint32 revealWindow
    ) external payable returns (uint256 jobId) {
        if (specCid.length == 0 || specCid.length > MAX_CID_LENGTH) revert JobMarketInvalidCid(specCid.length);
        if (replicas == 0 || replicas > MAX_REPLICAS) revert JobMarketInvalidReplicas(replicas, MAX_REPLICAS);
        if (quorum > replicas || uint16(quorum) * 2 <= replicas) revert JobMarketInvalidQuorum(quorum, replicas);
        if (bidWindow > MAX_WINDOW) revert JobMarketInvalidWindow(bidWindow);
        if (executionWindow == 0 || executionWindow > MAX_WINDOW) revert JobMarketInvalidWindow(executionWindow);
        if (revealWindow == 0 || revealWindow > MAX_WINDOW) revert JobMarketInvalidWindow(revealWindow);
        uint256 escrow = uint256(maxPrice) * replicas;
        if (msg.value != escrow) revert JobMarketWrongEscrow(escrow, msg.value);

        jobId = ++jobCount;
        Job storage job = _jobs[jobId];
        job.client = msg.sender;
        job.replicas = replicas;
        job.quorum = quorum;
        job.maxPrice = maxPrice;
        job.stake = stakePerReplica;
        job.executionWindow = executionWindow;
        job.revealWindow = revealWindow;
        job.specCid = specCid;
        uint64 bidDeadline = bidWindow == 0 ? 0 : uint64(block.timestamp) + bidWindow;
        job.bidDeadline = bidDeadline;
        emit JobPosted(
            jobId, msg.sender, specCid, replicas, quorum, maxPrice, stakePerReplica,
            bidDeadline, executionWindow, revealWindow
        );
        _setState(jobId, job, JobState.Open);
    }

    /**
     * @notice Bids `price` attoFIL (at most the job's maxPrice) and locks the job's stake per replica.
     * @param dealId storage deal that holds the job's input (0 when the job names no piece)
     */
    function bid(uint256 jobId, uint128 price, uint64 dealId) external {
        Job storage job = _job(jobId);
        if (job.state != JobState.Open) revert JobMarketWrongState(jobId, job.state);
        if (job.bidDeadline != 0 && block.timestamp >= job.bidDeadline) {
            revert JobMarketBidWindowClosed(jobId, job.bidDeadline);
        }
        Provider storage p = providers[msg.sender];
        if (!p.registered) revert JobMarketNotRegistered(msg.sender);
        if (price > job.maxPrice) revert JobMarketPriceTooHigh(price, job.maxPrice);
        if (_bidSlot[jobId][msg.sender] != 0) revert JobMarketAlreadyBid(jobId, msg.sender);
        if (job.bidCount >= MAX_BIDS) revert JobMarketTooManyBids(jobId);
        uint128 needed = job.stake;
        uint256 free = p.stake - p.locked;
        if (needed > free) revert JobMarketInsufficientFreeStake(msg.sender, needed, free);

        p.locked += needed;
        _bids[jobId].push(
            Bid({
                provider: msg.sender,
                dealId: dealId,
                assigned: false,
                revealed: false,
                price: price,
                commitment: bytes32(0),
                resultHash: bytes32(0)
            })
        );
        uint8 count = job.bidCount + 1;
        job.bidCount = count;
        _bidSlot[jobId][msg.sender] = count;
        emit BidPlaced(jobId, msg.sender, price, dealId);

        if (job.bidDeadline == 0 && count == job.replicas) {
            Bid[] storage bids = _bids[jobId];
            for (uint256 i = 0; i < count; ++i) {
                _assignBid(jobId, bids[i], job);
            }
            _startExecution(jobId, job);
        }
    }

    /**
     * @notice After the bid window of an auction job, assigns the `replicas` cheapest bids (ties:
     * the earlier bid) and unlocks the others' stake. With fewer bids than replicas the job fails
     * and the client is refunded. Anyone may call it.
     */
    function assign(uint256 jobId) external {
        Job storage job = _job(jobId);
        if (job.state != JobState.Open) revert JobMarketWrongState(jobId, job.state);
        if (job.bidDeadline == 0 || block.timestamp < job.bidDeadline) {
            revert JobMarketBidWindowOpen(jobId, job.bidDeadline);
        }
        Bid[] storage bids = _bids[jobId];
        uint256 n = bids.length;
        if (n < job.replicas) {
            _releaseAll(jobId, job);
            _credit(job.client, jobId, uint256(job.maxPrice) * job.replicas);
            _setState(jobId, job, JobState.Failed);
            return;
        }
        for (uint256 round = 0; round < job.replicas; ++round) {
            uint256 best = type(uint256).max;
            for (uint256 i = 0; i < n; ++i) {
                if (bids[i].assigned) continue;
                if (best == type(uint256).max || bids[i].price < bids[best].price) best = i;
            }
            _assignBid(jobId, bids[best], job);
        }
        uint128 needed = job.stake;
        for (uint256 i = 0; i < n; ++i) {
            if (!bids[i].assigned) _unlock(jobId, bids[i].provider, needed);
        }
        _startExecution(jobId, job);
    }

    /// @notice The client cancels its job while it is open; escrow is credited back, bidders' stake unlocked.
    function cancel(uint256 jobId) external {
        Job storage job = _job(jobId);
        if (msg.sender != job.client) revert JobMarketNotClient(jobId, msg.sender);
        if (job.state != JobState.Open) revert JobMarketWrongState(jobId, job.state);
        _releaseAll(jobId, job);
        _credit(job.client, jobId, uint256(job.maxPrice) * job.replicas);
        _setState(jobId, job, JobState.Cancelled);
    }

    /**
     * @notice An assigned provider commits to its result before the commit deadline, with
     * `commitment = keccak256(abi.encode(block.chainid, address(this), jobId, provider, resultCid, salt))`
     * (see {commitmentOf}). The last commit opens the reveals.
     */
    function commit(uint256 jobId, bytes32 commitment) external {
        Job storage job = _job(jobId);
        if (job.state != JobState.Assigned) revert JobMarketWrongState(jobId, job.state);
        if (block.timestamp >= job.commitDeadline) revert JobMarketCommitDeadlinePassed(jobId, job.commitDeadline);
        if (commitment == bytes32(0)) revert JobMarketEmptyCommitment();
        Bid storage b = _assignedBid(jobId, msg.sender);
        if (b.commitment != bytes32(0)) revert JobMarketAlreadyCommitted(jobId, msg.sender);
        b.commitment = commitment;
        uint8 count = job.commitCount + 1;
        job.commitCount = count;
        emit ResultCommitted(jobId, msg.sender, commitment);
        if (count == job.replicas) _setState(jobId, job, JobState.Revealing);
    }

    /**
     * @notice Reveals the committed result CID and salt. Reveals open once every assigned provider
     * committed, or at the commit deadline if at least `quorum` did; they close at the reveal
     * deadline. The last expected reveal settles the job.
     */
    function reveal(uint256 jobId, bytes calldata resultCid, bytes32 salt) external nonReentrant {
        Job storage job = _job(jobId);
        if (job.state == JobState.Assigned) {
            if (block.timestamp < job.commitDeadline || job.commitCount < job.quorum) {
                revert JobMarketRevealNotOpen(jobId, job.commitDeadline);
            }
            _setState(jobId, job, JobState.Revealing);
        } else if (job.state != JobState.Revealing) {
            revert JobMarketWrongState(jobId, job.state);
        }
        if (block.timestamp >= job.revealDeadline) revert JobMarketRevealDeadlinePassed(jobId, job.revealDeadline);
        if (resultCid.length == 0 || resultCid.length > MAX_CID_LENGTH) revert JobMarketInvalidCid(resultCid.length);
        Bid storage b = _assignedBid(jobId, msg.sender);
        if (b.commitment == bytes32(0)) revert JobMarketNotCommitted(jobId, msg.sender);
        if (b.revealed) revert JobMarketAlreadyRevealed(jobId, msg.sender);
        if (commitmentOf(jobId, msg.sender, resultCid, salt) != b.commitment) {
            revert JobMarketCommitmentMismatch(jobId, msg.sender);
        }
        b.revealed = true;
        b.resultHash = keccak256(resultCid);
        uint8 count = job.revealCount + 1;
        job.revealCount = count;
        emit ResultRevealed(jobId, msg.sender, resultCid);
        if (count == job.commitCount) _settle(jobId, job);
    }

    /**
     * @notice Settles a job whose deadline passed: after the commit deadline with fewer than a
     * quorum of commits (the job fails), or after the reveal deadline. Anyone may call it.
     */
    function finalize(uint256 jobId) external nonReentrant {
        Job storage job = _job(jobId);
        if (job.state != JobState.Assigned && job.state != JobState.Revealing) {
            revert JobMarketWrongState(jobId, job.state);
        }
        bool tooFewCommits = job.state == JobState.Assigned && job.commitCount < job.quorum;
        uint64 deadline = tooFewCommits ? job.commitDeadline : job.revealDeadline;
        if (block.timestamp < deadline) revert JobMarketDeadlineNotReached(jobId, deadline);
        _settle(jobId, job);
    }

    /// @notice Sends the caller all its credit (attoFIL).
    function withdraw() external nonReentrant {
        uint256 amount = credits[msg.sender];
        if (amount == 0) revert JobMarketNothingToWithdraw(msg.sender);
        credits[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        _send(msg.sender, amount);
    }

    // ------------------------------------------------------------------ views

    /// @notice The commitment a provider must post for `resultCid` and `salt`, bound to this chain, market and job.
    function commitmentOf(uint256 jobId, address provider, bytes calldata resultCid, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), jobId, provider, resultCid, salt));
    }

    /// @notice The job with this id; reverts with {JobMarketUnknownJob} if there is none.
    function getJob(uint256 jobId) external view returns (Job memory) {
        return _job(jobId);
    }

    /// @notice Every bid on a job, in the order placed (at most {MAX_BIDS}).
    function getBids(uint256 jobId) external view returns (Bid[] memory) {
        _job(jobId);
        return _bids[jobId];
    }

    // ------------------------------------------------------------------ internals

    function _job(uint256 jobId) private view returns (Job storage job) {
        job = _jobs[jobId];
        if (job.state == JobState.None) revert JobMarketUnknownJob(jobId);
    }

    function _assignedBid(uint256 jobId, address provider) private view returns (Bid storage b) {
        uint256 slot = _bidSlot[jobId][provider];
        if (slot == 0) revert JobMarketNotAssigned(jobId, provider);
        b = _bids[jobId][slot - 1];
        if (!b.assigned) revert JobMarketNotAssigned(jobId, provider);
    }

    function _setState(uint256 jobId, Job storage job, JobState next) private {
        JobState previous = job.state;
        job.state = next;
        emit JobStateChanged(jobId, previous, next);
    }

    function _assignBid(uint256 jobId, Bid storage b, Job storage job) private {
        b.assigned = true;
        emit ProviderAssigned(jobId, b.provider, b.price, uint64(block.timestamp) + job.executionWindow);
    }

    function _startExecution(uint256 jobId, Job storage job) private {
        uint64 commitDeadline = uint64(block.timestamp) + job.executionWindow;
        job.commitDeadline = commitDeadline;
        job.revealDeadline = commitDeadline + job.revealWindow;
        _setState(jobId, job, JobState.Assigned);
    }

    /// @dev Unlocks the stake of every bidder (cancel, or too few bids).
    function _releaseAll(uint256 jobId, Job storage job) private {
        Bid[] storage bids = _bids[jobId];
        uint256 n = bids.length;
        for (uint256 i = 0; i < n; ++i) {
            _unlock(jobId, bids[i].provider, job.stake);
        }
    }

    function _unlock(uint256 jobId, address provider, uint128 amount) private {
        providers[provider].locked -= amount;
        emit StakeUnlocked(jobId, provider, amount);
    }

    function _slash(uint256 jobId, address provider, uint128 amount, SlashReason reason) private {
        Provider storage p = providers[provider];
        p.locked -= amount;
        p.stake -= amount;
        emit ProviderSlashed(jobId, provider, amount, reason);
    }

    /**
     * @dev Settles a job. With a result revealed by at least `quorum` providers: they are credited
     * their price plus an equal share of the stake slashed from the other assigned providers; the
     * rest of the escrow (and the share's remainder) goes back to the client. Without: the job fails,
     * the client gets its escrow and the stake of silent providers back, revealers are unlocked (and
     * so are committers when fewer than a quorum committed: reveals never opened for them).
     */
    function _settle(uint256 jobId, Job storage job) private {
        Bid[] storage bids = _bids[jobId];
        uint256 n = bids.length;
        bytes32 winner;
        uint8 agreeing;
        for (uint256 i = 0; i < n && agreeing < job.quorum; ++i) {
            if (!bids[i].revealed) continue;
            uint8 same = 0;
            for (uint256 j = 0; j < n; ++j) {
                if (bids[j].revealed && bids[j].resultHash == bids[i].resultHash) ++same;
            }
            if (same >= job.quorum) {
                winner = bids[i].resultHash;
                agreeing = same;
            }
        }
        uint128 stakePerReplica = job.stake;
        uint256 escrow = uint256(job.maxPrice) * job.replicas;
        uint256 slashed = 0;

        if (agreeing == 0) {
            // With fewer than a quorum of commits reveals never opened: a committer could not reveal.
            bool revealsOpened = job.commitCount >= job.quorum;
            for (uint256 i = 0; i < n; ++i) {
                Bid storage b = bids[i];
                if (!b.assigned) continue;
                if (b.revealed || (!revealsOpened && b.commitment != bytes32(0))) {
                    _unlock(jobId, b.provider, stakePerReplica);
                } else {
                    _slash(jobId, b.provider, stakePerReplica, _silence(b));
                    slashed += stakePerReplica;
                }
            }
            _credit(job.client, jobId, escrow + slashed);
            _setState(jobId, job, JobState.Failed);
            return;
        }

        uint256 paid = 0;
        for (uint256 i = 0; i < n; ++i) {
            Bid storage b = bids[i];
            if (!b.assigned) continue;
            if (b.revealed && b.resultHash == winner) {
                paid += b.price;
            } else {
                _slash(jobId, b.provider, stakePerReplica, b.revealed ? SlashReason.Dissent : _silence(b));
                slashed += stakePerReplica;
            }
        }
        uint256 share = slashed / agreeing;
        for (uint256 i = 0; i < n; ++i) {
            Bid storage b = bids[i];
            if (b.revealed && b.resultHash == winner) {
                _unlock(jobId, b.provider, stakePerReplica);
                _credit(b.provider, jobId, b.price + share);
            }
        }
        job.acceptedResultHash = winner;
        uint256 refund = escrow - paid + (slashed - share * agreeing);
        if (refund > 0) _credit(job.client, jobId, refund);
        emit ResultAccepted(jobId, winner, agreeing);
        _setState(jobId, job, JobState.Finalized);
    }

    function _silence(Bid storage b) private view returns (SlashReason) {
        return b.commitment == bytes32(0) ? SlashReason.NoCommit : SlashReason.NoReveal;
    }

    function _credit(address account, uint256 jobId, uint256 amount) private {
        credits[account] += amount;
        emit Credited(account, jobId, amount);
    }

    function _send(address to, uint256 amount) private {
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert JobMarketTransferFailed(to, amount);
    }

    function _toUint128(uint256 value) private pure returns (uint128) {
        if (value > type(uint128).max) revert JobMarketAmountTooLarge(value);
        return uint128(value);
    }
}
