package dev.cod.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.chain.EstimatingTransactionManager.Sent;
import dev.cod.chain.TxStore.Attempt;
import dev.cod.chain.TxStore.StoredTx;
import dev.cod.common.ContractRevertedException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import dev.cod.store.H2Database;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint96;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;

/**
 * The transaction manager against a real {@code hardhat node}: concurrent sends from one account, a
 * stuck transaction replaced across a restart (automine off), confirmations, a revert when mined,
 * and the endpoint going away behind a {@link FlakyProxy}.
 */
class TransactionManagerIT {
  private static final BigInteger FIL = BigInteger.TEN.pow(18);
  private static HardhatNode node;
  private static ChainConnection chain;
  private static Web3jService admin;

  @BeforeAll
  static void startChain(@TempDir Path tmp) {
    node = HardhatNode.start(HardhatNode.findHardhatDir(), tmp.resolve("hardhat.log"));
    chain = ChainConnection.open(node.rpcUrl());
    admin = new HttpService(node.rpcUrl());
  }

  @AfterAll
  static void stopChain() {
    if (chain != null) {
      chain.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void manySendsFromOneAccountAtOnceTakeConsecutiveNoncesAndEachLandsOnce() throws Exception {
    Credentials account = HardhatNode.devAccount(3);
    EstimatingTransactionManager tm = chain.transactionManager(account);
    assertThat(chain.transactionManager(HardhatNode.devAccount(3))).as("one manager per account").isSameAs(tm);
    String to = freshAddress();
    long start = nonce(account.getAddress(), DefaultBlockParameterName.LATEST);
    int sends = 80;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<TransactionReceipt>> futures = new ArrayList<>();
      for (int i = 0; i < sends; i++) {
        futures.add(pool.submit(() -> tm.execute(to, "0x", BigInteger.ONE)));
      }
      Set<Long> nonces = new HashSet<>();
      for (Future<TransactionReceipt> f : futures) {
        TransactionReceipt r = f.get(120, TimeUnit.SECONDS);
        assertThat(r.isStatusOK()).isTrue();
        nonces.add(chain.web3j().ethGetTransactionByHash(r.getTransactionHash()).send().getTransaction()
            .orElseThrow().getNonce().longValueExact());
      }
      Set<Long> expected = new HashSet<>();
      for (long n = start; n < start + sends; n++) {
        expected.add(n);
      }
      assertThat(nonces).isEqualTo(expected);
    } finally {
      pool.shutdownNow();
    }
    assertThat(nonce(account.getAddress(), DefaultBlockParameterName.LATEST)).isEqualTo(start + sends);
    assertThat(balance(to)).isEqualTo(BigInteger.valueOf(sends));
    assertThat(chain.txStore().unfinished(account.getAddress())).isEmpty();
  }

  @Test
  void aStuckTransactionIsReplacedWithTheSameNonceAndHigherFeesAfterARestart(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("tx");
    SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    TxConfig config = TxConfig.DEVNET.withReplacementTimeout(Duration.ofMinutes(1)).withReceiptTimeout(Duration.ofHours(1));
    Credentials account = HardhatNode.devAccount(4);
    String to = freshAddress();
    BigInteger value = BigInteger.valueOf(1000);
    long start = nonce(account.getAddress(), DefaultBlockParameterName.LATEST);
    setAutomine(false);
    try {
      Sent first;
      try (H2Database db = H2Database.open(file);
          ChainConnection c = ChainConnection.open(node.rpcUrl(), config, db, clock)) {
        first = c.transactionManager(account).submit(to, "0x", value);
      } // the process ends before its transaction is mined
      assertThat(first.nonce()).isEqualTo(start);
      assertThat(inMempool(first.hash())).isTrue();

      try (H2Database db = H2Database.open(file);
          ChainConnection c = ChainConnection.open(node.rpcUrl(), config, db, clock)) {
        EstimatingTransactionManager tm = c.transactionManager(account);
        CompletableFuture<TransactionReceipt> again = CompletableFuture.supplyAsync(() -> tm.execute(to, "0x", value));
        clock.advance(Duration.ofMinutes(1));
        waitUntil("a replacement is stored", () -> c.txStore().get(account.getAddress(), start)
            .map(t -> t.attempts().size() == 2).orElse(false));
        StoredTx stored = c.txStore().get(account.getAddress(), start).orElseThrow();
        Attempt old = stored.attempts().get(0);
        Attempt replacement = stored.attempts().get(1);
        assertThat(replacement.maxFeePerGas().multiply(BigInteger.valueOf(100)))
            .isGreaterThan(old.maxFeePerGas().multiply(BigInteger.valueOf(125)));
        assertThat(replacement.maxPriorityFeePerGas().multiply(BigInteger.valueOf(100)))
            .isGreaterThan(old.maxPriorityFeePerGas().multiply(BigInteger.valueOf(125)));
        assertThat(inMempool(replacement.hash())).isTrue();
        assertThat(nonce(account.getAddress(), DefaultBlockParameterName.PENDING))
            .as("the replacement took the nonce's place; nothing new was queued").isEqualTo(start + 1);

        mine();
        TransactionReceipt receipt = again.get(60, TimeUnit.SECONDS);
        assertThat(receipt.getTransactionHash()).isEqualTo(replacement.hash());
        assertThat(nonce(account.getAddress(), DefaultBlockParameterName.LATEST)).isEqualTo(start + 1);
        assertThat(balance(to)).as("paid once").isEqualTo(value);
        assertThat(c.txStore().all(account.getAddress())).singleElement()
            .satisfies(t -> assertThat(t.state()).isEqualTo(TxStore.State.MINED));
      }
    } finally {
      setAutomine(true);
    }
  }

  @Test
  void aReceiptIsTrustedOnlyAfterTheConfiguredConfirmations(@TempDir Path tmp) throws Exception {
    AtomicInteger polls = new AtomicInteger();
    RetryPolicy.Sleeper counting = d -> {
      polls.incrementAndGet();
      Thread.sleep(5);
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (H2Database db = H2Database.open(tmp.resolve("tx"))) {
      EstimatingTransactionManager tm = new EstimatingTransactionManager(chain.web3j(), HardhatNode.devAccount(7),
          chain.chainId(), RevertDecoder.forJobMarket(), TxConfig.DEVNET.withConfirmations(2), new TxStore(db),
          Clock.systemUTC(), counting);
      Future<TransactionReceipt> f = pool.submit(() -> tm.execute(freshAddress(), "0x", BigInteger.ONE));
      // automine: mined at once, but not yet trusted
      waitUntil("three polls", () -> polls.get() >= 3);
      assertThat(f).isNotDone();
      mine();
      int seen = polls.get();
      waitUntil("three more polls", () -> polls.get() >= seen + 3);
      assertThat(f).isNotDone();
      mine();
      TransactionReceipt r = f.get(30, TimeUnit.SECONDS);
      assertThat(chain.blockNumber() - r.getBlockNumber().longValueExact()).isGreaterThanOrEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTransactionThatRevertsWhenMinedReportsTheContractsCustomError() throws Exception {
    DevnetOracles oracles = DevnetOracles.deploy(chain, HardhatNode.devAccount(0));
    String market = oracles.deployMarket(HardhatNode.devAccount(0)).address();
    Credentials provider = HardhatNode.devAccount(11);
    oracles.setController(4011, provider.getAddress(), true);
    MarketContract asProvider = chain.market(market, provider);
    asProvider.register(4011);
    asProvider.stake(FIL);
    BigInteger maxPrice = FIL.divide(BigInteger.valueOf(100));
    long jobId = chain.market(market, HardhatNode.devAccount(10)).postJob(new JobTerms(
        new byte[] {0x01, 0x55, 0x12, 0x01, 0x00}, 1, 1, maxPrice, FIL.divide(BigInteger.TEN), 60, 600, 600)).jobId();
    EstimatingTransactionManager tm = chain.transactionManager(provider);
    String bid = FunctionEncoder.encode(new Function("bid", List.of(new Uint256(jobId), new Uint96(maxPrice),
        new Uint64(0), new Bytes32(new byte[32])), List.of()));
    setAutomine(false);
    try {
      // estimated while the bid window is open; mined in a block after it closed
      Sent sent = tm.submit(market, bid, BigInteger.ZERO);
      hardhat("evm_increaseTime", 3600);
      mine();
      assertThatThrownBy(() -> tm.await(sent)).isInstanceOfSatisfying(ContractRevertedException.class, e -> {
        assertThat(e.errorName()).isEqualTo("JobMarketBidWindowClosed");
        assertThat(e.arguments().get(0)).isEqualTo(BigInteger.valueOf(jobId));
      });
      TransactionReceipt mined = chain.web3j().ethGetTransactionReceipt(sent.hash()).send().getTransactionReceipt()
          .orElseThrow();
      assertThat(mined.isStatusOK()).as("it was mined, and failed").isFalse();
      assertThat(chain.txStore().get(provider.getAddress(), sent.nonce()).orElseThrow().state())
          .isEqualTo(TxStore.State.REVERTED);
    } finally {
      setAutomine(true);
    }
  }

  @Test
  void aNonceTheChainForgetsInAReorgIsUsedAgainWithoutLeavingAGap() throws Exception {
    Credentials account = HardhatNode.devAccount(8);
    EstimatingTransactionManager tm = chain.transactionManager(account);
    String a = freshAddress();
    String b = freshAddress();
    String snapshot = new Request<>("evm_snapshot", List.of(), admin, SnapshotResponse.class).send().getResult();
    long forgotten = txNonce(tm.execute(a, "0x", BigInteger.ONE).getTransactionHash());
    hardhat("evm_revert", snapshot);
    assertThat(balance(a)).as("the chain forgot it").isZero();
    TransactionReceipt next = tm.execute(b, "0x", BigInteger.ONE);
    assertThat(txNonce(next.getTransactionHash())).isEqualTo(forgotten);
    assertThat(balance(b)).isEqualTo(BigInteger.ONE);
  }

  @Test
  void aReceiptWhoseBlockIsReorganizedAwayBeforeItsConfirmationsIsNotTrusted(@TempDir Path tmp) throws Exception {
    AtomicInteger polls = new AtomicInteger();
    RetryPolicy.Sleeper counting = d -> {
      polls.incrementAndGet();
      Thread.sleep(5);
    };
    SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    Credentials account = HardhatNode.devAccount(9);
    String to = freshAddress();
    long start = nonce(account.getAddress(), DefaultBlockParameterName.LATEST);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (H2Database db = H2Database.open(tmp.resolve("tx"))) {
      TxStore store = new TxStore(db);
      EstimatingTransactionManager tm = new EstimatingTransactionManager(chain.web3j(), account, chain.chainId(),
          RevertDecoder.forJobMarket(), TxConfig.DEVNET.withConfirmations(2).withReplacementTimeout(Duration.ofMinutes(1)),
          store, clock, counting);
      String snapshot = new Request<>("evm_snapshot", List.of(), admin, SnapshotResponse.class).send().getResult();
      Future<TransactionReceipt> f = pool.submit(() -> tm.execute(to, "0x", BigInteger.ONE));
      waitUntil("three polls", () -> polls.get() >= 3);
      assertThat(f).as("mined at once, not yet confirmed").isNotDone();
      hardhat("evm_revert", snapshot); // its block is gone, and the transaction with it
      clock.advance(Duration.ofMinutes(1));
      int seen = polls.get();
      waitUntil("three more polls", () -> polls.get() >= seen + 3);
      mine();
      mine();
      TransactionReceipt r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.getTransactionHash())
          .isIn(store.get(account.getAddress(), start).orElseThrow().attempts().stream().map(Attempt::hash).toList());
      assertThat(chain.blockNumber() - r.getBlockNumber().longValueExact()).isGreaterThanOrEqualTo(2);
      assertThat(nonce(account.getAddress(), DefaultBlockParameterName.LATEST)).isEqualTo(start + 1);
      assertThat(balance(to)).as("paid once").isEqualTo(BigInteger.ONE);
    } finally {
      pool.shutdownNow();
    }
  }

  /** evm_snapshot's answer: a hex id. */
  public static final class SnapshotResponse extends org.web3j.protocol.core.Response<String> {}

  @Test
  void theEndpointGoingAwayGivesAClearErrorAfterTheRetryBudgetAndNothingIsSentTwice(@TempDir Path tmp)
      throws Exception {
    RetryPolicy budget = new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100));
    try (FlakyProxy proxy = new FlakyProxy(node.rpcUrl());
        H2Database db = H2Database.open(tmp.resolve("tx"));
        ChainConnection c = ChainConnection.open(proxy.url(), TxConfig.DEVNET.withRetry(budget), db)) {
      Credentials account = HardhatNode.devAccount(6);
      String from = account.getAddress();
      EstimatingTransactionManager tm = c.transactionManager(account);
      String a = freshAddress();
      String b = freshAddress();
      BigInteger seven = BigInteger.valueOf(7);
      long start = nonce(from, DefaultBlockParameterName.LATEST);
      tm.execute(a, "0x", BigInteger.ONE);

      // 1. nothing listens: a clear error once the budget is spent, nothing sent
      proxy.stop();
      assertThatThrownBy(() -> tm.execute(b, "0x", seven)).isInstanceOfSatisfying(RetriableCodException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.CHAIN_UNAVAILABLE);
        assertThat(e.getMessage()).contains("nothing was sent", proxy.url(), "failed 4 time(s)");
      });
      assertThat(nonce(from, DefaultBlockParameterName.PENDING)).isEqualTo(start + 1);

      // 2. back, but every eth_sendRawTransaction is cut on the way: stored, not delivered, said so
      proxy.start();
      proxy.mode(FlakyProxy.Mode.DROP_SENDS);
      proxy.takeSendsSeen();
      assertThatThrownBy(() -> tm.execute(b, "0x", seven)).isInstanceOfSatisfying(RetriableCodException.class,
          e -> assertThat(e.getMessage()).contains("is stored but could not be handed", "make the same call again",
              "failed 4 time(s)"));
      assertThat(proxy.takeSendsSeen()).as("bounded: exactly the retry budget").isEqualTo(4);
      assertThat(nonce(from, DefaultBlockParameterName.PENDING)).isEqualTo(start + 1);
      StoredTx stuck = c.txStore().get(from, start + 1).orElseThrow();

      // 3. all back: another call first sends the stored one under its own nonce (no gap), then its own
      proxy.mode(FlakyProxy.Mode.PASS);
      TransactionReceipt other = tm.execute(a, "0x", BigInteger.ONE);
      assertThat(txNonce(other.getTransactionHash())).isEqualTo(start + 2);
      assertThat(balance(b)).isEqualTo(seven);

      // 4. the same call again adopts the stored transaction: its receipt, nothing sent anew
      TransactionReceipt adopted = tm.execute(b, "0x", seven);
      assertThat(adopted.getTransactionHash()).isEqualTo(stuck.latest().hash());
      assertThat(balance(b)).as("paid once").isEqualTo(seven);
      assertThat(nonce(from, DefaultBlockParameterName.LATEST)).isEqualTo(start + 3);

      // 5. the answer to a send is lost after the chain took it: the retry is read as "already in"
      proxy.takeSendsSeen();
      proxy.mode(FlakyProxy.Mode.CUT_ONE_SEND_RESPONSE);
      TransactionReceipt once = tm.execute(b, "0x", seven);
      assertThat(proxy.takeSendsSeen()).as("the lost answer's request and its retry").isEqualTo(2);
      assertThat(txNonce(once.getTransactionHash())).isEqualTo(start + 3);
      assertThat(balance(b)).as("paid twice in all, once per call").isEqualTo(seven.shiftLeft(1));
      assertThat(nonce(from, DefaultBlockParameterName.LATEST)).isEqualTo(start + 4);
      assertThat(c.txStore().unfinished(from)).isEmpty();
    }
  }

  private static String freshAddress() {
    try {
      return Keys.toChecksumAddress(Credentials.create(Keys.createEcKeyPair()).getAddress());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long nonce(String account, DefaultBlockParameterName block) throws Exception {
    return chain.web3j().ethGetTransactionCount(account, block).send().getTransactionCount().longValueExact();
  }

  private static long txNonce(String hash) throws Exception {
    return chain.web3j().ethGetTransactionByHash(hash).send().getTransaction().orElseThrow().getNonce()
        .longValueExact();
  }

  private static BigInteger balance(String account) throws Exception {
    return chain.web3j().ethGetBalance(account, DefaultBlockParameterName.LATEST).send().getBalance();
  }

  /** Known to the node and not mined. */
  private static boolean inMempool(String hash) throws Exception {
    var tx = chain.web3j().ethGetTransactionByHash(hash).send().getTransaction();
    return tx.isPresent() && tx.get().getBlockHash() == null;
  }

  private static void setAutomine(boolean on) throws Exception {
    hardhat("evm_setAutomine", on);
  }

  private static void mine() throws Exception {
    hardhat("evm_mine");
  }

  private static void hardhat(String method, Object... params) throws Exception {
    VoidResponse r = new Request<>(method, List.of(params), admin, VoidResponse.class).send();
    assertThat(Optional.ofNullable(r.getError()).map(e -> e.getMessage())).as(method).isEmpty();
  }

  /** Waits for a condition the code under test brings about on another thread (not an assertion). */
  private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }
}
