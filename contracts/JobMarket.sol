// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IDealOracle} from "./interfaces/IDealOracle.sol";
import {IMinerOracle} from "./interfaces/IMinerOracle.sol";

/**
 * @title JobMarket
 * @author cod
 * @notice cod's compute-over-data market, laid out for gas: a job in two storage slots that also
 * hold the 16-bit provider ids of its first three bids (later ones in a side word), a bid's
 * commitment (later its result hash) in one slot, provider earnings paid into the provider's
 * balance slot, CIDs only in events, slots cleared at settlement, and the last reveal settling
 * the job.
 *
 * Two paths:
 * - fast path (bidWindow 0): a provider runs the job first and bids WITH its commitment; the first
 *   `replicas` bids win and are paid the job's maxPrice each. The N-th bid opens the reveals.
 *   With replicas 1 the commitment may be zero ("no verification": the single result is revealed
 *   directly).
 * - auction (bidWindow > 0): bids carry a price; after the window anyone calls {assign} (the N
 *   cheapest win, ties to the earlier bid, each paid its bid); winners {commit}, then reveal.
 *
 * Data locality: a provider registers bound to a Filecoin miner actor ID that it controls (checked
 * by the {MINER_ORACLE}); a job may name an input piece (piece CID, commP), and then every bid must
 * name a deal of the bidder's miner for that piece that the {DEAL_ORACLE} finds active. The
 * oracles are set at deployment: the FVM adapters on Filecoin, test doubles elsewhere.
 *
 * The result CID revealed by at least `quorum` assigned providers wins: they are paid and share
 * the stake slashed from dissenters and silent providers. Client refunds and failure refunds are
 * credits pulled with {withdraw}; provider pay goes to the provider's balance, withdrawn with
 * {withdrawStake}.
 * @dev Amounts in attoFIL, times in seconds (block timestamps). Loops are bounded by
 * {MAX_REPLICAS} and {MAX_BIDS}. Reentrancy guard on transient storage (EIP-1153; FEVM since
 * network version 24, FIP-0097).
 *
 * Static analysis: Slither's incorrect-equality flags every `==` on a Job field, because the packed
 * Job holds a deadline derived from block.timestamp and its taint analysis is not field-sensitive.
 * Those compare a state, a bit of a mask, or a counter that moves by exactly one per call and
 * is bounded by `replicas`; none compares a balance or a time. Each is answered where it occurs.
 * Deadlines use block.timestamp on purpose: windows are minutes to days, far above the few
 * seconds a block producer can shift a timestamp.
 */
