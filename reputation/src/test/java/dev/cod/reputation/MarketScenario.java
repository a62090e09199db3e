package dev.cod.reputation;

import dev.cod.chain.ChainConnection;
import dev.cod.chain.DevnetOracles;
import dev.cod.chain.HardhatNode;
import dev.cod.chain.JobTerms;
import dev.cod.chain.MarketContract;
import dev.cod.chain.PostedJob;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;

/**
 * A real Hardhat chain with a fresh JobMarket, three registered and staked providers (Hardhat dev
 * accounts 11..13; the third is the one that dissents or stays silent) and a client (account 10),
 * driven through chain-adapter's {@link MarketContract}.
 */
final class MarketScenario implements AutoCloseable {
  static final BigInteger FIL = BigInteger.TEN.pow(18);
  static final BigInteger MAX_PRICE = FIL.divide(BigInteger.valueOf(100));
  static final BigInteger STAKE = FIL.divide(BigInteger.TEN);
  static final byte[] SPEC = {0x01, 0x55, 0x12, 0x20, 0x01, 0x02, 0x03};
  static final byte[] GOOD = {0x01, 0x55, 0x12, 0x20, 0x0a, 0x0b, 0x0c};
  static final byte[] BAD = {0x01, 0x55, 0x12, 0x20, 0x0d, 0x0e, 0x0f};

  final HardhatNode node;
  final ChainConnection chain;
  final ChainConnection.Deployment deployment;
  final MarketContract client;
  final List<MarketContract> providers;
  private final HttpService rpc;

  private MarketScenario(HardhatNode node) {
    this.node = node;
    this.chain = ChainConnection.open(node.rpcUrl());
    DevnetOracles oracles = DevnetOracles.deploy(chain, HardhatNode.devAccount(0));
    this.deployment = oracles.deployMarket(HardhatNode.devAccount(0));
    this.client = market(10);
    this.providers = List.of(market(11), market(12), market(13));
    this.rpc = new HttpService(node.rpcUrl());
    for (int i = 0; i < providers.size(); i++) {
      oracles.setController(1001 + i, providers.get(i).account(), true);
      providers.get(i).register(1001 + i);
      providers.get(i).stake(FIL);
    }
  }

  static MarketScenario start(Path tmp) {
    return new MarketScenario(HardhatNode.start(HardhatNode.findHardhatDir(), tmp.resolve("hardhat.log")));
  }

  MarketContract market(int account) {
    return chain.market(deployment.address(), HardhatNode.devAccount(account));
  }

  /** A 3-replica, quorum-2 fast-path job run to its end; the third provider reveals {@code thirdResult}. */
  long fastJob(byte[] thirdResult) {
    PostedJob job = client.postJob(new JobTerms(SPEC, 3, 2, MAX_PRICE, STAKE, 0, 600, 600));
    byte[][] results = {GOOD, GOOD, thirdResult};
    byte[][] salts = new byte[3][32];
    int[] index = new int[3];
    for (int i = 0; i < 3; i++) {
      salts[i][0] = (byte) (i + 1);
      salts[i][31] = (byte) job.jobId();
      MarketContract p = providers.get(i);
      index[i] = p.bid(job.jobId(), BigInteger.ZERO, 0, p.commitmentFor(job.jobId(), results[i], salts[i])).index();
    }
    for (int i = 0; i < 3; i++) {
      providers.get(i).reveal(job.jobId(), index[i], results[i], salts[i]);
    }
    return job.jobId();
  }

  /**
   * A 3-replica, quorum-2 auction (bid window 60 s, execution window 60 s): the three bid
   * {@code prices}, the third never commits and is slashed for it when the others' reveals settle.
   */
  long auctionWithSilentThird(BigInteger... prices) {
    PostedJob job = client.postJob(new JobTerms(SPEC, 3, 2, MAX_PRICE, STAKE, 60, 60, 600));
    int[] index = new int[3];
    for (int i = 0; i < 3; i++) {
      index[i] = providers.get(i).bid(job.jobId(), prices[i], 0, new byte[32]).index();
    }
    increaseTime(61);
    client.assign(job.jobId());
    byte[][] salts = new byte[2][32];
    for (int i = 0; i < 2; i++) {
      salts[i][0] = (byte) (i + 7);
      MarketContract p = providers.get(i);
      p.commit(job.jobId(), index[i], p.commitmentFor(job.jobId(), GOOD, salts[i]));
    }
    increaseTime(61);
    for (int i = 0; i < 2; i++) {
      providers.get(i).reveal(job.jobId(), index[i], GOOD, salts[i]);
    }
    return job.jobId();
  }

  void increaseTime(long seconds) {
    call("evm_increaseTime", List.of(seconds));
    call("evm_mine", List.of());
  }

  /** Hardhat's {@code evm_snapshot}: an id to {@link #revert} to. */
  String snapshot() {
    try {
      return new Request<>("evm_snapshot", List.<Object>of(), rpc, SnapshotResponse.class).send().getResult();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  void revert(String snapshot) {
    call("evm_revert", List.of(snapshot));
  }

  void mine(int blocks) {
    for (int i = 0; i < blocks; i++) {
      call("evm_mine", List.of());
    }
  }

  private void call(String method, List<Object> params) {
    try {
      AnyResponse r = new Request<>(method, params, rpc, AnyResponse.class).send();
      if (r.hasError()) {
        throw new AssertionError(method + ": " + r.getError().getMessage());
      }
    } catch (IOException e) {
      throw new AssertionError(method + " failed", e);
    }
  }

  /** Any JSON-RPC answer. */
  public static final class AnyResponse extends org.web3j.protocol.core.Response<Object> {}

  /** evm_snapshot's answer: a hex id. */
  public static final class SnapshotResponse extends org.web3j.protocol.core.Response<String> {}

  @Override
  public void close() {
    chain.close();
    node.close();
  }
}
