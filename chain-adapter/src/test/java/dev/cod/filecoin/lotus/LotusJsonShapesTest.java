package dev.cod.filecoin.lotus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinAddress.Network;
import dev.cod.filecoin.FilecoinCid;
import dev.cod.filecoin.lotus.CannedHttpServer.Resources;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against captured Lotus JSON (see {@code src/test/resources/lotus/README.md} for each
 * document's source), in the style of web3j's RequestTester/ResponseTester: each call's request
 * must equal the "Inputs" example of the Lotus API v1 reference, and each captured response must
 * parse into the values it shows. The stand-in's JSON writers are checked against the same
 * documents' field names.
 */
class LotusJsonShapesTest {
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.captured-shapes-test-token";
  private static final FilecoinCid DOC_CID_A =
      FilecoinCid.parse("bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4");
  private static final FilecoinCid DOC_CID_B =
      FilecoinCid.parse("bafy2bzacebp3shtrn43k7g3unredz7fxn4gj533d3o43tqn2p2ipxxhrvchve");
  private static final TipSetKey DOC_TSK = TipSetKey.of(DOC_CID_A, DOC_CID_B);
  private static final FilecoinAddress F01234 = FilecoinAddress.parse("f01234");

  private CannedHttpServer lotus;
  private JsonRpc4jLotusClient client;

  @BeforeEach
  void start() {
    lotus = new CannedHttpServer();
    client = new JsonRpc4jLotusClient(lotus.rpcUrl(), TOKEN);
  }

  @AfterEach
  void stop() {
    lotus.close();
  }

  private JsonNode request() throws Exception {
    return LotusJson.MAPPER.readTree(lotus.lastBody());
  }

  private void assertRequest(String method, String paramsResource) throws Exception {
    JsonNode request = request();
    assertThat(request.path("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(request.path("method").asText()).isEqualTo(method);
    assertThat(request.has("id")).isTrue();
    assertThat(request.get("params"))
        .isEqualTo(LotusJson.MAPPER.readTree(Resources.read(paramsResource)));
    assertThat(lotus.lastAuthorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(lotus.lastPath()).isEqualTo("/rpc/v1");
  }

  private static JsonNode docResult(String resource) throws Exception {
    return LotusJson.MAPPER.readTree(Resources.read(resource)).get("result");
  }

  @Test
  void chainHead() throws Exception {
    lotus.answer("chain-head.json");
    TipSet head = client.chainHead();
    assertThat(head.height()).isEqualTo(4863283);
    assertThat(head.key().cids()).containsExactly(
        FilecoinCid.parse("bafy2bzacedo7hjsumaajt6sbor42qycvjyk6goqe4oi4o4ddsjxkdeqrqf42c"));
    JsonNode request = request();
    assertThat(request.path("method").asText()).isEqualTo("Filecoin.ChainHead");
    assertThat(request.get("params").isArray()).isTrue();
    assertThat(request.get("params")).isEmpty();
  }

  @Test
  void stateMarketStorageDealFromTheReference() throws Exception {
    lotus.answer("state-market-storage-deal.json");
    MarketDeal deal = client.stateMarketStorageDeal(5432, DOC_TSK);
    assertRequest("Filecoin.StateMarketStorageDeal", "state-market-storage-deal.request.json");
    DealProposal p = deal.proposal();
    assertThat(p.pieceCid()).isEqualTo(DOC_CID_A);
    assertThat(p.pieceSize()).isEqualTo(1032);
    assertThat(p.verifiedDeal()).isTrue();
    assertThat(p.client()).isEqualTo(F01234);
    assertThat(p.provider()).isEqualTo(F01234);
    assertThat(p.label()).isEmpty();
    assertThat(p.startEpoch()).isEqualTo(10101);
    assertThat(p.endEpoch()).isEqualTo(10101);
    assertThat(p.storagePricePerEpoch()).isZero();
    assertThat(deal.state()).isEqualTo(new DealState(9, 10101, 10101, 10101));
  }

  @Test
  void stateMarketStorageDealFromMainnet() {
    lotus.answer("state-market-storage-deal-mainnet-active.json");
    MarketDeal deal = client.stateMarketStorageDeal(5083158, TipSetKey.EMPTY);
    DealProposal p = deal.proposal();
    assertThat(p.pieceCid().toString())
        .isEqualTo("baga6ea4seaqhrk3pg4thkoaukss2ehqer65t3gtj7e4hku6jmkdoygnc6wzoeca");
    assertThat(p.pieceCid().codec()).isEqualTo(FilecoinCid.FIL_COMMITMENT_UNSEALED);
    assertThat(p.pieceSize()).isEqualTo(34359738368L);
    assertThat(p.client()).isEqualTo(FilecoinAddress.parse("f0743060"));
    assertThat(p.provider()).isEqualTo(FilecoinAddress.parse("f01240"));
    assertThat(p.label()).isEqualTo("mAXASIIejKSFu+zszukahTB2/iEE21pLlxLRQAUypJiC6Vxar");
    assertThat(p.providerCollateral()).isEqualTo(new BigInteger("6259889973909030"));
    // Captured before Lotus reported SectorNumber.
    assertThat(deal.state().sectorNumber()).isEqualTo(DealState.UNKNOWN_SECTOR);
    assertThat(deal.state().sectorStartEpoch()).isEqualTo(1681205);
    assertThat(deal.state().isSlashed()).isFalse();
    assertThat(deal.isActiveAt(1_700_000)).isTrue();
    assertThat(deal.isActiveAt(1_681_204)).isFalse(); // before activation
    assertThat(deal.isActiveAt(3_152_158)).isFalse(); // the end epoch

    lotus.answer("state-market-storage-deal-mainnet-slashed.json");
    MarketDeal slashed = client.stateMarketStorageDeal(5083158, TipSetKey.EMPTY);
    assertThat(slashed.state().slashEpoch()).isEqualTo(1696278);
    assertThat(slashed.isActiveAt(1_700_000)).isFalse();
  }

  @Test
  void dealNotFoundIsALotusErrorNamingTheMethod() {
    lotus.answer("state-market-storage-deal-not-found.json");
    assertThatThrownBy(() -> client.stateMarketStorageDeal(1_000_000, TipSetKey.EMPTY))
        .isInstanceOfSatisfying(LotusRpcException.class, e -> {
          assertThat(e.method()).isEqualTo("Filecoin.StateMarketStorageDeal");
          assertThat(e.rpcCode()).isEqualTo(1);
          assertThat(e.lotusMessage()).startsWith("deal 1000000 not found");
          assertThat(e.getMessage()).contains("Filecoin.StateMarketStorageDeal")
              .contains("deal 1000000 not found");
          assertThat(e.isRetriable()).isFalse();
        });
  }

  @Test
  void stateMinerInfo() throws Exception {
    lotus.answer("state-miner-info.json");
    MinerInfo info = client.stateMinerInfo(F01234, DOC_TSK);
    assertRequest("Filecoin.StateMinerInfo", "address-and-tipset.request.json");
    assertThat(info.owner()).isEqualTo(F01234);
    assertThat(info.worker()).isEqualTo(F01234);
    assertThat(info.controlAddresses()).containsExactly(F01234);
    assertThat(info.peerId()).isEqualTo("12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf");
    assertThat(info.sectorSize()).isEqualTo(34359738368L);
    assertThat(info.beneficiary()).isEqualTo(F01234);
    assertThat(info.isControllingAddress(FilecoinAddress.parse("t01234"))).isTrue();
    assertThat(info.isControllingAddress(FilecoinAddress.parse("f01235"))).isFalse();
  }

  @Test
  void stateLookupIdAndAccountKey() throws Exception {
    lotus.answer("state-lookup-id.json");
    assertThat(client.stateLookupId(F01234, DOC_TSK)).isEqualTo(F01234);
    assertRequest("Filecoin.StateLookupID", "address-and-tipset.request.json");
    lotus.answer("state-account-key.json");
    assertThat(client.stateAccountKey(F01234, DOC_TSK)).isEqualTo(F01234);
    assertRequest("Filecoin.StateAccountKey", "address-and-tipset.request.json");
  }

  @Test
  void ethAddressConversions() throws Exception {
    lotus.answer("eth-address-to-filecoin-address.json");
    assertThat(client.ethAddressToFilecoinAddress("0x5cbeecf99d3fdb3f25e309cc264f240bb0664031"))
        .isEqualTo(F01234);
    assertRequest("Filecoin.EthAddressToFilecoinAddress",
        "eth-address-to-filecoin-address.request.json");

    // The reference documents the parameters as (filecoinAddress, blkNum), blkNum optional.
    lotus.answer("filecoin-address-to-eth-address.json");
    assertThat(client.filecoinAddressToEthAddress(F01234))
        .isEqualTo("0x5cbeecf99d3fdb3f25e309cc264f240bb0664031");
    assertThat(request().path("method").asText()).isEqualTo("Filecoin.FilecoinAddressToEthAddress");
    assertThat(request().get("params")).isEqualTo(LotusJson.MAPPER.readTree("[\"f01234\"]"));
    client.filecoinAddressToEthAddress(F01234, "latest");
    assertThat(request().get("params"))
        .isEqualTo(LotusJson.MAPPER.readTree("[\"f01234\", \"latest\"]"));
  }

  @Test
  void walletBalance() throws Exception {
    lotus.answer("wallet-balance.json");
    assertThat(client.walletBalance(F01234)).isZero();
    assertRequest("Filecoin.WalletBalance", "wallet-balance.request.json");
    lotus.answer(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"123456789012345678901234\"}");
    assertThat(client.walletBalance(F01234)).isEqualTo(new BigInteger("123456789012345678901234"));
  }

  @Test
  void mpoolPushMessageSendsTheDocumentedMessageWithItsRealCid() throws Exception {
    lotus.answer("mpool-push-message.json");
    // The reference's example message; its "CID" is computed by Lotus's Message.Cid().
    Message message = new Message(42, F01234, F01234, 42, BigInteger.ZERO, 9, BigInteger.ZERO,
        BigInteger.ZERO, 1, "byte array".getBytes(StandardCharsets.US_ASCII));
    MessageSendSpec spec = new MessageSendSpec(BigInteger.ZERO,
        UUID.fromString("07070707-0707-0707-0707-070707070707"), true);
    SignedMessage signed = client.mpoolPushMessage(message, spec);
    assertRequest("Filecoin.MpoolPushMessage", "mpool-push-message.request.json");
    assertThat(message.cid().toString())
        .isEqualTo("bafy2bzacebbpdegvr3i4cosewthysg5xkxpqfn2wfcz6mv2hmoktwbdxkax4s");
    assertThat(signed.message()).isEqualTo(message);
    assertThat(signed.cid()).isEqualTo(message.cid());
    assertThat(signed.signature().type()).isEqualTo(Signature.BLS);
    assertThat(signed.signature().data()).isEqualTo("byte array".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void stateWaitMsg() throws Exception {
    lotus.answer("state-wait-msg.json");
    MsgLookup lookup = client.stateWaitMsg(DOC_CID_A, 42, 10101, true);
    assertRequest("Filecoin.StateWaitMsg", "state-wait-msg.request.json");
    assertThat(lookup.message()).isEqualTo(DOC_CID_A);
    assertThat(lookup.receipt().exitCode()).isZero();
    assertThat(lookup.receipt().isSuccess()).isTrue();
    assertThat(lookup.receipt().returnData()).isEqualTo("byte array".getBytes(StandardCharsets.US_ASCII));
    assertThat(lookup.receipt().gasUsed()).isEqualTo(9);
    assertThat(lookup.tipSet()).isEqualTo(DOC_TSK);
    assertThat(lookup.height()).isEqualTo(10101);
  }

  @Test
  void anAnswerInAnotherShapeNamesTheField() {
    lotus.answer(200, Resources.read("state-market-storage-deal.json")
        .replace("\"PieceSize\": 1032", "\"PieceSize\": \"1032\""));
    assertThatThrownBy(() -> client.stateMarketStorageDeal(5432, TipSetKey.EMPTY))
        .isInstanceOf(CodException.class)
        .hasMessageContaining("Filecoin.StateMarketStorageDeal")
        .hasMessageContaining("Proposal.PieceSize")
        .hasMessageContaining("expected an integer number, found \"1032\"")
        .extracting(e -> ((CodException) e).code()).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void aRefusedTokenIsAClearErrorWithoutTheToken() {
    lotus.answer(401, "");
    assertThatThrownBy(client::chainHead)
        .isInstanceOf(CodException.class)
        .isNotInstanceOf(RetriableCodException.class)
        .hasMessageContaining("refused the API token")
        .hasMessageContaining("Filecoin.ChainHead")
        .hasMessageNotContaining(TOKEN)
        .hasMessageNotContaining("captured-shapes-test-token");
    assertThat(client.toString()).doesNotContain(TOKEN).contains("token set");
  }

  @Test
  void transportFailuresAreRetriable() throws Exception {
    lotus.answer(502, "<html>bad gateway</html>");
    assertThatThrownBy(client::chainHead)
        .isInstanceOf(RetriableCodException.class)
        .hasMessageContaining("HTTP 502");

    lotus.answer("chain-head.json").delay(Duration.ofMillis(1500));
    JsonRpc4jLotusClient impatient = new JsonRpc4jLotusClient(lotus.rpcUrl(), TOKEN,
        Duration.ofMillis(200), Duration.ofMillis(200));
    assertThatThrownBy(impatient::chainHead)
        .isInstanceOf(RetriableCodException.class)
        .hasMessageContaining("did not answer Filecoin.ChainHead");

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    JsonRpc4jLotusClient nowhere =
        new JsonRpc4jLotusClient(URI.create("http://127.0.0.1:" + closedPort + "/rpc/v1"), TOKEN);
    assertThatThrownBy(nowhere::chainHead)
        .isInstanceOfSatisfying(RetriableCodException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAIN_UNAVAILABLE))
        .hasMessageContaining("could not reach Lotus")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void badInputFailsBeforeTheNetwork() {
    assertThatThrownBy(() -> client.ethAddressToFilecoinAddress("0x1234"))
        .isInstanceOf(CodException.class).hasMessageContaining("0x + 40 hex digits");
    assertThatThrownBy(() -> client.stateMarketStorageDeal(-1, TipSetKey.EMPTY))
        .hasMessageContaining("deal ID >= 0");
    assertThat(lotus.lastBody()).isNull();
  }

  // The stand-in writes these shapes: its field names must be Lotus's.
  @Test
  void theStandInWritesTheReferenceFieldNames() throws Exception {
    JsonNode deal = docResult("state-market-storage-deal.json");
    assertThat(fieldPaths(LotusJson.marketDealJson(LotusJson.marketDeal(deal), Network.MAINNET)))
        .isEqualTo(fieldPaths(deal));

    JsonNode signed = docResult("mpool-push-message.json");
    JsonNode written = reparse(
        LotusJson.signedMessageJson(LotusJson.signedMessage(signed), Network.MAINNET));
    assertThat(written).isEqualTo(signed);

    JsonNode lookup = docResult("state-wait-msg.json");
    Set<String> writtenLookup = fieldPaths(LotusJson.msgLookupJson(LotusJson.msgLookup(lookup)));
    assertThat(writtenLookup).isEqualTo(fieldPaths(lookup));

    JsonNode miner = docResult("state-miner-info.json");
    assertThat(fieldPaths(miner))
        .containsAll(fieldPaths(LotusJson.minerInfoJson(LotusJson.minerInfo(miner), Network.MAINNET)));

    JsonNode head = docResult("chain-head.json");
    JsonNode writtenHead = reparse(LotusJson.tipSetJson(LotusJson.tipSet(head)));
    assertThat(iterable(writtenHead.fieldNames())).containsExactlyElementsOf(iterable(head.fieldNames()));
    assertThat(writtenHead.get("Cids")).isEqualTo(head.get("Cids"));
    assertThat(writtenHead.get("Height")).isEqualTo(head.get("Height"));
  }

  private static Set<String> fieldPaths(JsonNode node) {
    Set<String> out = new TreeSet<>();
    collect(node, "", out);
    return out;
  }

  private static void collect(JsonNode node, String prefix, Set<String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        // A CID link {"/": …} is a leaf: whether a field holds one or null is not a name.
        if (!e.getKey().equals("/")) {
          String path = prefix + "/" + e.getKey();
          out.add(path);
          collect(e.getValue(), path, out);
        }
      });
    }
  }

  private static JsonNode reparse(JsonNode node) throws Exception {
    return LotusJson.MAPPER.readTree(node.toString());
  }

  private static <T> Iterable<T> iterable(Iterator<T> it) {
    java.util.List<T> list = new java.util.ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }
}
