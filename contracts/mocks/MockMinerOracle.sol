// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IMinerOracle} from "../interfaces/IMinerOracle.sol";

/**
 * @title MockMinerOracle
 * @author cod
 * @notice Test double of {IMinerOracle} for Hardhat chains and the local devnet: its deployer says
 * which accounts control which miner actor IDs. Never deployed to a real network.
 */
contract MockMinerOracle is IMinerOracle {
    /// @notice The only account that may set controllers.
    address public immutable DEPLOYER;
    mapping(uint64 => mapping(address => bool)) private _controls;

    /**
     * @notice `account` now does (or no longer does) control miner `minerId`.
     * @param minerId the miner actor ID
     * @param account the EVM account
     * @param controls whether it controls the miner
     */
    event ControllerSet(uint64 indexed minerId, address indexed account, bool controls);

    /**
     * @notice Only the deployer may set controllers.
     * @param caller the account that tried
     */
    error MockMinerOracleNotDeployer(address caller);

    /// @notice Deploys the double; the deployer sets controllers.
    constructor() {
        DEPLOYER = msg.sender;
    }

    /**
     * @notice Makes `account` a controlling address of miner `minerId`, or no longer one.
     * @param minerId the miner actor ID
     * @param account the EVM account
     * @param controls whether it controls the miner
     */
    function setController(uint64 minerId, address account, bool controls) external {
        if (msg.sender != DEPLOYER) revert MockMinerOracleNotDeployer(msg.sender);
        _controls[minerId][account] = controls;
        emit ControllerSet(minerId, account, controls);
    }

    /// @inheritdoc IMinerOracle
    function isControllingAddress(uint64 minerId, address account) external view returns (bool controls) {
        return _controls[minerId][account];
    }
}
