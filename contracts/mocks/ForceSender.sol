// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title ForceSender
 * @notice Test double: forces the value it is deployed with into `target`, which cannot refuse it,
 * by self-destructing in its constructor (still a full transfer-and-delete under EIP-6780, since
 * the contract is created in the same transaction). Never deployed to a real network.
 */
contract ForceSender {
    constructor(address payable target) payable {
        selfdestruct(target);
    }
}
