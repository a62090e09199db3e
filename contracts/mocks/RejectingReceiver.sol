// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MarketCaller} from "./MarketCaller.sol";

/**
 * @title RejectingReceiver
 * @notice Hostile-payee double: a client or provider account that refuses FIL, either by
 * reverting (`burnGas == false`) or by burning all the gas it is given (`burnGas == true`).
 * Never deployed to a real network.
 */
contract RejectingReceiver is MarketCaller {
    /// @notice Raised when FIL arrives in revert mode.
    error RejectingReceiverRefused(uint256 amount);

    /// @notice True: loop until out of gas; false: revert.
    bool public immutable burnGas;

    constructor(address market_, bool burnGas_) MarketCaller(market_) {
        burnGas = burnGas_;
    }

    receive() external payable {
        if (burnGas) {
            uint256 i;
            while (true) {
                unchecked {
                    ++i;
                }
            }
        }
        revert RejectingReceiverRefused(msg.value);
    }
}
