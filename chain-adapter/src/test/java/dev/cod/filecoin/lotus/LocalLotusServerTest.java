package dev.cod.filecoin.lotus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cod.common.CodException;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.FilecoinCid;
import dev.cod.testing.LogCapture;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real client against the stand-in over real HTTP on 127.0.0.1. */
class LocalLotusServerTest {
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.e2e-secret-lotus-token.c2lnbmF0dXJl";
  private static final BigInteger FIL = BigInteger.TEN.pow(18);
  // Test vectors from go-address address_test.go and iso-filecoin address.test.js.
  private static final FilecoinAddress WALLET =
      FilecoinAddress.parse("t1wbxhu3ypkuo6eyp6hjx6davuelxaxrvwb2kuwva");
  private static final FilecoinAddress BLS_RECEIVER = FilecoinAddress.parse(
      "t3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a");
  private static final String ETH = "0xd388ab098ed3e84c0d808776440b48f685198498";
  private static final FilecoinCid PIECE =
      FilecoinCid.parse("baga6ea4seaqhrk3pg4thkoaukss2ehqer65t3gtj7e4hku6jmkdoygnc6wzoeca");

  private LocalLotusServer server;
  private LotusClient lotus;

  @BeforeEach
  void start() {
    server = LocalLotusServer.start(TOKEN, Network.TESTNET);
    lotus = new JsonRpc4jLotusClient(server.rpcUrl(), TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static FilecoinAddress t0(long id) {
    return FilecoinAddress.id(Network.TESTNET, id);
  }

  @Test
  void listensOnLoopbackAtAnEphemeralPort() {
    URI url = server.rpcUrl();
    assertThat(url.getHost()).isEqualTo("127.0.0.1");
    assertThat(url.getPort()).isPositive();
    assertThat(url.getPath()).isEqualTo("/rpc/v1");
    assertThat(server.toString()).doesNotContain(TOKEN);
  }

  @Test
  void chainHeadAdvances() {
    assertThat(lotus.chainHead().height()).isZero();
    server.advance(5);
    TipSet head = lotus.chainHead();
    assertThat(head.height()).isEqualTo(5);
    assertThat(head.key()).isEqualTo(server.head().key());
    assertThat(head.key()).isNotEqualTo(server.setHeadEpoch(6).key());
    assertThatThrownBy(() -> server.setHeadEpoch(2)).hasMessageContaining("only moves forward");
  }

  @Test
  void dealsFollowTheirLifecycle() {
    FilecoinAddress client = t0(1100);
    FilecoinAddress miner = t0(1001);
    server.recordDeal(42, PIECE, 34359738368L, client, miner, 10, 1000);

    MarketDeal published = lotus.stateMarketStorageDeal(42, TipSetKey.EMPTY);
    assertThat(published.proposal().pieceCid()).isEqualTo(PIECE);
    assertThat(published.proposal().provider()).isEqualTo(miner);
    assertThat(published.proposal().client()).isEqualTo(client);
    assertThat(published.proposal().startEpoch()).isEqualTo(10);
    assertThat(published.proposal().endEpoch()).isEqualTo(1000);
    assertThat(published.state().isActivated()).isFalse();
    assertThat(published.isActiveAt(20)).isFalse();

    server.activateDeal(42, 7, 12);
    server.setHeadEpoch(20);
    MarketDeal active = lotus.stateMarketStorageDeal(42, lotus.chainHead().key());
    assertThat(active.state().sectorNumber()).isEqualTo(7);
    assertThat(active.state().sectorStartEpoch()).isEqualTo(12);
    assertThat(active.isActiveAt(lotus.chainHead().height())).isTrue();

    server.slashDeal(42, 30);
    MarketDeal slashed = lotus.stateMarketStorageDeal(42, TipSetKey.EMPTY);
    assertThat(slashed.state().slashEpoch()).isEqualTo(30);
    assertThat(slashed.isActiveAt(31)).isFalse();

    assertThatThrownBy(() -> lotus.stateMarketStorageDeal(43, TipSetKey.EMPTY))
        .isInstanceOfSatisfying(LotusRpcException.class, e -> {
          assertThat(e.method()).isEqualTo("Filecoin.StateMarketStorageDeal");
          assertThat(e.lotusMessage()).startsWith("deal 43 not found");
        });
  }

  @Test
  void minersAndTheirControllingAddresses() {
    MinerInfo info = new MinerInfo(t0(1100), t0(1101), List.of(t0(1102)),
        "12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf", 34359738368L, t0(1100));
    server.putMiner(t0(1001), info);
    MinerInfo read = lotus.stateMinerInfo(t0(1001), TipSetKey.EMPTY);
    assertThat(read).isEqualTo(info);
    assertThat(read.isControllingAddress(t0(1102))).isTrue();
    assertThat(read.isControllingAddress(t0(1103))).isFalse();
    assertThatThrownBy(() -> lotus.stateMinerInfo(t0(1002), TipSetKey.EMPTY))
        .isInstanceOf(LotusRpcException.class).hasMessageContaining("actor not found");
    assertThatThrownBy(() -> lotus.stateAccountKey(t0(1001), TipSetKey.EMPTY))
        .isInstanceOf(LotusRpcException.class)
        .hasMessageContaining("actor code is not account: storageminer");
  }

  @Test
  void idAndRobustAddresses() {
    FilecoinAddress id = server.addWallet(WALLET, FIL);
    assertThat(lotus.stateLookupId(WALLET, TipSetKey.EMPTY)).isEqualTo(id);
    // A mainnet-written address names the same actor.
    assertThat(lotus.stateLookupId(WALLET.withNetwork(Network.MAINNET), TipSetKey.EMPTY))
        .isEqualTo(id);
    assertThat(lotus.stateAccountKey(id, TipSetKey.EMPTY)).isEqualTo(WALLET);
    assertThatThrownBy(() -> lotus.stateLookupId(BLS_RECEIVER, TipSetKey.EMPTY))
        .isInstanceOf(LotusRpcException.class).hasMessageContaining("actor not found");

    server.putActor(t0(2000), FilecoinAddress.parse("t24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as6i"));
    assertThat(lotus.stateLookupId(
            FilecoinAddress.parse("t24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as6i"), TipSetKey.EMPTY))
        .isEqualTo(t0(2000));
  }

  @Test
  void ethereumAddresses() {
    FilecoinAddress f410f = FilecoinAddress.fromEthAddress(Network.TESTNET, ETH);
    FilecoinAddress ethAccount = server.addWallet(f410f, FIL);
    assertThat(lotus.ethAddressToFilecoinAddress(ETH).toString())
        .isEqualTo("t410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gmy");
    assertThat(lotus.ethAddressToFilecoinAddress("0xff00000000000000000000000000000000000400"))
        .isEqualTo(t0(1024));
    assertThat(lotus.filecoinAddressToEthAddress(f410f)).isEqualTo(ETH);
    assertThat(lotus.stateLookupId(f410f, TipSetKey.EMPTY)).isEqualTo(ethAccount);

    FilecoinAddress walletId = server.addWallet(WALLET, FIL);
    String masked = lotus.filecoinAddressToEthAddress(WALLET, "latest");
    assertThat(masked).startsWith("0xff0000000000000000000000");
    assertThat(FilecoinAddress.fromEthAddress(Network.TESTNET, masked)).isEqualTo(walletId);
    assertThatThrownBy(() -> lotus.filecoinAddressToEthAddress(WALLET, "yesterday"))
        .isInstanceOf(LotusRpcException.class).hasMessageContaining("invalid block param");
    assertThatThrownBy(() -> lotus.filecoinAddressToEthAddress(BLS_RECEIVER))
        .isInstanceOf(LotusRpcException.class).hasMessageContaining("actor not found");
  }

  @Test
  void pushedMessagesLandAndMoveBalances() {
    server.addWallet(WALLET, FIL);
    assertThat(lotus.walletBalance(WALLET)).isEqualTo(FIL);
    assertThat(lotus.walletBalance(BLS_RECEIVER)).isZero();
    server.advance(3);

    BigInteger tenth = FIL.divide(BigInteger.TEN);
    Message send = Message.send(WALLET, BLS_RECEIVER, tenth, Message.METHOD_SEND, new byte[0]);
    SignedMessage signed = lotus.mpoolPushMessage(send, MessageSendSpec.DEFAULT);
    Message sent = signed.message();
    assertThat(sent.nonce()).isZero();
    assertThat(sent.gasLimit()).isEqualTo(LocalLotusServer.GAS_LIMIT_ESTIMATE);
    assertThat(sent.gasPremium()).isEqualTo(LocalLotusServer.DEFAULT_GAS_PREMIUM);
    assertThat(sent.gasFeeCap()).isEqualTo(BigInteger.valueOf(250));
    assertThat(signed.cid()).isEqualTo(sent.cid());
    // Pending messages do not change the balance at the head.
    assertThat(lotus.walletBalance(WALLET)).isEqualTo(FIL);

    MsgLookup lookup = lotus.stateWaitMsg(signed.cid(), 2, -1, true);
    assertThat(lookup.message()).isEqualTo(signed.cid());
    assertThat(lookup.height()).isEqualTo(4);
    assertThat(lookup.receipt().isSuccess()).isTrue();
    assertThat(lookup.receipt().gasUsed()).isEqualTo(LocalLotusServer.GAS_USED);
    assertThat(lotus.chainHead().height()).isEqualTo(6);

    BigInteger gasCost = BigInteger.valueOf(LocalLotusServer.GAS_USED)
        .multiply(LocalLotusServer.BASE_FEE.add(LocalLotusServer.DEFAULT_GAS_PREMIUM));
    assertThat(lotus.walletBalance(WALLET)).isEqualTo(FIL.subtract(tenth).subtract(gasCost));
    assertThat(lotus.walletBalance(BLS_RECEIVER)).isEqualTo(tenth);
    FilecoinAddress created = lotus.stateLookupId(BLS_RECEIVER, TipSetKey.EMPTY);
    assertThat(lotus.stateAccountKey(created, TipSetKey.EMPTY)).isEqualTo(BLS_RECEIVER);

    SignedMessage second = lotus.mpoolPushMessage(send, MessageSendSpec.DEFAULT);
    assertThat(second.message().nonce()).isEqualTo(1);
    assertThat(second.cid()).isNotEqualTo(signed.cid());
  }

  @Test
  void pushesWithTheSameUuidAreOneMessage() {
    server.addWallet(WALLET, FIL);
    Message send = Message.send(WALLET, BLS_RECEIVER, BigInteger.ONE, 0, new byte[0]);
    MessageSendSpec spec = MessageSendSpec.idempotent(UUID.randomUUID());
    SignedMessage first = lotus.mpoolPushMessage(send, spec);
    SignedMessage again = lotus.mpoolPushMessage(send, spec);
    assertThat(again).isEqualTo(first);
    assertThat(server.pushedMessages()).hasSize(1);
  }

  @Test
  void refusedPushesAndFailedMessages() {
    server.addWallet(WALLET, FIL);
    assertThatThrownBy(() -> lotus.mpoolPushMessage(
            Message.send(WALLET, BLS_RECEIVER, FIL.multiply(BigInteger.TEN), 0, new byte[0]),
            MessageSendSpec.DEFAULT))
        .isInstanceOfSatisfying(LotusRpcException.class,
            e -> assertThat(e.lotusMessage()).startsWith("mpool push: failed to push message:"
                + " not enough funds (required: 10.00000000015625 FIL, balance: 1 FIL)"));
    assertThatThrownBy(() -> lotus.mpoolPushMessage(
            Message.send(BLS_RECEIVER, WALLET, BigInteger.ONE, 0, new byte[0]),
            MessageSendSpec.DEFAULT))
        .isInstanceOf(LotusRpcException.class).hasMessageContaining("key not found");

    SignedMessage toNobody = lotus.mpoolPushMessage(
        Message.send(WALLET, t0(99999), BigInteger.ONE, 0, new byte[0]), MessageSendSpec.DEFAULT);
    MsgLookup lookup = lotus.stateWaitMsg(toNobody.cid(), 0, -1, false);
    assertThat(lookup.receipt().exitCode()).isEqualTo(5);
    assertThat(lotus.walletBalance(t0(99999))).isZero();

    assertThatThrownBy(() -> lotus.stateWaitMsg(Message.send(WALLET, WALLET, BigInteger.TWO, 0,
            new byte[0]).cid(), 0, -1, true))
        .isInstanceOf(LotusRpcException.class).hasMessageContaining("never pushed");
  }

  @Test
  void theTokenIsRequired() throws Exception {
    LotusClient wrong = new JsonRpc4jLotusClient(server.rpcUrl(), "not-the-token");
    assertThatThrownBy(wrong::chainHead)
        .isInstanceOf(CodException.class)
        .hasMessageContaining("refused the API token")
        .hasMessageNotContaining("not-the-token");
    LotusClient none = new JsonRpc4jLotusClient(server.rpcUrl(), "");
    assertThatThrownBy(none::chainHead).hasMessageContaining("requires an API token");

    HttpResponse<String> get = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(server.rpcUrl()).header("Authorization", "Bearer " + TOKEN).GET()
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void unknownMethodsAreJsonRpcErrors() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(server.rpcUrl()).header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"Filecoin.Nope\",\"params\":[]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    var json = LotusJson.MAPPER.readTree(response.body());
    assertThat(json.path("id").asInt()).isEqualTo(7);
    assertThat(json.path("error").path("code").asInt()).isEqualTo(-32601);
  }

  @Test
  void theTokenNeverReachesALogLine() {
    List<String> lines;
    try (LogCapture logs = new LogCapture()) {
      server.addWallet(WALLET, FIL);
      SignedMessage signed = lotus.mpoolPushMessage(
          Message.send(WALLET, BLS_RECEIVER, BigInteger.ONE, 0, new byte[0]),
          MessageSendSpec.DEFAULT);
      lotus.stateWaitMsg(signed.cid(), 1, -1, true);
      lotus.chainHead();
      assertThatThrownBy(() -> lotus.stateMarketStorageDeal(1, TipSetKey.EMPTY))
          .isInstanceOf(LotusRpcException.class);
      JsonRpc4jLotusClient wrong = new JsonRpc4jLotusClient(server.rpcUrl(), TOKEN + "x");
      assertThatThrownBy(wrong::chainHead).hasMessageNotContaining(TOKEN);
      lines = logs.lines();
      logs.assertNoneContains("e2e-secret-lotus-token");
    }
    // The capture works: the push, the landing and the refused token were logged.
    assertThat(lines)
        .anyMatch(m -> m.startsWith("pushed message"))
        .anyMatch(m -> m.contains("landed at epoch"))
        .anyMatch(m -> m.contains("wrong bearer token"));
  }


  @Test
  void setUpMistakesAreClearErrors() {
    assertThatThrownBy(() -> LocalLotusServer.start("", Network.TESTNET))
        .isInstanceOf(CodException.class).hasMessageContaining("non-empty API token");
    assertThatThrownBy(() -> server.putMiner(WALLET, new MinerInfo(t0(1), t0(1), List.of(), "",
            2048, t0(1))))
        .hasMessageContaining("f0 ID address");
    assertThatThrownBy(() -> server.activateDeal(77, 1, 1)).hasMessageContaining("no deal 77");
  }
}
