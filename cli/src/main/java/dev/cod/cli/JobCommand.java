package dev.cod.cli;

import dev.cod.chain.BidView;
import dev.cod.chain.JobState;
import dev.cod.chain.JobTerms;
import dev.cod.chain.JobView;
import dev.cod.chain.MarketEvent;
import dev.cod.chain.MarketHistory;
import dev.cod.chain.PostedJob;
import dev.cod.chain.TxResult;
import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.spec.JobSpec;
import dev.cod.node.spec.JobSpecParser;
import dev.cod.payments.FilAmount;
import dev.cod.payments.JobQuote;
import dev.cod.payments.JobQuoter;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cod job}: post jobs, follow them, read their results. */
@Command(name = "job", description = "Post and follow jobs.",
    subcommands = {JobCommand.Quote.class, JobCommand.Run.class, JobCommand.Describe.class, JobCommand.Get.class})
final class JobCommand {
  /** Largest result fetched by {@code cod job get}, bytes. */
  static final long MAX_RESULT_BYTES = 1L << 30;

  @ParentCommand
  Cod cod;

  static JobSpec readSpec(Path specFile) {
    try {
      return JobSpecParser.parse(Files.readString(specFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot read job spec " + specFile + ": " + e.getMessage(), e);
    }
  }

  /** The job's terms on chain; {@code specCid} may be empty for a quote (the spec is not published yet). */
  static JobTerms terms(JobSpec jobSpec, byte[] specCid) {
    JobSpec.Market m = jobSpec.market();
    JobTerms terms = new JobTerms(specCid, m.replicas(), m.quorum(), m.maxPrice().attoFil(),
        m.stake().attoFil(), m.bidWindow().toSeconds(), m.executionWindow().toSeconds(), m.revealWindow().toSeconds());
    if (jobSpec.pieceInput().isPresent()) {
      // only providers with an active deal for the piece may bid (the market asks its deal oracle)
      terms = terms.withInputPiece(jobSpec.pieceInput().get().cid().bytes());
    }
    return terms;
  }

  /** Quotes the job for the client account and prints what it costs. */
  static JobQuote printQuote(ClientContext c, JobSpec jobSpec, PrintWriter out) {
    JobQuote q = new JobQuoter(c.chain, c.config.market()).quote(c.market.account(), terms(jobSpec, new byte[0]));
    out.printf("quote for %s (%d replica%s, quorum %d):%n", jobSpec.name(), q.replicas(), q.replicas() == 1 ? "" : "s",
        jobSpec.market().quorum());
    out.printf("  escrow        %s (%d × %s max price; what is not paid out comes back as a credit)%n", q.escrow(),
        q.replicas(), q.maxPrice());
    out.printf("  stake         %s free stake needed by each provider (locked while its bid lives)%n", q.stakePerProvider());
    if (q.gasEstimate().isPresent()) {
      out.printf("  gas           %s gas estimated, limit %s, at most %s attoFIL/gas: at most %s%n", q.gasEstimate().get(),
          q.gasLimit(), q.maxFeePerGas(), q.maxGasCost());
      out.printf("  total         at most %s (escrow + gas)%n", q.maxTotal());
    } else {
      out.printf("  gas           not estimated: the balance does not cover the escrow%n");
    }
    out.printf("  balance       %s (%s)%n", q.balance(), c.market.account());
    if (q.credits().compareTo(FilAmount.ZERO) > 0) {
      out.printf("  credits       %s held by the market for you (cod wallet withdraw)%n", q.credits());
    }
    if (!q.affordable()) {
      out.printf("  short by      %s: fund the account (cod wallet fund --from f1… --amount …)%n", q.shortfall());
    }
    out.flush();
    return q;
  }

  @Command(name = "quote", description = "What a job costs before anything is sent: escrow, stake per provider, gas.")
  static final class Quote implements Callable<Integer> {
    @ParentCommand
    JobCommand job;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "SPEC.yaml")
    Path specFile;

    @Override
    public Integer call() {
      JobSpec jobSpec = readSpec(specFile);
      try (ClientContext c = job.cod.clientContext()) {
        JobQuote q = printQuote(c, jobSpec, spec.commandLine().getOut());
        return q.affordable() ? 0 : 3;
      }
    }
  }

  @Command(name = "run", description = "Validate a job spec, publish it to IPFS, post it with escrow, and follow it.")
  static final class Run implements Callable<Integer> {
    @ParentCommand
    JobCommand job;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "SPEC.yaml")
    Path specFile;
    @Option(names = "--wait", description = "follow the job to its end, then withdraw the client's refund")
    boolean await;
    @Option(names = "--timeout", description = "how long --wait waits, in seconds (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 1800;

    @Option(names = {"-y", "--yes"}, description = "post without asking (needed without a terminal)")
    boolean yes;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JobSpec jobSpec = readSpec(specFile);
      try (ClientContext c = job.cod.clientContext()) {
        JobQuote quote = printQuote(c, jobSpec, out);
        if (!quote.affordable()) {
          throw new CodException(ErrorCode.INVALID_INPUT, "expected a balance of at least " + quote.maxTotal()
              + " to post this job, found " + quote.balance() + ": fund " + c.market.account()
              + " (cod wallet fund) or lower the price");
        }
        if (!yes) {
          String answer = job.cod.prompter.readLine("Post this job and send " + quote.escrow() + " of escrow? [y/N] ")
              .orElseThrow(() -> new CodException(ErrorCode.INVALID_INPUT, "cod job run asks before sending "
                  + quote.escrow() + " of escrow, found no terminal to ask on: pass --yes to post without asking"));
          if (!answer.strip().equalsIgnoreCase("y") && !answer.strip().equalsIgnoreCase("yes")) {
            out.println("not posted: nothing was sent");
            return 1;
          }
        }
        Path json = Files.createTempFile("cod-spec-", ".json");
        Cid specCid;
        try {
          Files.writeString(json, JobSpecParser.toJson(jobSpec), StandardCharsets.UTF_8);
          specCid = c.ipfs.add(json);
        } finally {
          Files.deleteIfExists(json);
        }
        JobSpec.Market m = jobSpec.market();
        JobTerms terms = terms(jobSpec, specCid.bytes());
        if (jobSpec.pieceInput().isPresent()) {
          out.printf("input piece: %s%n", jobSpec.pieceInput().get().cid());
        }
        out.printf("spec: %s%n", specCid);
        PostedJob posted = c.market.postJob(terms);
        out.printf("job-id: %d%n", posted.jobId());
        out.printf("posted job %d: escrow %s (%d × %s), tx %s, gas %s%n", posted.jobId(), m.escrow(), m.replicas(),
            m.maxPrice(), posted.tx().txHash(), posted.tx().gasUsed());
        out.flush();
        if (!await) {
          return 0;
        }
        JobView end = follow(c, posted.jobId(), Duration.ofSeconds(timeoutSeconds), out);
        BigInteger credit = c.market.credits(c.market.account());
        if (credit.signum() > 0) {
          TxResult tx = c.market.withdraw();
          out.printf("withdrew %s of refund (tx %s)%n", FilAmount.ofAtto(credit), tx.txHash());
        }
        if (end.state() != JobState.FINALIZED) {
          out.printf("job %d ended %s%n", end.jobId(), end.state());
          return 2;
        }
        out.printf("result-cid: %s%n", c.acceptedResult(end));
        return 0;
      }
    }

    private static JobView follow(ClientContext c, long jobId, Duration timeout, PrintWriter out) throws InterruptedException {
      Instant deadline = Instant.now().plus(timeout);
      JobState last = null;
      while (Instant.now().isBefore(deadline)) {
        JobView view = c.market.job(jobId);
        if (view.state() != last) {
          out.printf("job %d: %s (bids %d, commits %d, reveals %d)%n", jobId, view.state(), view.bidCount(),
              view.commitCount(), view.revealCount());
          out.flush();
          last = view.state();
        }
        if (view.state().isTerminal()) {
          return view;
        }
        Thread.sleep(250);
      }
      throw new CodException(ErrorCode.INTERNAL, "job " + jobId + " did not end within " + timeout.toSeconds()
          + " s; it is still " + last + ": see `cod job describe " + jobId + "`");
    }
  }

