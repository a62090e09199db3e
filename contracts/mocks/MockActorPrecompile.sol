// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title MockActorPrecompile
 * @author cod
 * @notice Test double of the FEVM call_actor_id precompile (0xfe00…0005) and of the builtin actors
 * behind it that cod's FVM adapters call: the storage market actor (f05) deal getters and the
 * miner actors' IsControllingAddress. Tests put its runtime code at {CALL_ACTOR_ID} with
 * `hardhat_setCode`, so that FvmDealOracle and FvmMinerOracle run unchanged, filecoin-solidity's
 * MarketAPI and MinerAPI included, on a Hardhat chain. Never deployed to a real network (there the
 * address holds the real precompile).
 *
 * The protocol it answers (filecoin-solidity 4.0.3 `utils/Actor.sol` callByID; builtin-actors
 * `actors/evm` precompiles): the caller DELEGATECALLs the precompile with
 * `abi.encode(uint64 method, uint256 value, uint64 flags, uint64 codec, bytes params, uint64 actorId)`
 * and gets `abi.encode(int256 exitCode, uint64 codec, bytes returnData)`. Params and return values
 * are CBOR, encoded here by hand after RFC 8949 and the actors' types (not with the library under
 * test): a deal ID is an unsigned integer, an address a byte string; GetDealDataCommitment returns
 * [tag 42 (0x00 ‖ CID), size], GetDealTerm [start, duration], GetDealActivation [activated,
 * terminated] with -1 for "not yet", IsControllingAddress a boolean. Errors carry the actors' exit
 * codes and no data.
 *
 * Since a DELEGATECALL runs this code in the caller's storage, a delegated call forwards the same
 * input with a STATICCALL to {CALL_ACTOR_ID}, where the code answers from its own storage. The
 * setters are open to anyone: no constructor runs at a precompile address, so there is no
 * deployer to check, and the double only ever lives on a test chain.
 */
