package dev.cod.filecoin.lotus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.filecoin.FilecoinAddress;
import dev.cod.filecoin.FilecoinCid;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Lotus's JSON forms of cod's Lotus values, both ways, in one place: the client reads answers
 * with it and {@link LocalLotusServer} writes them, so the two cannot drift apart.
 *
 * <p>Conventions of Lotus's JSON (Lotus API v1 reference, documentation/en/api-methods-v1-stable.md):
 * field names in PascalCase as in the Go structs; CIDs as {@code {"/": "bafy…"}}; addresses as
 * strings; token amounts and other big integers as decimal strings; epochs, sizes and gas as JSON
 * numbers; byte arrays as standard base64 strings (or {@code null} when empty).
 *
 * <p>Decoding errors are {@link CodException} {@code INVALID_INPUT} naming the field, what was
 * expected and what was found.
 */
final class LotusJson {
  /** The mapper for Lotus JSON; thread-safe. */
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private LotusJson() {}

  // ---------------------------------------------------------------- decoding

  static TipSet tipSet(JsonNode node) {
    requireObject(node, "ChainHead");
    return new TipSet(tipSetKey(node.get("Cids"), "Cids"), longField(node, "Height"));
  }

  static TipSetKey tipSetKey(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return TipSetKey.EMPTY;
    }
    if (!node.isArray()) {
      throw mismatch(field, "an array of {\"/\": CID}", node);
    }
    List<FilecoinCid> cids = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      cids.add(cid(node.get(i), field + "[" + i + "]"));
    }
    return new TipSetKey(cids);
  }

  static MarketDeal marketDeal(JsonNode node) {
    requireObject(node, "MarketDeal");
    JsonNode p = node.get("Proposal");
    requireObject(p, "Proposal");
    DealProposal proposal = new DealProposal(
        cid(p.get("PieceCID"), "Proposal.PieceCID"),
        longField(p, "PieceSize", "Proposal.PieceSize"),
        booleanField(p, "VerifiedDeal", "Proposal.VerifiedDeal"),
        address(p.get("Client"), "Proposal.Client"),
        address(p.get("Provider"), "Proposal.Provider"),
        stringField(p, "Label", "Proposal.Label"),
        longField(p, "StartEpoch", "Proposal.StartEpoch"),
        longField(p, "EndEpoch", "Proposal.EndEpoch"),
        bigInt(p.get("StoragePricePerEpoch"), "Proposal.StoragePricePerEpoch"),
        bigInt(p.get("ProviderCollateral"), "Proposal.ProviderCollateral"),
        bigInt(p.get("ClientCollateral"), "Proposal.ClientCollateral"));
    JsonNode s = node.get("State");
    requireObject(s, "State");
    JsonNode sector = s.get("SectorNumber");
    DealState state = new DealState(
        sector == null || sector.isNull()
            ? DealState.UNKNOWN_SECTOR : longValue(sector, "State.SectorNumber"),
        longField(s, "SectorStartEpoch", "State.SectorStartEpoch"),
        longField(s, "LastUpdatedEpoch", "State.LastUpdatedEpoch"),
        longField(s, "SlashEpoch", "State.SlashEpoch"));
    return new MarketDeal(proposal, state);
  }

  static MinerInfo minerInfo(JsonNode node) {
    requireObject(node, "MinerInfo");
    FilecoinAddress owner = address(node.get("Owner"), "Owner");
    JsonNode controls = node.get("ControlAddresses");
    List<FilecoinAddress> controlAddresses = new ArrayList<>();
    if (controls != null && !controls.isNull()) {
      if (!controls.isArray()) {
        throw mismatch("ControlAddresses", "an array of addresses", controls);
      }
      for (int i = 0; i < controls.size(); i++) {
        controlAddresses.add(address(controls.get(i), "ControlAddresses[" + i + "]"));
      }
    }
    JsonNode peer = node.get("PeerId");
    JsonNode beneficiary = node.get("Beneficiary");
    return new MinerInfo(
        owner,
        address(node.get("Worker"), "Worker"),
        controlAddresses,
        peer == null || peer.isNull() ? "" : text(peer, "PeerId"),
        longField(node, "SectorSize"),
        beneficiary == null || beneficiary.isNull() ? owner : address(beneficiary, "Beneficiary"));
  }

  static Message message(JsonNode node, String field) {
    requireObject(node, field);
    return new Message(
        longField(node, "Version", field + ".Version"),
        address(node.get("To"), field + ".To"),
        address(node.get("From"), field + ".From"),
        longField(node, "Nonce", field + ".Nonce"),
        bigInt(node.get("Value"), field + ".Value"),
        longField(node, "GasLimit", field + ".GasLimit"),
        bigInt(node.get("GasFeeCap"), field + ".GasFeeCap"),
        bigInt(node.get("GasPremium"), field + ".GasPremium"),
        longField(node, "Method", field + ".Method"),
        base64(node.get("Params"), field + ".Params"));
  }

  static MessageSendSpec sendSpec(JsonNode node) {
    if (node == null || node.isNull()) {
      return MessageSendSpec.DEFAULT;
    }
    requireObject(node, "MessageSendSpec");
    JsonNode maxFee = node.get("MaxFee");
    JsonNode uuid = node.get("MsgUuid");
    JsonNode maximize = node.get("MaximizeFeeCap");
    UUID msgUuid;
    try {
      msgUuid = uuid == null || uuid.isNull() ? MessageSendSpec.NIL_UUID
          : UUID.fromString(text(uuid, "MsgUuid"));
    } catch (IllegalArgumentException e) {
      throw mismatch("MsgUuid", "a UUID", uuid);
    }
    return new MessageSendSpec(
        maxFee == null || maxFee.isNull() ? BigInteger.ZERO : bigInt(maxFee, "MaxFee"),
        msgUuid,
        maximize != null && maximize.asBoolean(false));
  }

  static SignedMessage signedMessage(JsonNode node) {
    requireObject(node, "SignedMessage");
    JsonNode sig = node.get("Signature");
    requireObject(sig, "Signature");
    return new SignedMessage(
        message(node.get("Message"), "Message"),
        new Signature((int) longField(sig, "Type", "Signature.Type"),
            base64(sig.get("Data"), "Signature.Data")),
        cid(node.get("CID"), "CID"));
  }

  static MsgLookup msgLookup(JsonNode node) {
    requireObject(node, "MsgLookup");
    JsonNode r = node.get("Receipt");
    requireObject(r, "Receipt");
    return new MsgLookup(
        cid(node.get("Message"), "Message"),
        new Receipt(longField(r, "ExitCode", "Receipt.ExitCode"),
            base64(r.get("Return"), "Receipt.Return"),
            longField(r, "GasUsed", "Receipt.GasUsed")),
        tipSetKey(node.get("TipSet"), "TipSet"),
        longField(node, "Height"));
  }

  static FilecoinAddress address(JsonNode node, String field) {
    if (node == null || !node.isTextual()) {
      throw mismatch(field, "a Filecoin address string", node);
    }
    try {
      return FilecoinAddress.parse(node.asText());
    } catch (CodException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "field '" + field + "': " + e.getMessage(), e);
    }
  }

  static FilecoinCid cid(JsonNode node, String field) {
    JsonNode link = node == null ? null : node.get("/");
    if (node == null || !node.isObject() || node.size() != 1 || link == null || !link.isTextual()) {
      throw mismatch(field, "a CID as {\"/\": \"bafy…\"}", node);
    }
    try {
      return FilecoinCid.parse(link.asText());
    } catch (CodException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "field '" + field + "': " + e.getMessage(), e);
    }
  }

  static BigInteger bigInt(JsonNode node, String field) {
    if (node == null || !node.isTextual() || !node.asText().matches("-?[0-9]{1,78}")) {
      throw mismatch(field, "a big integer as a decimal string, e.g. \"1000\"", node);
    }
    return new BigInteger(node.asText());
  }

  static long longValue(JsonNode node, String field) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw mismatch(field, "an integer number", node);
    }
    return node.asLong();
  }

  static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual()) {
      throw mismatch(field, "a string", node);
    }
    return node.asText();
  }

  static byte[] base64(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return new byte[0];
    }
    if (!node.isTextual()) {
      throw mismatch(field, "base64 bytes as a string, or null", node);
    }
    try {
      return Base64.getDecoder().decode(node.asText());
    } catch (IllegalArgumentException e) {
      throw mismatch(field, "standard base64", node);
    }
  }

  // ---------------------------------------------------------------- encoding

  static ObjectNode tipSetJson(TipSet tipSet) {
    ObjectNode node = MAPPER.createObjectNode();
    node.set("Cids", tipSetKeyJson(tipSet.key()));
    // The stand-in has no block headers; cod reads only Cids and Height.
    node.set("Blocks", MAPPER.createArrayNode());
    node.put("Height", tipSet.height());
    return node;
  }

  static ArrayNode tipSetKeyJson(TipSetKey key) {
    ArrayNode array = MAPPER.createArrayNode();
    key.cids().forEach(c -> array.add(cidJson(c)));
    return array;
  }

  static ObjectNode cidJson(FilecoinCid cid) {
    return MAPPER.createObjectNode().put("/", cid.toString());
  }

  static ObjectNode marketDealJson(MarketDeal deal, FilecoinAddress.Network network) {
    DealProposal p = deal.proposal();
    ObjectNode proposal = MAPPER.createObjectNode();
    proposal.set("PieceCID", cidJson(p.pieceCid()));
    proposal.put("PieceSize", p.pieceSize());
    proposal.put("VerifiedDeal", p.verifiedDeal());
    proposal.put("Client", p.client().withNetwork(network).toString());
    proposal.put("Provider", p.provider().withNetwork(network).toString());
    proposal.put("Label", p.label());
    proposal.put("StartEpoch", p.startEpoch());
    proposal.put("EndEpoch", p.endEpoch());
    proposal.put("StoragePricePerEpoch", p.storagePricePerEpoch().toString());
    proposal.put("ProviderCollateral", p.providerCollateral().toString());
    proposal.put("ClientCollateral", p.clientCollateral().toString());
    DealState s = deal.state();
    ObjectNode state = MAPPER.createObjectNode();
    // Lotus writes 0 for a deal not yet in a sector; -1 is cod's "not reported".
    state.put("SectorNumber", Math.max(s.sectorNumber(), 0));
    state.put("SectorStartEpoch", s.sectorStartEpoch());
    state.put("LastUpdatedEpoch", s.lastUpdatedEpoch());
    state.put("SlashEpoch", s.slashEpoch());
    ObjectNode node = MAPPER.createObjectNode();
    node.set("Proposal", proposal);
    node.set("State", state);
    return node;
  }

  /** The fields cod models; the stand-in leaves out the rest rather than invent values. */
  static ObjectNode minerInfoJson(MinerInfo info, FilecoinAddress.Network network) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("Owner", info.owner().withNetwork(network).toString());
    node.put("Worker", info.worker().withNetwork(network).toString());
    ArrayNode controls = node.putArray("ControlAddresses");
    info.controlAddresses().forEach(a -> controls.add(a.withNetwork(network).toString()));
    if (info.peerId().isEmpty()) {
      node.putNull("PeerId");
    } else {
      node.put("PeerId", info.peerId());
    }
    node.putArray("Multiaddrs");
    node.put("SectorSize", info.sectorSize());
    node.put("Beneficiary", info.beneficiary().withNetwork(network).toString());
    return node;
  }

  static ObjectNode messageJson(Message m, FilecoinAddress.Network network) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("Version", m.version());
    node.put("To", m.to().withNetwork(network).toString());
    node.put("From", m.from().withNetwork(network).toString());
    node.put("Nonce", m.nonce());
    node.put("Value", m.value().toString());
    node.put("GasLimit", m.gasLimit());
    node.put("GasFeeCap", m.gasFeeCap().toString());
    node.put("GasPremium", m.gasPremium().toString());
    node.put("Method", m.method());
    byte[] params = m.params();
    if (params.length == 0) {
      node.putNull("Params");
    } else {
      node.put("Params", Base64.getEncoder().encodeToString(params));
    }
    node.set("CID", cidJson(m.cid()));
    return node;
  }

  static ObjectNode sendSpecJson(MessageSendSpec spec) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("MaxFee", spec.maxFee().toString());
    node.put("MsgUuid", spec.msgUuid().toString());
    node.put("MaximizeFeeCap", spec.maximizeFeeCap());
    return node;
  }

  static ObjectNode signedMessageJson(SignedMessage sm, FilecoinAddress.Network network) {
    ObjectNode node = MAPPER.createObjectNode();
    node.set("Message", messageJson(sm.message(), network));
    ObjectNode sig = node.putObject("Signature");
    sig.put("Type", sm.signature().type());
    sig.put("Data", Base64.getEncoder().encodeToString(sm.signature().data()));
    node.set("CID", cidJson(sm.cid()));
    return node;
  }

  static ObjectNode msgLookupJson(MsgLookup lookup) {
    ObjectNode node = MAPPER.createObjectNode();
    node.set("Message", cidJson(lookup.message()));
    ObjectNode receipt = node.putObject("Receipt");
    receipt.put("ExitCode", lookup.receipt().exitCode());
    byte[] ret = lookup.receipt().returnData();
    if (ret.length == 0) {
      receipt.putNull("Return");
    } else {
      receipt.put("Return", Base64.getEncoder().encodeToString(ret));
    }
    receipt.put("GasUsed", lookup.receipt().gasUsed());
    receipt.putNull("EventsRoot");
    node.putNull("ReturnDec");
    node.set("TipSet", tipSetKeyJson(lookup.tipSet()));
    node.put("Height", lookup.height());
    return node;
  }

  // ---------------------------------------------------------------- helpers

  private static long longField(JsonNode node, String name) {
    return longField(node, name, name);
  }

  private static long longField(JsonNode node, String name, String field) {
    return longValue(node.get(name), field);
  }

  private static boolean booleanField(JsonNode node, String name, String field) {
    JsonNode value = node.get(name);
    if (value == null || !value.isBoolean()) {
      throw mismatch(field, "true or false", value);
    }
    return value.asBoolean();
  }

  private static String stringField(JsonNode node, String name, String field) {
    return text(node.get(name), field);
  }

  private static void requireObject(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      throw mismatch(field, "a JSON object", node);
    }
  }

  private static CodException mismatch(String field, String expected, JsonNode found) {
    String shown = found == null ? "nothing (field missing)" : found.toString();
    if (shown.length() > 120) {
      shown = shown.substring(0, 117) + "...";
    }
    return new CodException(ErrorCode.INVALID_INPUT,
        "field '" + field + "': expected " + expected + ", found " + shown);
  }
}
