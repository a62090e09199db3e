// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MarketCaller} from "./MarketCaller.sol";

/**
 * @title ReentrantReceiver
 * @notice Attacker double: when the market sends it FIL, it calls back into the market with the
 * calldata it was armed with (for example `withdraw()` or `withdrawStake(amount)`).
 * - `swallow == false`: a failed re-entry reverts the receive with the market's own revert data,
 *   so the market's transfer fails.
 * - `swallow == true`: a failed re-entry is recorded in {reentryError} and the FIL is accepted,
 *   so a test can read which error the market raised on the inner call.
 * Never deployed to a real network.
 */
contract ReentrantReceiver is MarketCaller {
    /// @notice Calldata sent back to the market from `receive` (empty: accept FIL quietly).
    bytes public reentryData;
    /// @notice Whether a failed re-entry is swallowed (recorded) instead of reverting the receive.
    bool public swallow;
    /// @notice Revert data of the last failed re-entry (swallow mode only).
    bytes public reentryError;
    /// @notice Re-entries that succeeded.
    uint256 public reentriesSucceeded;
    /// @notice Times FIL arrived.
    uint256 public receipts;

    constructor(address market_) MarketCaller(market_) {}

    /// @notice Arms the receiver: `data` is sent to the market on the next receipt of FIL.
    function arm(bytes calldata data, bool swallow_) external {
        reentryData = data;
        swallow = swallow_;
    }

    receive() external payable {
        receipts += 1;
        bytes memory data = reentryData;
        if (data.length == 0) return;
        delete reentryData; // one attempt per receipt chain
        (bool ok, bytes memory ret) = market.call(data);
        if (ok) {
            reentriesSucceeded += 1;
            return;
        }
        if (swallow) {
            reentryError = ret;
            return;
        }
        assembly {
            revert(add(ret, 32), mload(ret))
        }
    }
}