contract JobMarket is ReentrancyGuardTransient, Ownable2Step {
    /// @notice Most providers a job may ask for.
    uint8 public constant MAX_REPLICAS = 7;
    /// @notice Most bids a job takes (ids of bids 3.. share one side word, 16 bits each).
    uint8 public constant MAX_BIDS = 10;
    /// @notice Longest bid, execution or reveal window, in seconds (fits the 24-bit windows).
    uint32 public constant MAX_WINDOW = 30 days;
    /// @notice Longest CID accepted, in bytes (binary CID form).
    uint256 public constant MAX_CID_LENGTH = 128;
    /// @notice Most providers that can register (16-bit provider ids).
    uint16 public constant MAX_PROVIDERS = type(uint16).max;
    /// @notice attoFIL per nanoFIL: the job slot keeps the stake per replica in whole nanoFIL.
    uint256 public constant NANO_FIL = 1e9;
    /// @notice Largest stake per replica, attoFIL: 2^56 − 1 nanoFIL (~72 million FIL; the job slot keeps it in 56 bits).
    uint256 public constant MAX_STAKE_PER_REPLICA = uint256(type(uint56).max) * NANO_FIL;

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

    /// @notice A provider: `balance` is its stake plus earnings, of which `locked` backs bids; `id` (from 1) names it in jobs.
    struct Provider {
        uint96 balance;
        uint96 locked;
        uint16 id;
    }

    /**
     * @dev One storage slot: everything bid, commit and reveal read or write, with the provider ids
     * of the first two bids (bid 2's is in {Terms}, later ones in a side word): a 3-replica job
     * never pays for a bidder slot of its own. The stake per replica is kept in whole nanoFIL (56
     * bits, see {MAX_STAKE_PER_REPLICA}); the reveal count is the popcount of `revealedMask`.
     * `hasPiece` says whether the job names an input piece (its hash is in `_pieceCidHashes`), so a
     * bid on a job without one reads no other slot for it.
     */
    struct Job {
        JobState state;
        bool auction;
        uint8 replicas;
        uint8 quorum;
        uint8 bidCount;
        uint8 commitCount;
        uint32 deadline;
        uint16 assignedMask;
        uint16 revealedMask;
        uint24 executionWindow;
        uint24 revealWindow;
        uint56 stakeNano;
        bool hasPiece;
        uint16 bidder0;
        uint16 bidder1;
    }

    /// @dev The second slot: read at settlement, cancel, auction bids and the third bid.
    struct Terms {
        address client;
        uint80 maxPrice;
        uint16 bidder2;
    }

    /**
     * @notice A job as {getJob} shows it. `deadline` is the current phase's: the bid deadline of an
     * open auction, the commit deadline of an open fast-path or assigned job, the reveal deadline
     * while revealing.
     */
    // Returned by getJob, never stored: its field order is getJob's ABI, so it is not repacked.
    // solhint-disable-next-line gas-struct-packing
    struct JobView {
        address client;
        JobState state;
        bool auction;
        uint8 replicas;
        uint8 quorum;
        uint8 bidCount;
        uint8 commitCount;
        uint8 revealCount;
        uint32 deadline;
        uint16 assignedMask;
        uint16 revealedMask;
        uint24 executionWindow;
        uint24 revealWindow;
        uint96 maxPrice;
        uint88 stake;
    }

    /// @notice A bid as {getBids} shows it: `digest` is the commitment, or keccak256 of the revealed CID.
    struct BidView {
        address provider;
        uint96 price;
        bool assigned;
        bool revealed;
        bytes32 digest;
    }

    /// @notice Provider records by account.
    mapping(address => Provider) public providers;
    /// @notice The account of each provider id.
    mapping(uint16 => address) public providerAccount;
    /// @notice The Filecoin miner actor ID each provider registered with.
    mapping(address => uint64) public minerIdOf;
    /// @notice Withdrawable attoFIL by account (client refunds, failure refunds).
    mapping(address => uint256) public credits;
    /// @notice Highest {Settings.minStakePerReplica} the owner may set, in attoFIL.
    uint96 public constant MAX_MIN_STAKE_PER_REPLICA = 1000 ether;
    /// @notice Highest {Settings.minRevealWindow} the owner may set, in seconds.
    uint32 public constant MAX_MIN_REVEAL_WINDOW = 1 days;

    /**
     * @notice Market-wide state in one slot, read by {postJob} together with the job counter.
     * @param nextJobId the next job id (set at deployment, so posting never pays for a fresh slot)
     * @param paused while true, no job is posted and no bid placed; commits, reveals, settlement,
     * refunds and withdrawals go on
     * @param minStakePerReplica the least stake per replica a job may ask, attoFIL
     * @param minRevealWindow the shortest reveal window a job may set, seconds
     */
    struct Settings {
        uint64 nextJobId;
        bool paused;
        uint96 minStakePerReplica;
        uint32 minRevealWindow;
    }

    Settings private _settings;
    /// @notice Number of registered providers; ids run from 1 to providerCount.
    uint16 public providerCount;

    mapping(uint256 => Job) private _jobs;
    mapping(uint256 => Terms) private _terms;
    /// @dev jobId => provider ids of bids 3 and later, 16 bits each (bid i at bits 16 * (i - 3)).
    mapping(uint256 => uint256) private _bidders;
    /// @dev jobId => bid index => commitment, then keccak256(resultCid) once revealed.
    mapping(uint256 => mapping(uint256 => bytes32)) private _digests;
    /// @dev jobId => bid index => price, auction bids only.
    mapping(uint256 => mapping(uint256 => uint256)) private _prices;
    /// @dev jobId => keccak256 of its input piece CID (binary form), for jobs that name one.
    mapping(uint256 => bytes32) private _pieceCidHashes;

    /// @notice Judges the deals that bids on jobs with an input piece name (set at deployment).
    IDealOracle public immutable DEAL_ORACLE;
    /// @notice Says whether an account controls the miner it registers with (set at deployment).
    IMinerOracle public immutable MINER_ORACLE;

    /**
     * @notice A provider registered, bound to its miner actor ID, under provider id `providerId`.
     * @param provider the provider's account
     * @param minerId its Filecoin miner actor ID (the N of fN)
     * @param providerId its id in jobs (from 1)
     */
    event ProviderRegistered(address indexed provider, uint64 indexed minerId, uint16 providerId);
    /**
     * @notice A provider added `amount` attoFIL to its balance.
     * @param provider the provider's account
     * @param amount attoFIL added
     * @param balance its balance after, in attoFIL
     */
    event StakeDeposited(address indexed provider, uint256 amount, uint256 balance);
    /**
     * @notice A provider took `amount` attoFIL of free balance.
     * @param provider the provider's account
     * @param amount attoFIL sent to it
     * @param balance its balance after, in attoFIL
     */
    event StakeWithdrawn(address indexed provider, uint256 amount, uint256 balance);
    /**
     * @notice Stake that backed a bid that was not paid nor slashed is free again.
     * @param jobId the job the bid was on
     * @param provider the bidder
     * @param amount attoFIL unlocked (the job's stake per replica)
     */
    event StakeUnlocked(uint256 indexed jobId, address indexed provider, uint256 amount);
    /**
     * @notice A job was posted with `replicas * maxPrice` attoFIL in escrow.
     * @param jobId the new job's id
     * @param client the account that posted it and gets refunds
     * @param specCid binary CID of the job spec (kept in this event only)
     * @param inputPieceCid binary piece CID (commP) of the input every bid must hold a deal for; empty: none
     * @param replicas providers to run the job
     * @param quorum agreeing reveals needed
     * @param maxPrice attoFIL paid per replica on the fast path, the most paid in an auction
     * @param stakePerReplica attoFIL each provider locks while it works
     * @param bidWindow seconds bids are taken in an auction; 0 for the fast path
     * @param executionWindow seconds to the commit deadline
     * @param revealWindow seconds from the commit deadline to the reveal deadline
     * @param deadline the first phase's deadline (a timestamp, in seconds), as in {JobView}
     */
    event JobPosted(
        uint256 indexed jobId,
        address indexed client,
        bytes specCid,
        bytes inputPieceCid,
        uint8 replicas,
        uint8 quorum,
        uint256 maxPrice,
        uint256 stakePerReplica,
        uint32 bidWindow,
        uint32 executionWindow,
        uint32 revealWindow,
        uint32 deadline
    );
    /**
     * @notice A job moved from `previous` to `current`; emitted once per transition.
     * @param jobId the job
     * @param previous its state before
     * @param current its state after
     */
    event JobStateChanged(uint256 indexed jobId, JobState previous, JobState current);
    /**
     * @notice The owner paused new jobs and bids.
     * @param by the owner
     */
    event MarketPaused(address indexed by);
    /**
     * @notice The owner let new jobs and bids in again.
     * @param by the owner
     */
    event MarketUnpaused(address indexed by);
    /**
     * @notice The owner changed a market parameter.
     * @param name the parameter ("minStakePerReplica", "minRevealWindow")
     * @param previous its value before
     * @param current its value now
     */
    event ParameterChanged(string name, uint256 previous, uint256 current);
    /**
     * @notice A bid was placed on a job and its stake locked.
     * @param jobId the job
     * @param provider the bidder
     * @param index the bid's index in the job (commit and reveal name it)
     * @param price attoFIL asked (auction); 0 on the fast path, which pays maxPrice
     * @param dealId storage deal that holds the job's input piece, found active by the deal oracle;
     * on a job without an input piece, whatever the bidder named, unchecked (0: none)
     * @param commitment the provider's commitment (fast path); zero in an auction
     */
    event BidPlaced(
        uint256 indexed jobId, address indexed provider, uint8 index, uint256 price, uint64 dealId, bytes32 commitment
    );
    /**
     * @notice An auction bid won: it must commit before `commitDeadline`.
     * @param jobId the job
     * @param provider the winning bidder
     * @param index its bid index
     * @param commitDeadline timestamp (seconds) by which it must commit
     */
    event ProviderAssigned(uint256 indexed jobId, address indexed provider, uint8 index, uint32 commitDeadline);
    /**
     * @notice An assigned auction provider committed to a result without showing it.
     * @param jobId the job
     * @param provider the committing provider
     * @param index its bid index
     * @param commitment its commitment (see {commitmentOf})
     */
    event ResultCommitted(uint256 indexed jobId, address indexed provider, uint8 index, bytes32 commitment);
    /**
     * @notice A provider revealed its result CID.
     * @param jobId the job
     * @param provider the revealing provider
     * @param resultCid the result's CID, binary form
     */
    event ResultRevealed(uint256 indexed jobId, address indexed provider, bytes resultCid);
    /**
     * @notice The result whose CID hashes to `resultCidHash` won with `agreeing` reveals. Each
     * provider that revealed it has its stake unlocked and is paid, into its balance, its price
     * (maxPrice on the fast path, its bid in an auction) plus `slashShare`, its share of the stake
     * slashed on this job. (One event for all winners: a per-winner event would cost each job
     * ~1,750 gas per winner; the winners are the revealers of `resultCidHash`.)
     * @param jobId the job
     * @param resultCidHash keccak256 of the winning result CID (binary form)
     * @param agreeing number of providers that revealed it
     * @param slashShare attoFIL of slashed stake paid to each of them
     */
    event ResultAccepted(uint256 indexed jobId, bytes32 resultCidHash, uint8 agreeing, uint256 slashShare);
    /**
     * @notice A provider lost `amount` attoFIL of stake.
     * @param jobId the job it was slashed on
     * @param provider the slashed provider
     * @param amount attoFIL taken from its balance
     * @param reason why: no commit, no reveal, or a dissenting reveal
     */
    event ProviderSlashed(uint256 indexed jobId, address indexed provider, uint256 amount, SlashReason reason);
    /**
     * @notice `account` may withdraw `amount` more attoFIL, refunded on `jobId`.
     * @param account the credited account
     * @param jobId the job the refund comes from
     * @param amount attoFIL credited
     */
    event Credited(address indexed account, uint256 indexed jobId, uint256 amount);
    /**
     * @notice `account` withdrew `amount` attoFIL of credit.
     * @param account the withdrawing account
     * @param amount attoFIL sent to it
     */
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice The market is paused (no new jobs or bids), or pausing it again.
    error JobMarketPaused();
    /// @notice Unpausing a market that is not paused.
    error JobMarketNotPaused();
    /**
     * @notice A parameter value above its bound.
     * @param name the parameter
     * @param value the value asked
     * @param max its bound
     */
    error JobMarketParameterOutOfBounds(string name, uint256 value, uint256 max);
    /**
     * @notice The job's stake per replica is below the market's minimum.
     * @param stakePerReplica the stake asked, attoFIL
     * @param min the minimum, attoFIL
     */
    error JobMarketStakeTooLow(uint256 stakePerReplica, uint256 min);
    /// @notice The caller has not registered as a provider.
    error JobMarketNotRegistered(address account);
    /**
     * @notice The account registering is not a controlling address (owner, worker, control
     * address) of the miner it names, as the miner oracle sees it.
     * @param account the registering account
     * @param minerId the miner actor ID it named
     */
    error JobMarketNotMinerController(address account, uint64 minerId);
    /**
     * @notice An oracle address given at deployment holds no contract.
     * @param oracle the address
     */
    error JobMarketOracleNotContract(address oracle);
    /**
     * @notice The input piece CID is longer than {MAX_CID_LENGTH}.
     * @param length its length, bytes
     */
    error JobMarketInvalidPieceCid(uint256 length);
    /**
     * @notice A bid on a job with an input piece names no deal (deal ID 0).
     * @param jobId the job
     */
    error JobMarketDealRequired(uint256 jobId);
    /**
     * @notice The deal a bid names does not hold the job's input piece for the bidder's miner now.
     * @param jobId the job
     * @param dealId the deal named
     * @param status the first check that failed, as the deal oracle says (see {IDealOracle.DealStatus})
     */
    error JobMarketDealRejected(uint256 jobId, uint64 dealId, IDealOracle.DealStatus status);
    /// @notice The caller registered already.
    error JobMarketAlreadyRegistered(address account, uint16 providerId);
    /**
     * @notice A stake per replica that is not a whole number of nanoFIL (the job slot keeps it in nanoFIL).
     * @param amount the amount asked, attoFIL
     */
    error JobMarketNotWholeNanoFil(uint256 amount);
    /// @notice Every provider id is taken.
    error JobMarketTooManyProviders();
    /// @notice An amount was zero where it must not be.
    error JobMarketZeroAmount();
    /// @notice An amount does not fit the bits the market keeps it in.
    error JobMarketAmountTooLarge(uint256 amount, uint256 max);
    /// @notice More stake was asked for than is free.
    error JobMarketInsufficientFreeStake(address provider, uint256 needed, uint256 free);
    /// @notice The spec or result CID is empty or longer than {MAX_CID_LENGTH}.
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
    /// @notice A fast-path job cannot be cancelled once a provider bid: it ran the job to bid.
    /// @param jobId the job
    /// @param bidCount the bids it holds
    error JobMarketHasBids(uint256 jobId, uint8 bidCount);
    /// @notice Only the job's client may do this.
    error JobMarketNotClient(uint256 jobId, address caller);
    /// @notice The auction bid's price is above the job's maximum.
    error JobMarketPriceTooHigh(uint256 price, uint256 maxPrice);
    /// @notice A fast-path bid names a price (the fast path pays maxPrice), or an auction bid a commitment (it commits after assignment).
    error JobMarketWrongPath(uint256 jobId, bool auction);
    /// @notice The provider has a bid on this job already.
    error JobMarketAlreadyBid(uint256 jobId, address provider);
    /// @notice The job has all the bids it takes.
    error JobMarketTooManyBids(uint256 jobId);
    /// @notice The bid window (auction) or the commit deadline (fast path) passed at `deadline`.
    error JobMarketBidWindowClosed(uint256 jobId, uint32 deadline);
    /// @notice The auction's bid window is open until `deadline`, or the job is on the fast path.
    error JobMarketBidWindowOpen(uint256 jobId, uint32 deadline);
    /// @notice The caller is not the assigned provider at that bid index.
    error JobMarketNotAssigned(uint256 jobId, address caller);
    /// @notice The commit deadline has passed.
    error JobMarketCommitDeadlinePassed(uint256 jobId, uint32 deadline);
    /// @notice The provider committed already.
    error JobMarketAlreadyCommitted(uint256 jobId, address provider);
    /// @notice A commitment is zero where one is needed.
    error JobMarketEmptyCommitment();
    /// @notice Reveals open once every assigned provider committed, or at the commit deadline with a quorum of commits.
    error JobMarketRevealNotOpen(uint256 jobId, uint32 commitDeadline);
    /// @notice The provider did not commit, so it cannot reveal.
    error JobMarketNotCommitted(uint256 jobId, address provider);
    /// @notice The provider revealed already.
    error JobMarketAlreadyRevealed(uint256 jobId, address provider);
    /// @notice The reveal deadline has passed.
    error JobMarketRevealDeadlinePassed(uint256 jobId, uint32 deadline);
    /// @notice The revealed CID and salt do not hash to the commitment.
    error JobMarketCommitmentMismatch(uint256 jobId, address provider);
    /// @notice The job cannot be finalized before `deadline`.
    error JobMarketDeadlineNotReached(uint256 jobId, uint32 deadline);
    /// @notice The account has no credit to withdraw.
    error JobMarketNothingToWithdraw(address account);
    /// @notice Sending FIL to `to` failed.
    error JobMarketTransferFailed(address to, uint256 amount);

    /**
     * @notice Deploys the market with the deployer as its owner (two-step transfers, {Ownable2Step})
     * and its two oracles, fixed for its lifetime.
     * @param dealOracle_ judges the deals named by bids on jobs with an input piece (FvmDealOracle on Filecoin)
     * @param minerOracle_ checks that a registering account controls its miner (FvmMinerOracle on Filecoin)
     */
    constructor(IDealOracle dealOracle_, IMinerOracle minerOracle_) Ownable(msg.sender) {
        if (address(dealOracle_).code.length == 0) revert JobMarketOracleNotContract(address(dealOracle_));
        if (address(minerOracle_).code.length == 0) revert JobMarketOracleNotContract(address(minerOracle_));
        DEAL_ORACLE = dealOracle_;
        MINER_ORACLE = minerOracle_;
        _settings.nextJobId = 1;
    }

    // ------------------------------------------------------------------ admin

    /// @notice The owner stops new jobs and bids. Commits, reveals, settlement and every refund and withdrawal go on.
    function pause() external onlyOwner {
        if (_settings.paused) revert JobMarketPaused();
        _settings.paused = true;
        emit MarketPaused(msg.sender);
    }

    /// @notice The owner lets new jobs and bids in again.
    function unpause() external onlyOwner {
        if (!_settings.paused) revert JobMarketNotPaused();
        _settings.paused = false;
        emit MarketUnpaused(msg.sender);
    }

    /**
     * @notice The owner sets the least stake per replica new jobs must ask (jobs already posted keep theirs).
     * @param amount attoFIL, at most {MAX_MIN_STAKE_PER_REPLICA}
     */
    function setMinStakePerReplica(uint96 amount) external onlyOwner {
        if (amount > MAX_MIN_STAKE_PER_REPLICA) {
            revert JobMarketParameterOutOfBounds("minStakePerReplica", amount, MAX_MIN_STAKE_PER_REPLICA);
        }
        emit ParameterChanged("minStakePerReplica", _settings.minStakePerReplica, amount);
        _settings.minStakePerReplica = amount;
    }

    /**
     * @notice The owner sets the shortest reveal window new jobs may set (jobs already posted keep theirs).
     * @param window seconds, at most {MAX_MIN_REVEAL_WINDOW}
     */
    function setMinRevealWindow(uint32 window) external onlyOwner {
        if (window > MAX_MIN_REVEAL_WINDOW) {
            revert JobMarketParameterOutOfBounds("minRevealWindow", window, MAX_MIN_REVEAL_WINDOW);
        }
        emit ParameterChanged("minRevealWindow", _settings.minRevealWindow, window);
        _settings.minRevealWindow = window;
    }

    /// @notice Renouncing is refused while paused: it would leave the market paused for ever.
    function renounceOwnership() public override onlyOwner {
        if (_settings.paused) revert JobMarketPaused();
        super.renounceOwnership();
    }

    /// @notice The market-wide settings (see {Settings}).
    /// @return the settings
    function settings() external view returns (Settings memory) {
        return _settings;
    }

    // ------------------------------------------------------------------ providers

    /**
     * @notice Registers the caller as a provider bound to its Filecoin miner actor ID, which it
     * must control: the {MINER_ORACLE} must find the caller among the miner's owner, worker and
     * control addresses (on Filecoin, by the caller's f410 address). The binding is for good.
     * @param minerId the miner actor ID (the N of fN)
     */
    function register(uint64 minerId) external {
        Provider storage p = providers[msg.sender];
        if (p.id != 0) revert JobMarketAlreadyRegistered(msg.sender, p.id);
        uint16 count = providerCount;
        if (count == MAX_PROVIDERS) revert JobMarketTooManyProviders();
        if (!MINER_ORACLE.isControllingAddress(minerId, msg.sender)) {
            revert JobMarketNotMinerController(msg.sender, minerId);
        }
        uint16 id = count + 1;
        providerCount = id;
        p.id = id;
        providerAccount[id] = msg.sender;
        minerIdOf[msg.sender] = minerId;
        emit ProviderRegistered(msg.sender, minerId, id);
    }

    /// @notice Adds the value sent (attoFIL) to the caller's balance.
    function stake() external payable {
        Provider storage p = providers[msg.sender];
        if (p.id == 0) revert JobMarketNotRegistered(msg.sender);
        if (msg.value == 0) revert JobMarketZeroAmount();
        uint256 balance = uint256(p.balance) + msg.value;
        if (balance > type(uint96).max) revert JobMarketAmountTooLarge(balance, type(uint96).max);
        p.balance = uint96(balance);
        emit StakeDeposited(msg.sender, msg.value, balance);
    }

    /**
     * @notice Sends `amount` attoFIL of the caller's free balance (not locked by a bid) to it.
     * @param amount attoFIL to withdraw, at most the balance less the locked stake
     */
    function withdrawStake(uint256 amount) external nonReentrant {
        Provider storage p = providers[msg.sender];
        if (amount == 0) revert JobMarketZeroAmount();
        uint256 free = p.balance - p.locked;
        if (amount > free) revert JobMarketInsufficientFreeStake(msg.sender, amount, free);
        uint96 balance = p.balance - uint96(amount);
        p.balance = balance;
        emit StakeWithdrawn(msg.sender, amount, balance);
        _send(msg.sender, amount);
    }

    // ------------------------------------------------------------------ jobs

    // (long on purpose: validation of every argument, then one write per slot)
    // solhint-disable function-max-lines
    /**
     * @notice Posts a job; the value sent must be the escrow `replicas * maxPrice` attoFIL.
     * @param specCid binary CID of the job spec (JSON on IPFS); kept in the event only
     * @param inputPieceCid binary piece CID (commP, CIDv1 fil-commitment-unsealed, as in deal
     * proposals) of the input: every bid must then name an active deal of the bidder's miner for
     * it; empty for none; at most MAX_CID_LENGTH bytes; in the event, its keccak256 in storage
     * @param replicas providers to run the job, 1..MAX_REPLICAS
     * @param quorum agreeing reveals needed, more than replicas / 2
     * @param maxPrice attoFIL paid per replica on the fast path, the most paid in an auction
     * @param stakePerReplica attoFIL each provider locks while it works, lost if it dissents or goes
     * silent: whole nanoFIL, at most MAX_STAKE_PER_REPLICA
     * @param bidWindow seconds bids are taken in an auction; 0 for the fast path
     * @param executionWindow seconds from posting (fast path) or assignment (auction) to the commit deadline
     * @param revealWindow seconds from the commit deadline to the reveal deadline
     * @return jobId the new job's id
     */
    function postJob(
        bytes calldata specCid,
        bytes calldata inputPieceCid,
        uint8 replicas,
        uint8 quorum,
        uint96 maxPrice,
        uint88 stakePerReplica,
        uint32 bidWindow,
        uint32 executionWindow,
        uint32 revealWindow
    ) external payable returns (uint256 jobId) {
        if (specCid.length == 0 || specCid.length > MAX_CID_LENGTH) revert JobMarketInvalidCid(specCid.length);
        if (inputPieceCid.length > MAX_CID_LENGTH) revert JobMarketInvalidPieceCid(inputPieceCid.length);
        if (replicas == 0 || replicas > MAX_REPLICAS) revert JobMarketInvalidReplicas(replicas, MAX_REPLICAS);
        if (quorum > replicas || uint16(quorum) * 2 <= replicas) revert JobMarketInvalidQuorum(quorum, replicas);
        if (bidWindow > MAX_WINDOW) revert JobMarketInvalidWindow(bidWindow);
        if (executionWindow == 0 || executionWindow > MAX_WINDOW) revert JobMarketInvalidWindow(executionWindow);
        if (revealWindow == 0 || revealWindow > MAX_WINDOW) revert JobMarketInvalidWindow(revealWindow);
        if (maxPrice > type(uint80).max) revert JobMarketAmountTooLarge(maxPrice, type(uint80).max);
        if (stakePerReplica % NANO_FIL != 0) revert JobMarketNotWholeNanoFil(stakePerReplica);
        if (stakePerReplica > MAX_STAKE_PER_REPLICA) {
            revert JobMarketAmountTooLarge(stakePerReplica, MAX_STAKE_PER_REPLICA);
        }
        uint256 escrow = uint256(maxPrice) * replicas;
        if (msg.value != escrow) revert JobMarketWrongEscrow(escrow, msg.value);

        Settings memory current = _settings;
        if (current.paused) revert JobMarketPaused();
        if (stakePerReplica < current.minStakePerReplica) {
            revert JobMarketStakeTooLow(stakePerReplica, current.minStakePerReplica);
        }
        if (revealWindow < current.minRevealWindow) revert JobMarketInvalidWindow(revealWindow);
        jobId = current.nextJobId;
        _settings.nextJobId = uint64(jobId + 1);
        uint32 deadline = uint32(block.timestamp) + (bidWindow == 0 ? executionWindow : bidWindow);
        _jobs[jobId] = Job({
            state: JobState.Open,
            auction: bidWindow != 0,
            replicas: replicas,
            quorum: quorum,
            bidCount: 0,
            commitCount: 0,
            deadline: deadline,
            assignedMask: 0,
            revealedMask: 0,
            executionWindow: uint24(executionWindow),
            revealWindow: uint24(revealWindow),
            stakeNano: uint56(stakePerReplica / NANO_FIL),
            hasPiece: inputPieceCid.length != 0,
            bidder0: 0,
            bidder1: 0
        });
        _terms[jobId] = Terms({client: msg.sender, maxPrice: uint80(maxPrice), bidder2: 0});
        if (inputPieceCid.length != 0) _pieceCidHashes[jobId] = keccak256(inputPieceCid);
        emit JobPosted(
            jobId,
            msg.sender,
            specCid,
            inputPieceCid,
            replicas,
            quorum,
            maxPrice,
            stakePerReplica,
            bidWindow,
            executionWindow,
            revealWindow,
            deadline
        );
        emit JobStateChanged(jobId, JobState.None, JobState.Open);
    }
    // solhint-enable function-max-lines

    // (long on purpose: validation of every argument, then one write per slot)
    // solhint-disable function-max-lines
    /**
     * @notice Bids on an open job and locks its stake per replica.
     * Fast path: `price` must be 0 (the job pays maxPrice) and `commitment` is the provider's
     * commitment to its result (see {commitmentOf}; may be zero only when replicas is 1); the
     * N-th bid opens the reveals. Auction: `price` at most maxPrice, `commitment` zero.
     * On a job with an input piece, `dealId` must name a deal that the {DEAL_ORACLE} finds active
     * now, for that piece, stored by the bidder's miner (else {JobMarketDealRequired} or
     * {JobMarketDealRejected} with the failed check); on a job without one it is not checked.
     * @param jobId the job
     * @param price attoFIL asked (auction, at most maxPrice); 0 on the fast path
     * @param dealId storage market deal ID holding the job's input piece; on a job without an input
     * piece, unchecked and only reported in BidPlaced (the node sends 0)
     * @param commitment the result commitment (fast path; see {commitmentOf}); zero in an auction
     */
    function bid(uint256 jobId, uint96 price, uint64 dealId, bytes32 commitment) external {
        Job memory job = _loadJob(jobId);
        if (job.state != JobState.Open) revert JobMarketWrongState(jobId, job.state);
        if (block.timestamp >= job.deadline) revert JobMarketBidWindowClosed(jobId, job.deadline);
        if (_settings.paused) revert JobMarketPaused();
        Provider memory p = providers[msg.sender];
        if (p.id == 0) revert JobMarketNotRegistered(msg.sender);
        uint256 index = job.bidCount;
        if (job.auction) {
            if (commitment != bytes32(0)) revert JobMarketWrongPath(jobId, true);
            uint256 maxPrice = _terms[jobId].maxPrice;
            if (price > maxPrice) revert JobMarketPriceTooHigh(price, maxPrice);
            if (index >= MAX_BIDS) revert JobMarketTooManyBids(jobId);
            _prices[jobId][index] = price;
        } else {
            if (price != 0) revert JobMarketWrongPath(jobId, false);
            if (commitment == bytes32(0) && job.replicas > 1) revert JobMarketEmptyCommitment();
        }
        for (uint256 i = 0; i < index; ++i) {
            // slither-disable-next-line incorrect-equality -- provider ids, not a balance or a time
            if (_bidderId(jobId, job, i) == p.id) revert JobMarketAlreadyBid(jobId, msg.sender);
        }
        uint256 stakeAtto = uint256(job.stakeNano) * NANO_FIL;
        uint256 free = p.balance - p.locked;
        if (stakeAtto > free) revert JobMarketInsufficientFreeStake(msg.sender, stakeAtto, free);
        if (job.hasPiece) _checkDeal(jobId, dealId);

        providers[msg.sender].locked = p.locked + uint96(stakeAtto);
        // slither-disable-next-line incorrect-equality -- a bid index picking where the id is kept
        if (index == 0) {
            job.bidder0 = p.id;
            // slither-disable-next-line incorrect-equality -- a bid index picking where the id is kept
        } else if (index == 1) {
            job.bidder1 = p.id;
            // slither-disable-next-line incorrect-equality -- a bid index picking where the id is kept
        } else if (index == 2) {
            _terms[jobId].bidder2 = p.id;
        } else {
            _bidders[jobId] |= uint256(p.id) << (16 * (index - 3));
        }
        job.bidCount = uint8(index + 1);
        emit BidPlaced(jobId, msg.sender, uint8(index), price, dealId, commitment);
        if (!job.auction) {
            if (commitment != bytes32(0)) _digests[jobId][index] = commitment;
            job.assignedMask |= uint16(1 << index);
            ++job.commitCount;
            // slither-disable-next-line incorrect-equality -- +1 per bid; the N-th bid leaves Open: N is never skipped
            if (job.bidCount == job.replicas) {
                job.state = JobState.Revealing;
                job.deadline += job.revealWindow;
                emit JobStateChanged(jobId, JobState.Open, JobState.Revealing);
            }
        }
        _jobs[jobId] = job;
    }
    // solhint-enable function-max-lines

    /**
     * @notice After an auction's bid window, assigns the `replicas` cheapest bids (ties: the earlier
     * bid) and unlocks the others' stake. With fewer bids than replicas the job fails and the client
     * is refunded. Anyone may call it.
     * @param jobId the job, an auction whose bid window has passed
     */
    function assign(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.state != JobState.Open) revert JobMarketWrongState(jobId, job.state);
        if (!job.auction || block.timestamp < job.deadline) revert JobMarketBidWindowOpen(jobId, job.deadline);
        uint256 n = job.bidCount;
        uint256 stakeAtto = uint256(job.stakeNano) * NANO_FIL;
        if (n < job.replicas) {
            for (uint256 i = 0; i < n; ++i) {
                _unlock(jobId, providerAccount[_bidderId(jobId, job, i)], stakeAtto);
                delete _prices[jobId][i];
            }
            _credit(_terms[jobId].client, jobId, uint256(_terms[jobId].maxPrice) * job.replicas);
            // failed: no bid is live any more (getBids shows none)
            job.bidder0 = 0;
            job.bidder1 = 0;
            _transition(jobId, job, JobState.Failed);
            _jobs[jobId] = job;
            if (n > 3) delete _bidders[jobId];
            return;
        }
        // slither-disable-next-line uninitialized-local -- zeroed memory array; entries 0..n-1 are set below
        uint256[MAX_BIDS] memory prices;
        for (uint256 i = 0; i < n; ++i) {
            prices[i] = _prices[jobId][i];
        }
        uint16 mask = 0;
        for (uint256 round = 0; round < job.replicas; ++round) {
            uint256 best = MAX_BIDS;
            for (uint256 i = 0; i < n; ++i) {
                if (mask & (1 << i) != 0) continue;
                if (best == MAX_BIDS || prices[i] < prices[best]) best = i;
            }
            mask |= uint16(1 << best);
        }
        uint32 commitDeadline = uint32(block.timestamp) + job.executionWindow;
        for (uint256 i = 0; i < n; ++i) {
            address provider = providerAccount[_bidderId(jobId, job, i)];
            if (mask & (1 << i) != 0) {
                emit ProviderAssigned(jobId, provider, uint8(i), commitDeadline);
            } else {
                _unlock(jobId, provider, stakeAtto);
                delete _prices[jobId][i];
            }
        }
        job.assignedMask = mask;
        job.deadline = commitDeadline;
        _transition(jobId, job, JobState.Assigned);
        _jobs[jobId] = job;
    }

    /**
     * @notice The client cancels its job while it is open (on the fast path: before any bid); escrow is
     * credited back, auction bidders' stake unlocked.
     * @param jobId the job, open and posted by the caller
     */
    function cancel(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        Terms memory terms = _terms[jobId];
        if (msg.sender != terms.client) revert JobMarketNotClient(jobId, msg.sender);
        if (job.state != JobState.Open) revert JobMarketWrongState(jobId, job.state);
        // On the fast path a bid means the provider already ran the job: no cancel then (an unfilled
        // job settles or fails at its commit deadline instead).
        if (!job.auction && job.bidCount != 0) revert JobMarketHasBids(jobId, job.bidCount);
        uint256 stakeAtto = uint256(job.stakeNano) * NANO_FIL;
        for (uint256 i = 0; i < job.bidCount; ++i) {
            _unlock(jobId, providerAccount[_bidderId(jobId, job, i)], stakeAtto);
            delete _digests[jobId][i];
            delete _prices[jobId][i];
        }
        if (job.bidCount > 3) delete _bidders[jobId];
        // cancelled: no bid is live any more (getBids shows none)
        job.bidder0 = 0;
        job.bidder1 = 0;
        _credit(terms.client, jobId, uint256(terms.maxPrice) * job.replicas);
        _transition(jobId, job, JobState.Cancelled);
        _jobs[jobId] = job;
    }

    /**
     * @notice An assigned auction provider commits to its result before the commit deadline (see
     * {commitmentOf}). The last commit opens the reveals.
     * @param jobId the job, in state Assigned
     * @param index the provider's bid index (from its BidPlaced event)
     * @param commitment the provider's commitment, not zero
     */
    function commit(uint256 jobId, uint8 index, bytes32 commitment) external {
        Job memory job = _loadJob(jobId);
        if (job.state != JobState.Assigned) revert JobMarketWrongState(jobId, job.state);
        if (block.timestamp >= job.deadline) revert JobMarketCommitDeadlinePassed(jobId, job.deadline);
        if (commitment == bytes32(0)) revert JobMarketEmptyCommitment();
        _checkAssigned(jobId, job, index);
        if (_digests[jobId][index] != bytes32(0)) revert JobMarketAlreadyCommitted(jobId, msg.sender);
        _digests[jobId][index] = commitment;
        ++job.commitCount;
        emit ResultCommitted(jobId, msg.sender, index, commitment);
        // slither-disable-next-line incorrect-equality -- +1 per assigned index, once each: reaches replicas exactly
        if (job.commitCount == job.replicas) {
            job.deadline += job.revealWindow;
            _transition(jobId, job, JobState.Revealing);
        }
        _jobs[jobId] = job;
    }

    /**
     * @notice Reveals the committed result CID and salt. Reveals open once every assigned provider
     * committed, or at the commit deadline if at least `quorum` did; they close at the reveal
     * deadline. The last expected reveal settles the job.
     * @param jobId the job
     * @param index the provider's bid index (from its BidPlaced event)
     * @param resultCid the result's CID, binary form, 1..MAX_CID_LENGTH bytes
     * @param salt the salt the commitment was made with
     */
    function reveal(uint256 jobId, uint8 index, bytes calldata resultCid, bytes32 salt) external {
        Job memory job = _loadJob(jobId);
        // slither-disable-next-line incorrect-equality -- state enum, not a balance or time
        if (job.state == JobState.Open || job.state == JobState.Assigned) {
            // slither-disable-next-line incorrect-equality -- state enum, not a balance or time
            bool fastOrAssigned = !job.auction || job.state == JobState.Assigned;
            if (!fastOrAssigned || block.timestamp < job.deadline || job.commitCount < job.quorum) {
                revert JobMarketRevealNotOpen(jobId, job.deadline);
            }
            job.deadline += job.revealWindow;
            _transition(jobId, job, JobState.Revealing);
        } else if (job.state != JobState.Revealing) {
            revert JobMarketWrongState(jobId, job.state);
        }
        if (block.timestamp >= job.deadline) revert JobMarketRevealDeadlinePassed(jobId, job.deadline);
        if (resultCid.length == 0 || resultCid.length > MAX_CID_LENGTH) revert JobMarketInvalidCid(resultCid.length);
        // slither-disable-next-line incorrect-equality -- a bit of the assigned mask
        if (index >= job.bidCount || job.assignedMask & (1 << index) == 0) revert JobMarketNotAssigned(jobId, msg.sender);
        if (job.revealedMask & (1 << index) != 0) revert JobMarketAlreadyRevealed(jobId, msg.sender);
        bytes32 stored = _digests[jobId][index];
        if (stored == bytes32(0)) {
            // Only a single-replica fast-path job may run without a commitment; then the bidder
            // is checked by its provider id.
            if (job.replicas != 1 || job.auction) revert JobMarketNotCommitted(jobId, msg.sender);
            _checkAssigned(jobId, job, index);
        } else if (commitmentOf(jobId, msg.sender, resultCid, salt) != stored) {
            // The commitment binds the revealer's address, so a copied commitment cannot be revealed
            // by the copier. It does not prove the caller is the bidder: the bidder may bind it to
            // another account; settlement pays the bidder all the same.
            revert JobMarketCommitmentMismatch(jobId, msg.sender);
        }
        bytes32 resultHash = keccak256(resultCid);
        job.revealedMask |= uint16(1 << index);

        emit ResultRevealed(jobId, msg.sender, resultCid);
        // slither-disable-next-line incorrect-equality -- +1 per committed index, once each: reaches commitCount
        if (_popcount(job.revealedMask) == job.commitCount) {
            _settle(jobId, job, index, resultHash);
        } else {
            _digests[jobId][index] = resultHash;
        }
        _jobs[jobId] = job;
    }

    /**
     * @notice Settles a job whose deadline passed: after the commit deadline with fewer than a
     * quorum of commits (the job fails), or after the reveal deadline. Anyone may call it.
     * @param jobId the job
     */
    function finalize(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        // slither-disable-next-line incorrect-equality -- state enum, not a balance or time
        bool committing = job.state == JobState.Assigned || (job.state == JobState.Open && !job.auction);
        if (!committing && job.state != JobState.Revealing) revert JobMarketWrongState(jobId, job.state);
        uint32 deadline = job.deadline;
        if (committing && job.commitCount >= job.quorum) {
            // reveals could open at the commit deadline: wait for the reveal deadline too
            deadline += job.revealWindow;
        }
        if (block.timestamp < deadline) revert JobMarketDeadlineNotReached(jobId, deadline);
        _settle(jobId, job, MAX_BIDS, bytes32(0));
        _jobs[jobId] = job;
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

    /// @notice Number of jobs posted; job ids run from 1 to jobCount.
    function jobCount() external view returns (uint256) {
        return _settings.nextJobId - 1;
    }

    /**
     * @notice The commitment a provider posts for `resultCid` and `salt`, bound to this chain, market, job and provider.
     * @param jobId the job
     * @param provider the provider's account
     * @param resultCid the result's CID, binary form
     * @param salt a secret random value, revealed with the CID
     * @return keccak256 of abi.encode(chainid, this market, jobId, provider, resultCid, salt)
     */
    function commitmentOf(uint256 jobId, address provider, bytes calldata resultCid, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), jobId, provider, resultCid, salt));
    }

    /**
     * @notice The job with this id; reverts with {JobMarketUnknownJob} if there is none.
     * @param jobId the job
     * @return v its terms and state
     */
    function getJob(uint256 jobId) external view returns (JobView memory v) {
        Job memory job = _loadJob(jobId);
        Terms memory terms = _terms[jobId];
        v = JobView({
            client: terms.client,
            state: job.state,
            auction: job.auction,
            replicas: job.replicas,
            quorum: job.quorum,
            bidCount: job.bidCount,
            commitCount: job.commitCount,
            revealCount: uint8(_popcount(job.revealedMask)),
            deadline: job.deadline,
            assignedMask: job.assignedMask,
            revealedMask: job.revealedMask,
            executionWindow: job.executionWindow,
            revealWindow: job.revealWindow,
            maxPrice: terms.maxPrice,
            stake: uint88(uint256(job.stakeNano) * NANO_FIL)
        });
    }

    /**
     * @notice The bids of a job that is not settled yet, in the order placed (settlement clears them: see the events).
     * @param jobId the job
     * @return bids its bids by index; empty once the job is settled or cancelled
     */
    function getBids(uint256 jobId) external view returns (BidView[] memory bids) {
        Job memory job = _loadJob(jobId);
        // slither-disable-next-line incorrect-equality -- no first bidder id: no live bid (settlement clears it)
        if (job.bidder0 == 0) return new BidView[](0);
        bids = new BidView[](job.bidCount);
        uint96 maxPrice = _terms[jobId].maxPrice;
        for (uint256 i = 0; i < job.bidCount; ++i) {
            bids[i] = BidView({
                provider: providerAccount[_bidderId(jobId, job, i)],
                price: job.auction ? uint96(_prices[jobId][i]) : maxPrice,
                assigned: job.assignedMask & (1 << i) != 0,
                revealed: job.revealedMask & (1 << i) != 0,
                digest: _digests[jobId][i]
            });
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev The provider id of bid `i`: bids 0 and 1 in the job slot, bid 2 in the terms slot, later bids in a side word.
    function _bidderId(uint256 jobId, Job memory job, uint256 i) private view returns (uint16) {
        if (i == 0) return job.bidder0;
        if (i == 1) return job.bidder1;
        if (i == 2) return _terms[jobId].bidder2;
        return uint16(_bidders[jobId] >> (16 * (i - 3)));
    }

    /// @dev Reverts unless the deal oracle finds `dealId` active for the job's piece and the caller's miner.
    function _checkDeal(uint256 jobId, uint64 dealId) private view {
        if (dealId == 0) revert JobMarketDealRequired(jobId);
        IDealOracle.DealStatus status = DEAL_ORACLE.dealStatus(dealId, _pieceCidHashes[jobId], minerIdOf[msg.sender]);
        if (status != IDealOracle.DealStatus.Active) revert JobMarketDealRejected(jobId, dealId, status);
    }

    function _loadJob(uint256 jobId) private view returns (Job memory job) {
        job = _jobs[jobId];
        // slither-disable-next-line incorrect-equality -- state enum, not a balance or time
        if (job.state == JobState.None) revert JobMarketUnknownJob(jobId);
    }

    function _checkAssigned(uint256 jobId, Job memory job, uint8 index) private view {
        // slither-disable-next-line incorrect-equality -- a bit of the assigned mask
        if (index >= job.bidCount || job.assignedMask & (1 << index) == 0) revert JobMarketNotAssigned(jobId, msg.sender);
        uint16 id = _bidderId(jobId, job, index);
        if (providers[msg.sender].id != id) revert JobMarketNotAssigned(jobId, msg.sender);
    }

    /// @dev Moves the job (in memory; the caller writes it back) and emits the one transition event.
    function _transition(uint256 jobId, Job memory job, JobState next) private {
        emit JobStateChanged(jobId, job.state, next);
        job.state = next;
    }

    function _unlock(uint256 jobId, address provider, uint256 amount) private {
        providers[provider].locked -= uint96(amount);
        emit StakeUnlocked(jobId, provider, amount);
    }

    /**
     * @dev Settles a job. `ownIndex`/`ownHash` carry the settling reveal's result, which is not
     * stored (MAX_BIDS when none). With a result revealed by at least `quorum` providers, they are
     * paid their price plus an equal share of the stake slashed from the other assigned providers;
     * the rest of the escrow and the share's remainder go to the client. Without, the job fails:
     * the client gets its escrow and the stake of silent providers back, revealers (and committers
     * when reveals never opened) are unlocked. Bid slots are cleared.
     */
    // One pass over the bids with the job in memory: split into helpers it would re-read storage slots.
    // solhint-disable-next-line function-max-lines
    function _settle(uint256 jobId, Job memory job, uint256 ownIndex, bytes32 ownHash) private {
        uint256 n = job.bidCount;
        // slither-disable-next-line uninitialized-local -- zeroed memory array; only revealed entries are set and read
        bytes32[MAX_BIDS] memory hashes;
        for (uint256 i = 0; i < n; ++i) {
            if (job.revealedMask & (1 << i) != 0) {
                hashes[i] = i == ownIndex ? ownHash : _digests[jobId][i];
            }
        }
        bytes32 winner = bytes32(0);
        uint256 agreeing = 0;
        for (uint256 i = 0; i < n && agreeing < job.quorum; ++i) {
            // slither-disable-next-line incorrect-equality -- a bit of the revealed mask
            if (job.revealedMask & (1 << i) == 0) continue;
            uint256 same = 0;
            for (uint256 j = 0; j < n; ++j) {
                if (job.revealedMask & (1 << j) != 0 && hashes[j] == hashes[i]) ++same;
            }
            if (same >= job.quorum) {
                winner = hashes[i];
                agreeing = same;
            }
        }
        Terms memory terms = _terms[jobId];
        uint256 stakePerReplica = uint256(job.stakeNano) * NANO_FIL;
        uint256 assigned = _popcount(job.assignedMask);
        uint256 slashed = 0;
        uint256 paid = 0;
        uint256 share = 0;
        if (agreeing != 0) {
            share = (uint256(stakePerReplica) * (assigned - agreeing)) / agreeing;
        }
        bool revealsOpened = job.commitCount >= job.quorum;
        for (uint256 i = 0; i < n; ++i) {
            // slither-disable-next-line incorrect-equality -- a bit of the assigned mask
            if (job.assignedMask & (1 << i) == 0) continue;
            uint16 bidderId = i == 0 ? job.bidder0 : i == 1 ? job.bidder1 : i == 2 ? terms.bidder2 : _bidderId(jobId, job, i);
            // the settling revealer is this bidder only if its id says so: a bidder may bind its
            // commitment to another account, which can then reveal in its place
            // slither-disable-next-line incorrect-equality -- a bid index and a provider id, not a balance or time
            address provider =
                i == ownIndex && providers[msg.sender].id == bidderId ? msg.sender : providerAccount[bidderId];
            bool revealed = job.revealedMask & (1 << i) != 0;
            // slither-disable-next-line incorrect-equality -- the job's replicas parameter, not a balance or time
            bool committed = revealed || _digests[jobId][i] != bytes32(0) || (!job.auction && job.replicas == 1);
            if (agreeing != 0 && revealed && hashes[i] == winner) {
                uint256 price = job.auction ? _prices[jobId][i] : terms.maxPrice;
                Provider storage p = providers[provider];
                p.locked -= uint96(stakePerReplica);
                p.balance += uint96(price + share);
                paid += price;
            } else if (revealed || (agreeing == 0 && !revealsOpened && committed)) {
                // a dissenter is slashed; without a winner, revealers (and committers that never
                // could reveal) get their stake back
                if (agreeing != 0) {
                    _slash(jobId, provider, stakePerReplica, SlashReason.Dissent);
                    slashed += stakePerReplica;
                } else {
                    _unlock(jobId, provider, stakePerReplica);
                }
            } else {
                _slash(jobId, provider, stakePerReplica, committed ? SlashReason.NoReveal : SlashReason.NoCommit);
                slashed += stakePerReplica;
            }
            if (i != ownIndex) delete _digests[jobId][i];
            if (job.auction) delete _prices[jobId][i];
        }
        if (n > 3) delete _bidders[jobId];
        // settled: no bid is live any more (getBids shows none); the job keeps its terms for the record
        job.bidder0 = 0;
        job.bidder1 = 0;
        uint256 escrow = uint256(terms.maxPrice) * job.replicas;
        if (agreeing != 0) {
            uint256 refund = escrow - paid + (slashed - share * agreeing);
            if (refund > 0) _credit(terms.client, jobId, refund);
            emit ResultAccepted(jobId, winner, uint8(agreeing), share);
            _transition(jobId, job, JobState.Finalized);
        } else {
            _credit(terms.client, jobId, escrow + slashed);
            _transition(jobId, job, JobState.Failed);
        }
    }

    function _slash(uint256 jobId, address provider, uint256 amount, SlashReason reason) private {
        Provider storage p = providers[provider];
        p.locked -= uint96(amount);
        p.balance -= uint96(amount);
        emit ProviderSlashed(jobId, provider, amount, reason);
    }

    function _credit(address account, uint256 jobId, uint256 amount) private {
        credits[account] += amount;
        emit Credited(account, jobId, amount);
    }

    /**
     * @dev Sends FIL with all gas (smart-contract wallets must be able to receive); the only
     * external call. Both callers, {withdraw} and {withdrawStake}, are nonReentrant, pass
     * msg.sender, and take `amount` off the caller's own ledger entry before calling.
     */
    function _send(address to, uint256 amount) private {
        // slither-disable-next-line arbitrary-send-eth -- `to` is msg.sender, paid from its own debited entry
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert JobMarketTransferFailed(to, amount);
    }

    function _popcount(uint16 mask) private pure returns (uint256 count) {
        for (uint16 m = mask; m != 0; m &= m - 1) {
            ++count;
        }
    }
}
