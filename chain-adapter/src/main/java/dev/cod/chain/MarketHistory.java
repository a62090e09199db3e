package dev.cod.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.common.RetriableCodException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Reads a job's story back from the chain: its events (scanned with {@code eth_getLogs} in
 * bounded ranges from the market's deployment block) and the transactions behind them, with
 * the gas each used. For {@code cod job describe} and the client's result lookup.
 */
public final class MarketHistory {
  private final Web3j web3j;
  private final String market;
  private final long startBlock;
  private final int maxRange;
  private final Map<String, String> functionBySelector;

  /** A transaction that touched a job: the function called and the gas used. */
  public record JobTransaction(String txHash, long blockNumber, String from, String function, BigInteger gasUsed) {}

  public MarketHistory(Web3j web3j, String market, long startBlock, int maxRange) {
    this.web3j = web3j;
    this.market = market;
    this.startBlock = startBlock;
    this.maxRange = maxRange;
    this.functionBySelector = functionSelectors();
  }

  /** Every market event about {@code jobId}, in chain order. */
  public List<MarketEvent> events(long jobId) {
    List<MarketEvent> out = new ArrayList<>();
    for (MarketEvent e : allEvents()) {
      if (jobIdOf(e).filter(id -> id == jobId).isPresent()) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The accepted result CID of a finalized job: the revealed CID whose keccak256 is the hash in
   * the job's {@code ResultAccepted} event.
   */
  public Optional<byte[]> acceptedResultCid(JobView job) {
    if (job.state() != JobState.FINALIZED) {
      return Optional.empty();
    }
    List<MarketEvent> events = events(job.jobId());
    Optional<byte[]> accepted = events.stream()
        .filter(e -> e instanceof MarketEvent.ResultAccepted)
        .map(e -> ((MarketEvent.ResultAccepted) e).resultCidHash())
        .findFirst();
    if (accepted.isEmpty()) {
      return Optional.empty();
    }
    for (MarketEvent e : events) {
      if (e instanceof MarketEvent.ResultRevealed r && Arrays.equals(Hash.sha3(r.resultCid()), accepted.get())) {
        return Optional.of(r.resultCid());
      }
    }
    return Optional.empty();
  }

  /** The distinct transactions behind a job's events, with the function each called and its gas. */
  public List<JobTransaction> transactions(long jobId) {
    Map<String, JobTransaction> byHash = new LinkedHashMap<>();
    try {
      for (MarketEvent e : events(jobId)) {
        String hash = e.key().txHash();
        if (byHash.containsKey(hash)) {
          continue;
        }
        Transaction tx = web3j.ethGetTransactionByHash(hash).send().getTransaction().orElseThrow();
        TransactionReceipt receipt = web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt().orElseThrow();
        String input = tx.getInput();
        String selector = input != null && input.length() >= 10 ? input.substring(0, 10) : "0x";
        byHash.put(hash, new JobTransaction(hash, receipt.getBlockNumber().longValueExact(), tx.getFrom(),
            functionBySelector.getOrDefault(selector, selector), receipt.getGasUsed()));
      }
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "reading job transactions: " + e.getMessage(), e);
    }
    return new ArrayList<>(byHash.values());
  }

  private List<MarketEvent> allEvents() {
    List<MarketEvent> out = new ArrayList<>();
    try {
      long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
      for (long from = startBlock; from <= head; from += maxRange) {
        long to = Math.min(head, from + maxRange - 1);
        EthLog logs = web3j.ethGetLogs(new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
            DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), market)).send();
        if (logs.hasError()) {
          throw new IOException("eth_getLogs: " + logs.getError().getMessage());
        }
        for (EthLog.LogResult<?> r : logs.getLogs()) {
          MarketEvent.decode((Log) r.get()).ifPresent(out::add);
        }
      }
    } catch (IOException e) {
      throw new RetriableCodException(ErrorCode.CHAIN_UNAVAILABLE, "reading market events: " + e.getMessage(), e);
    }
    return out;
  }

  /** The job an event is about, if it is about one. */
  public static Optional<Long> jobIdOf(MarketEvent e) {
    if (e instanceof MarketEvent.JobPosted x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.JobStateChanged x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.BidPlaced x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.ProviderAssigned x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.ResultCommitted x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.ResultRevealed x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.ResultAccepted x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.ProviderSlashed x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.Credited x) {
      return Optional.of(x.jobId());
    } else if (e instanceof MarketEvent.StakeUnlocked x) {
      return Optional.of(x.jobId());
    }
    return Optional.empty();
  }

  /** Function selectors (first 4 bytes of keccak256 of the signature) of the JobMarket ABI. */
  private static Map<String, String> functionSelectors() {
    try (InputStream in = MarketHistory.class.getResourceAsStream("/dev/cod/chain/contracts/JobMarket.abi")) {
      if (in == null) {
        throw new CodException(ErrorCode.INTERNAL, "JobMarket.abi is missing from the class path");
      }
      Map<String, String> map = new HashMap<>();
      for (JsonNode entry : new ObjectMapper().readTree(in)) {
        if (!"function".equals(entry.path("type").asText())) {
          continue;
        }
        List<String> types = new ArrayList<>();
        entry.path("inputs").forEach(i -> types.add(i.path("type").asText()));
        String name = entry.path("name").asText();
        map.put(Hash.sha3String(name + "(" + String.join(",", types) + ")").substring(0, 10), name);
      }
      return map;
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot read JobMarket.abi", e);
    }
  }
}