contract MockActorPrecompile {
    /// @notice Where the FEVM's call_actor_id precompile lives, and where tests put this code.
    address public constant CALL_ACTOR_ID = 0xfe00000000000000000000000000000000000005;
    /// @notice Actor ID of the storage market actor (f05).
    uint64 public constant MARKET_ACTOR_ID = 5;
    /// @notice The send flag of a read-only call (fvm_shared SendFlags::READ_ONLY).
    uint64 public constant READ_ONLY_FLAG = 1;
    /// @notice IPLD codec of CBOR params and return values (0x51; DAG-CBOR 0x71 is accepted too).
    uint64 public constant CBOR_CODEC = 0x51;
    /// @notice IPLD codec of DAG-CBOR.
    uint64 public constant DAG_CBOR_CODEC = 0x71;

    /// @notice FRC-0042 method number of the market actor's GetDealDataCommitment.
    uint64 public constant GET_DEAL_DATA_COMMITMENT = 1157985802;
    /// @notice FRC-0042 method number of the market actor's GetDealProvider.
    uint64 public constant GET_DEAL_PROVIDER = 935081690;
    /// @notice FRC-0042 method number of the market actor's GetDealTerm.
    uint64 public constant GET_DEAL_TERM = 163777312;
    /// @notice FRC-0042 method number of the market actor's GetDealActivation.
    uint64 public constant GET_DEAL_ACTIVATION = 2567238399;
    /// @notice FRC-0042 method number of the miner actor's IsControllingAddress.
    uint64 public constant IS_CONTROLLING_ADDRESS = 348244887;

    /// @notice Exit code: the receiving actor does not exist (SYS_INVALID_RECEIVER).
    int256 public constant SYS_INVALID_RECEIVER = 5;
    /// @notice Exit code: bad params (USR_ILLEGAL_ARGUMENT).
    int256 public constant USR_ILLEGAL_ARGUMENT = 16;
    /// @notice Exit code: nothing found, e.g. a deal ID never used (USR_NOT_FOUND).
    int256 public constant USR_NOT_FOUND = 17;
    /// @notice Exit code: the call is not allowed, here a call that is not read-only (USR_FORBIDDEN).
    int256 public constant USR_FORBIDDEN = 18;
    /// @notice Exit code: the actor has no such method (USR_UNHANDLED_MESSAGE).
    int256 public constant USR_UNHANDLED_MESSAGE = 22;
    /// @notice Market actor exit code: the deal is no longer held, or was slashed (EX_DEAL_EXPIRED).
    int256 public constant EX_DEAL_EXPIRED = 32;

    /// @dev A deal as the market actor keeps it; `expired`: cleaned up; `slashed`: terminated and
    /// not yet cleaned up (GetDealActivation answers EX_DEAL_EXPIRED).
    struct Deal {
        bytes pieceCid;
        uint64 pieceSize;
        uint64 provider;
        int64 startEpoch;
        int64 duration;
        int64 activated;
        int64 terminated;
        bool published;
        bool expired;
        bool slashed;
    }

    mapping(uint64 => Deal) private _deals;
    mapping(uint64 => bool) private _miners;
    /// @dev miner => keccak256 of a Filecoin address in bytes => controls
    mapping(uint64 => mapping(bytes32 => bool)) private _controllers;
    /// @dev actor ID => method => exit code to fail with (0: answer normally)
    mapping(uint64 => mapping(uint64 => int256)) private _failures;
    /// @dev deal => CBOR to answer GetDealDataCommitment with instead of the encoded deal (empty: none)
    mapping(uint64 => bytes) private _commitmentAnswers;

    /// @notice The delegated call of a precompile user could not be forwarded.
    error MockActorPrecompileForwardFailed();

    // ------------------------------------------------------------------ test setup

    /**
     * @notice Publishes a deal: known to the market actor, not activated (activation and
     * termination epochs -1).
     * @param dealId the deal ID
     * @param pieceCid the piece CID, binary form
     * @param pieceSize the padded piece size, bytes
     * @param provider the miner actor ID
     * @param startEpoch the deal's first epoch
     * @param duration its length in epochs
     */
    function publishDeal(
        uint64 dealId,
        bytes calldata pieceCid,
        uint64 pieceSize,
        uint64 provider,
        int64 startEpoch,
        int64 duration
    ) external {
        _deals[dealId] = Deal({
            pieceCid: pieceCid,
            pieceSize: pieceSize,
            provider: provider,
            startEpoch: startEpoch,
            duration: duration,
            activated: -1,
            terminated: -1,
            published: true,
            expired: false,
            slashed: false
        });
    }

    /**
     * @notice Sets a published deal's activation and termination epochs (-1: not yet).
     * @param dealId the deal ID
     * @param activated the epoch its sector was proven, or -1
     * @param terminated the epoch it was terminated, or -1
     */
    function setDealActivation(uint64 dealId, int64 activated, int64 terminated) external {
        _deals[dealId].activated = activated;
        _deals[dealId].terminated = terminated;
    }

    /**
     * @notice Marks a deal as slashed (GetDealActivation answers EX_DEAL_EXPIRED) or cleaned up
     * (every getter answers EX_DEAL_EXPIRED).
     * @param dealId the deal ID
     * @param slashed whether it was terminated and is not yet cleaned up
     * @param expired whether the actor cleaned it up
     */
    function setDealGone(uint64 dealId, bool slashed, bool expired) external {
        _deals[dealId].slashed = slashed;
        _deals[dealId].expired = expired;
    }

    /**
     * @notice Creates miner actor `minerId` (if new) and makes `account`'s f410 address one of its
     * controlling addresses, or no longer one.
     * @param minerId the miner actor ID
     * @param account the EVM account
     * @param controls whether it controls the miner
     */
    function setController(uint64 minerId, address account, bool controls) external {
        _miners[minerId] = true;
        _controllers[minerId][keccak256(abi.encodePacked(hex"040a", account))] = controls;
    }

    /**
     * @notice Makes every call of `method` on actor `actorId` fail with `exitCode` (0: answer again).
     * @param actorId the actor ID
     * @param method the method number
     * @param exitCode the exit code to answer with
     */
    function setFailure(uint64 actorId, uint64 method, int256 exitCode) external {
        _failures[actorId][method] = exitCode;
    }

    /**
     * @notice Makes GetDealDataCommitment of `dealId` answer `cbor` as is (empty: the encoded deal
     * again), to try other encodings than the actor's and malformed answers.
     * @param dealId the deal ID
     * @param cbor the return value to answer with
     */
    function setDataCommitmentAnswer(uint64 dealId, bytes calldata cbor) external {
        _commitmentAnswers[dealId] = cbor;
    }

    // ------------------------------------------------------------------ the precompile

    // The precompile's calls carry no function selector: the fallback is its only entry point.
    // solhint-disable no-complex-fallback
    /**
     * @notice The precompile: answers a call of `method` on actor `actorId` (see the contract notes).
     * @param input abi.encode(uint64 method, uint256 value, uint64 flags, uint64 codec, bytes params, uint64 actorId)
     * @return abi.encode(int256 exitCode, uint64 codec, bytes returnData)
     */
    fallback(bytes calldata input) external returns (bytes memory) {
        if (address(this) != CALL_ACTOR_ID) {
            // delegated to by a precompile user: answer from the storage at the precompile address
            (bool ok, bytes memory ret) = CALL_ACTOR_ID.staticcall(input);
            if (!ok) revert MockActorPrecompileForwardFailed();
            return ret;
        }
        (uint64 method, uint256 value, uint64 flags, uint64 codec, bytes memory params, uint64 actorId) =
            abi.decode(input, (uint64, uint256, uint64, uint64, bytes, uint64));
        if (flags & READ_ONLY_FLAG == 0 || value != 0) return _fail(USR_FORBIDDEN);
        if (codec != CBOR_CODEC && codec != DAG_CBOR_CODEC) return _fail(USR_ILLEGAL_ARGUMENT);
        int256 failure = _failures[actorId][method];
        if (failure != 0) return _fail(failure);
        if (actorId == MARKET_ACTOR_ID) return _market(method, params);
        if (_miners[actorId]) return _miner(actorId, method, params);
        return _fail(SYS_INVALID_RECEIVER);
    }
    // solhint-enable no-complex-fallback

    function _market(uint64 method, bytes memory params) private view returns (bytes memory) {
        (uint256 dealIdValue, bool ok) = _readHead(params, 0);
        if (!ok || dealIdValue > type(uint64).max) return _fail(USR_ILLEGAL_ARGUMENT);
        Deal storage deal = _deals[uint64(dealIdValue)];
        if (!deal.published) return _fail(USR_NOT_FOUND);
        if (deal.expired) return _fail(EX_DEAL_EXPIRED);
        if (method == GET_DEAL_DATA_COMMITMENT) {
            bytes memory answer = _commitmentAnswers[uint64(dealIdValue)];
            if (answer.length != 0) return _ok(answer);
            bytes memory link = abi.encodePacked(hex"00", deal.pieceCid);
            return _ok(
                abi.encodePacked(_head(4, 2), _head(6, 42), _head(2, link.length), link, _head(0, deal.pieceSize))
            );
        }
        if (method == GET_DEAL_PROVIDER) return _ok(_head(0, deal.provider));
        if (method == GET_DEAL_TERM) return _ok(abi.encodePacked(_head(4, 2), _int(deal.startEpoch), _int(deal.duration)));
        if (method == GET_DEAL_ACTIVATION) {
            if (deal.slashed) return _fail(EX_DEAL_EXPIRED);
            return _ok(abi.encodePacked(_head(4, 2), _int(deal.activated), _int(deal.terminated)));
        }
        return _fail(USR_UNHANDLED_MESSAGE);
    }

    function _miner(uint64 minerId, uint64 method, bytes memory params) private view returns (bytes memory) {
        if (method != IS_CONTROLLING_ADDRESS) return _fail(USR_UNHANDLED_MESSAGE);
        // params: the address as a CBOR byte string
        (uint256 length, bool ok) = _readHead(params, 2);
        if (!ok || length == 0) return _fail(USR_ILLEGAL_ARGUMENT);
        uint256 start = params.length - length;
        bytes memory addr = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            addr[i] = params[start + i];
        }
        return _ok(_controllers[minerId][keccak256(addr)] ? bytes(hex"f5") : bytes(hex"f4"));
    }

    function _ok(bytes memory data) private pure returns (bytes memory) {
        return abi.encode(int256(0), CBOR_CODEC, data);
    }

    function _fail(int256 exitCode) private pure returns (bytes memory) {
        return abi.encode(exitCode, uint64(0), bytes(""));
    }

    /// @dev A CBOR head (RFC 8949 §3): major type and argument, in the shortest form.
    function _head(uint8 major, uint256 value) private pure returns (bytes memory) {
        bytes1 m = bytes1(major << 5);
        if (value < 24) return abi.encodePacked(m | bytes1(uint8(value)));
        if (value <= type(uint8).max) return abi.encodePacked(m | 0x18, uint8(value));
        if (value <= type(uint16).max) return abi.encodePacked(m | 0x19, uint16(value));
        if (value <= type(uint32).max) return abi.encodePacked(m | 0x1a, uint32(value));
        return abi.encodePacked(m | 0x1b, uint64(value));
    }

    /// @dev A CBOR integer: major type 0 for n >= 0, major type 1 with argument -1 - n for n < 0.
    function _int(int64 n) private pure returns (bytes memory) {
        if (n >= 0) return _head(0, uint64(n));
        return _head(1, uint64(-1 - n));
    }

    /// @dev Reads a CBOR head of `major` at the start of `data` that spans to its end (for a byte
    /// string, the head plus its bytes); returns its argument and whether it was well formed.
    function _readHead(bytes memory data, uint8 major) private pure returns (uint256 value, bool ok) {
        if (data.length == 0 || uint8(data[0]) >> 5 != major) return (0, false);
        uint8 info = uint8(data[0]) & 0x1f;
        uint256 size = info < 24 ? 0 : info < 28 ? uint256(1) << (info - 24) : 32;
        if (size == 32 || data.length < 1 + size) return (0, false);
        value = size == 0 ? info : 0;
        for (uint256 i = 0; i < size; ++i) {
            value = (value << 8) | uint8(data[1 + i]);
        }
        uint256 spans = 1 + size + (major == 2 ? value : 0);
        ok = spans == data.length;
    }
}
