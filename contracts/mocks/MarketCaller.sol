// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title MarketCaller
 * @notice Test double: a contract account that acts on a market (registers, stakes, bids, withdraws)
 * through {execute}. Subclasses decide what happens when FIL arrives. Never deployed to a real network.
 */
abstract contract MarketCaller {
    /// @notice The market this account acts on.
    address public immutable market;

    constructor(address market_) {
        market = market_;
    }

    /// @notice Calls the market with `data` and the value sent; bubbles up any revert unchanged.
    function execute(bytes calldata data) external payable returns (bytes memory result) {
        bool ok;
        (ok, result) = market.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