  @Command(name = "describe", description = "Show a job: terms, bids, timeline, and gas per transaction.")
  static final class Describe implements Callable<Integer> {
    @ParentCommand
    JobCommand job;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "ID")
    long jobId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ClientContext c = job.cod.clientContext()) {
        JobView v = c.market.job(jobId);
        out.printf("job %d: %s%n", jobId, v.state());
        out.printf("  client        %s%n", v.client());
        List<MarketEvent> events = c.history.events(jobId);
        events.stream().filter(e -> e instanceof MarketEvent.JobPosted).findFirst()
            .map(e -> (MarketEvent.JobPosted) e)
            .ifPresent(p -> {
              out.printf("  spec          %s%n", Cid.fromBytes(p.specCid()));
              if (p.inputPieceCid().length > 0) {
                out.printf("  input piece   %s (each bid names a deal holding it)%n", Cid.fromBytes(p.inputPieceCid()));
              }
            });
        out.printf("  path          %s%n", v.auction() ? "auction (pay as bid)" : "fast (bids carry commitments, paid maxPrice)");
        out.printf("  replicas      %d, quorum %d%n", v.replicas(), v.quorum());
        out.printf("  max price     %s per replica, stake %s per replica%n", FilAmount.ofAtto(v.maxPrice()),
            FilAmount.ofAtto(v.stakePerReplica()));
        out.printf("  deadline      %d (unix seconds; of the current phase)%n", v.deadline());
        c.history.acceptedResultCid(v).ifPresent(cid -> out.printf("  result        %s%n", Cid.fromBytes(cid)));
        if (!v.state().isTerminal()) {
          out.println("bids:");
          for (BidView b : c.market.bids(jobId)) {
            out.printf("  #%d %s price %s%s%s%s%n", b.index(), b.provider(), FilAmount.ofAtto(b.price()),
                b.assigned() ? " assigned" : "", b.committed() ? " committed" : "", b.revealed() ? " revealed" : "");
          }
        }
        out.println("timeline:");
        for (MarketEvent e : events) {
          out.printf("  block %-6d %s%n", e.key().blockNumber(), describe(e));
        }
        out.println("gas:");
        Map<String, long[]> byFunction = new TreeMap<>();
        BigInteger total = BigInteger.ZERO;
        for (MarketHistory.JobTransaction t : c.history.transactions(jobId)) {
          out.printf("  %-10s %9s gas  block %-6d from %s%n", t.function(), t.gasUsed(), t.blockNumber(), t.from());
          long[] agg = byFunction.computeIfAbsent(t.function(), k -> new long[2]);
          agg[0]++;
          agg[1] += t.gasUsed().longValueExact();
          total = total.add(t.gasUsed());
        }
        byFunction.forEach((f, agg) -> out.printf("  total %-10s %d tx %9d gas%n", f, agg[0], agg[1]));
        out.printf("  total %d gas%n", total);
        return 0;
      }
    }

    private static String describe(MarketEvent e) {
      if (e instanceof MarketEvent.JobPosted p) {
        return "JobPosted by " + p.client() + " escrow " + FilAmount.ofAtto(p.maxPrice().multiply(BigInteger.valueOf(p.replicas())));
      } else if (e instanceof MarketEvent.JobStateChanged s) {
        return "JobStateChanged " + s.previous() + " -> " + s.current();
      } else if (e instanceof MarketEvent.BidPlaced b) {
        return "BidPlaced #" + b.index() + " " + b.provider() + (b.price().signum() > 0 ? " " + FilAmount.ofAtto(b.price()) : "")
            + " deal " + b.dealId() + (b.commitment() != null && new BigInteger(1, b.commitment()).signum() != 0
                ? " commitment " + Numeric.toHexString(b.commitment()) : "");
      } else if (e instanceof MarketEvent.ProviderAssigned a) {
        return "ProviderAssigned #" + a.index() + " " + a.provider();
      } else if (e instanceof MarketEvent.ResultCommitted rc) {
        return "ResultCommitted " + rc.provider() + " " + Numeric.toHexString(rc.commitment());
      } else if (e instanceof MarketEvent.ResultRevealed r) {
        return "ResultRevealed " + r.provider() + " " + Cid.fromBytes(r.resultCid());
      } else if (e instanceof MarketEvent.ResultAccepted a) {
        return "ResultAccepted by " + a.agreeing() + " providers, each paid its price + " + FilAmount.ofAtto(a.slashShare())
            + " of slashed stake";
      } else if (e instanceof MarketEvent.ProviderSlashed s) {
        return "ProviderSlashed " + s.provider() + " " + FilAmount.ofAtto(s.amount()) + " reason " + s.reason();
      } else if (e instanceof MarketEvent.Credited cr) {
        return "Credited " + cr.account() + " " + FilAmount.ofAtto(cr.amount());
      }
      return e.getClass().getSimpleName();
    }
  }

  @Command(name = "get", description = "Download a finalized job's result, verifying every block against its CID.")
  static final class Get implements Callable<Integer> {
    @ParentCommand
    JobCommand job;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "ID")
    long jobId;
    @Option(names = {"-o", "--output"}, required = true, description = "directory to create for the result")
    Path output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ClientContext c = job.cod.clientContext()) {
        JobView v = c.market.job(jobId);
        if (v.state() != JobState.FINALIZED) {
          throw new CodException(ErrorCode.INVALID_INPUT, "job " + jobId + " is " + v.state()
              + ", not FINALIZED: it has no verified result");
        }
        Cid cid = c.acceptedResult(v);
        c.ipfs.get(cid, output, MAX_RESULT_BYTES);
        out.printf("result %s verified and written to %s%n", cid, output);
        return 0;
      }
    }
  }
}
