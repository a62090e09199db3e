package dev.cod.node.exec.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.files.FileTrees;
import dev.cod.node.exec.ExecutionRequest;
import dev.cod.node.exec.ExecutionResult;
import dev.cod.node.exec.Executor;
import dev.cod.node.exec.JobLogContext;
import dev.cod.node.exec.ResourceLimits;
import dev.cod.node.exec.ResultLayout;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs WASM jobs (WASI preview1 command modules, e.g. C built with {@code clang
 * --target=wasm32-wasi}) on Chicory, deterministically: two runs of the same module on the same
 * inputs with the same job id produce byte-identical results, on any node, in any JVM.
 *
 * <p>The request: {@code moduleFile} holds the module's bytes (checked against its CID by the
 * caller); {@code image} is the module's name in logs and its {@code argv[0]} (the module's CID for
 * a market job); {@code entrypoint} is empty or names one exported function, {@code () -> ()} or
 * {@code () -> i32} (default {@value #DEFAULT_ENTRYPOINT}); {@code args} follow {@code argv[0]};
 * {@code env} is the whole environment.
 *
 * <p>The sandbox is {@link DeterministicWasi}: clocks fixed at the job's instant, a random stream
 * seeded from the job id, {@code /inputs} read-only (the request's {@code inputsDir}), {@code
 * /outputs} (a fresh scratch directory), no other path, no network, no import but WASI preview1.
 * The code runs on Chicory's compiler ({@link WasmConfig.Mode#COMPILER}, compiled once per module
 * and cached) or its interpreter.
 *
 * <p>Limits, each breach a failure that names the limit, with {@code resultDir} left empty:
 *
 * <ul>
 *   <li>memory: {@link ResourceLimits#memoryBytes()} / 64 KiB pages (at most 32767, Chicory's
 *       maximum); a module whose initial memory is larger, or that grows past it, fails;
 *   <li>time: past {@link ResourceLimits#timeout()} the module's thread is interrupted, which the
 *       compiled code and the interpreter check at every loop back-edge and call, so a runaway
 *       module stops within milliseconds and keeps no thread or core busy; the run fails (unlike a
 *       Docker job, a WASM timeout is not a result: a partial result of a deterministic job would
 *       only differ between providers);
 *   <li>output: stdout + stderr + {@code /outputs} at most {@link
 *       ResourceLimits#maxOutputBytes()}, checked at every write ({@link OutputBudget}), and at
 *       most {@link WasmConfig#maxOutputEntries()} files and directories;
 *   <li>CPU: one thread, so at most one core: a request for less than one CPU cannot be enforced
 *       and {@link #canRun} says no; {@link ResourceLimits#pids()} is met by construction.
 * </ul>
 *
 * <p>A trap (e.g. {@code abort()}, an out-of-bounds access) is a result, as a crash is for a
 * process: exit code 134 (128 + SIGABRT) and a last stderr line {@code wasm trap: MESSAGE}. The
 * JVM's call stack running out is a failure instead: its depth is not the same on every node.
 *
 * @see <a href="https://chicory.dev/docs/">Chicory documentation</a>
 * @see <a href="https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md">WASI
 *     preview1</a>
 */
public final class WasmExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(WasmExecutor.class);

  /** The engine name job specs use. */
  public static final String ENGINE = "wasm";
  /** The WASI command entry point. */
  public static final String DEFAULT_ENTRYPOINT = "_start";
  /** Largest module accepted, in bytes. */
  public static final long MAX_MODULE_BYTES = 64L << 20;
  /** Exit code recorded for a trap: 128 + SIGABRT, as for a native process that aborts. */
  public static final int TRAP_EXIT_CODE = 134;
  /** How long a module may take to stop once interrupted. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int CACHED_MODULES = 8;

  private final WasmConfig config;
  /** Compiled modules by SHA-256: a compiled factory only makes machines for its own module. */
  private final Map<String, Compiled> compiled =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> e) {
          return size() > CACHED_MODULES;
        }
      };

  private record Compiled(WasmModule module, Function<Instance, Machine> factory) {}

  /** An executor with {@link WasmConfig#DEFAULT}. */
  public WasmExecutor() {
    this(WasmConfig.DEFAULT);
  }

  public WasmExecutor(WasmConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  /** Always: the engine is this JVM. */
  @Override
  public boolean isInstalled() {
    return true;
  }

  /**
   * Whether the limits can be enforced: at least one CPU ({@link ResourceLimits#ONE_CPU}), since a
   * module runs on one thread and is not throttled. Never throws.
   */
  @Override
  public boolean canRun(ExecutionRequest request) {
    return request != null && request.limits().nanoCpus() >= ResourceLimits.ONE_CPU;
  }

  /**
   * Runs the module and fills {@code resultDir} (see {@link ResultLayout}).
   *
   * @return the result; {@code timedOut} is always false (a timeout throws)
   * @throws CodException {@code INVALID_INPUT} if {@code inputsDir} is not a directory, {@code
   *     moduleFile} is missing, too large or not a valid module, it imports anything but WASI
   *     preview1 (the message names the import), the entry point is missing or of another type,
   *     or {@code resultDir} is not empty. {@code EXECUTION_FAILED} if a limit is broken (memory,
   *     timeout, output bytes, output files: the message names it), the JVM's stack or heap ran
   *     out, or the node is stopping. {@code resultDir} is then left empty.
   */
  @Override
  @SuppressWarnings("try") // the log context's only effect is on the lines logged inside
  public ExecutionResult run(ExecutionRequest request) {
    Objects.requireNonNull(request, "request");
    try (JobLogContext logContext = JobLogContext.of(request.jobId())) {
      request.requireInputsDir();
      Prepared module = prepare(request);
      ResultLayout layout = ResultLayout.at(request.resultDir());
      layout.prepare();
      Path work = createScratch();
      try {
        Path outputs = Files.createDirectory(work.resolve("outputs"));
        Path stdout = work.resolve("stdout");
        Path stderr = work.resolve("stderr");
        Finished run = execute(request, module, outputs, stdout, stderr);
        ResultLayout.Sizes sizes =
            layout.write(outputs, stdout, stderr, run.exitCode, request.limits().maxOutputBytes());
        return new ExecutionResult(
            run.exitCode,
            false,
            run.duration,
            sizes.stdoutBytes(),
            sizes.stderrBytes(),
            sizes.outputsBytes(),
            layout.root());
      } catch (IOException e) {
        layout.clear();
        throw new CodException(
            ErrorCode.INTERNAL, "cannot prepare the run in " + work + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        layout.clear();
        throw e;
      } finally {
        FileTrees.deleteQuietly(work);
      }
    }
  }

  /** A parsed, checked module and how its code runs. */
  private record Prepared(
      WasmModule module,
      String digest,
      String entrypoint,
      boolean returnsExitCode,
      Function<Instance, Machine> machine,
      String how) {}

  private record Finished(int exitCode, Duration duration) {}

  private Prepared prepare(ExecutionRequest request) {
    Path file = request.moduleFile();
    if (file == null) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "a wasm request needs moduleFile (the module's bytes), found none for job "
              + request.jobId());
    }
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_MODULE_BYTES) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "the module "
                + file
                + " has "
                + size
                + " bytes, more than the "
                + MAX_MODULE_BYTES
                + " accepted");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot read the module " + file + ": " + e.getMessage(), e);
    }
    String digest = HexFormat.of().formatHex(SandboxSeed.sha256(bytes));
    Compiled cached;
    synchronized (compiled) {
      cached = config.mode() == WasmConfig.Mode.COMPILER ? compiled.get(digest) : null;
    }
    WasmModule module;
    if (cached != null) {
      module = cached.module();
    } else {
      try {
        module = Parser.parse(bytes);
      } catch (ChicoryException | IllegalArgumentException e) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "not a valid WebAssembly module (" + request.image() + "): " + e.getMessage(),
            e);
      }
    }
    DeterministicWasi.checkImports(module);
    String entrypoint =
        request.entrypoint().isEmpty() ? DEFAULT_ENTRYPOINT : request.entrypoint().get(0);
    if (request.entrypoint().size() > 1) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "a wasm entrypoint is one exported function name, found " + request.entrypoint());
    }
    boolean returnsExitCode = entrypointReturnsI32(module, entrypoint);
    int limitPages = limitPages(request.limits());
    module
        .memorySection()
        .ifPresent(
            s -> {
              for (int i = 0; i < s.memoryCount(); i++) {
                int initial = s.getMemory(i).limits().initialPages();
                if (initial > limitPages) {
                  throw new CodException(
                      ErrorCode.EXECUTION_FAILED,
                      "memory limit: the module starts with "
                          + initial
                          + " pages of 64 KiB, over the job's limit of "
                          + limitPages
                          + " pages (resources.memory "
                          + request.limits().memoryBytes()
                          + " bytes); raise the limit");
                }
              }
            });
    Function<Instance, Machine> machine;
    String how;
    if (config.mode() == WasmConfig.Mode.INTERPRETER) {
      machine = InterpreterMachine::new;
      how = "interpreted";
    } else {
      machine = cached != null ? cached.factory() : compile(module, digest);
      how = machine instanceof Interpreted ? "interpreted (compiler failed)" : "compiled";
    }
    return new Prepared(module, digest, entrypoint, returnsExitCode, machine, how);
  }

  /** The job's memory limit in 64 KiB pages, at least 1 and at most Chicory's maximum. */
  static int limitPages(ResourceLimits limits) {
    long pages = limits.memoryBytes() / Memory.PAGE_SIZE;
    return (int) Math.max(1, Math.min(pages, Memory.RUNTIME_MAX_PAGES));
  }

  private static boolean entrypointReturnsI32(WasmModule module, String name) {
    Export export = null;
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export e = module.exportSection().getExport(i);
      if (e.name().equals(name)) {
        export = e;
      }
    }
    if (export == null || export.exportType() != ExternalType.FUNCTION) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "the module exports no function '"
              + name
              + "' (the entrypoint); a WASI command exports "
              + DEFAULT_ENTRYPOINT);
    }
    int index = export.index();
    int imported = module.importSection().count(ExternalType.FUNCTION);
    FunctionType type;
    if (index < imported) {
      int seen = -1;
      FunctionImport imp = null;
      for (int i = 0; i < module.importSection().importCount() && seen < index; i++) {
        if (module.importSection().getImport(i) instanceof FunctionImport f) {
          seen++;
          imp = f;
        }
      }
      type = module.typeSection().getType(Objects.requireNonNull(imp).typeIndex());
    } else {
      type =
          module
              .typeSection()
              .getType(module.functionSection().getFunctionType(index - imported));
    }
    if (type.params().isEmpty() && type.returns().isEmpty()) {
      return false;
    }
    if (type.params().isEmpty() && type.returns().equals(List.of(ValType.I32))) {
      return true;
    }
    throw new CodException(
        ErrorCode.INVALID_INPUT,
        "the entrypoint '" + name + "' must take nothing and return nothing or an i32, found " + type);
  }

  /** Marks the interpreter used because the compiler failed. */
  private static final class Interpreted implements Function<Instance, Machine> {
    @Override
    public Machine apply(Instance instance) {
      return new InterpreterMachine(instance);
    }
  }

  /** Compiles a module's machine factory and caches it with the module. */
  private Function<Instance, Machine> compile(WasmModule module, String digest) {
    long start = System.nanoTime();
    Function<Instance, Machine> factory;
    try {
      factory =
          MachineFactoryCompiler.builder(module)
              .withInterpreterFallback(InterpreterFallback.FAIL)
              .compile();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn(
          "module sha256:{}: the compiler cannot compile every function ({}); those functions run"
              + " in the interpreter",
          digest,
          e.getMessage());
      try {
        factory =
            MachineFactoryCompiler.builder(module)
                .withInterpreterFallback(InterpreterFallback.SILENT)
                .compile();
      } catch (RuntimeException | LinkageError e2) {
        LOG.warn(
            "module sha256:{}: not compiled ({}); running it in the interpreter",
            digest,
            e2.toString());
        factory = new Interpreted();
      }
    }
    LOG.info(
        "module sha256:{} compiled in {} ms", digest, (System.nanoTime() - start) / 1_000_000);
    synchronized (compiled) {
      compiled.put(digest, new Compiled(module, factory));
    }
    return factory;
  }

  /** Outcome of the module's thread: an exit code or what was thrown. */
  private static final class Outcome {
    volatile Integer exitCode;
    volatile Throwable thrown;
    volatile boolean instantiated;
    volatile long nanos;
  }

  private Finished execute(
      ExecutionRequest request, Prepared module, Path outputs, Path stdoutFile, Path stderrFile)
      throws IOException {
    ResourceLimits limits = request.limits();
    int limitPages = limitPages(limits);
    OutputBudget budget =
        new OutputBudget(outputs, limits.maxOutputBytes(), config.maxOutputEntries());
    List<String> argv = new ArrayList<>();
    argv.add(request.image());
    argv.addAll(request.args());
    SandboxSeed seed = new SandboxSeed(request.jobId());
    Outcome outcome = new Outcome();
    Path inputs = request.inputsDir();
    Runnable body =
        () -> {
          long start = System.nanoTime();
          try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(stdoutFile));
              OutputStream err = new BufferedOutputStream(Files.newOutputStream(stderrFile))) {
            try (DeterministicWasi wasi =
                new DeterministicWasi(
                    seed, argv, request.env(), inputs, outputs, out, err, budget)) {
              try {
                Instance instance =
                    Instance.builder(module.module())
                        .withImportValues(
                            ImportValues.builder().withFunctions(new ArrayList<>(wasi.hostFunctions())).build())
                        .withMemoryFactory(
                            l ->
                                new LimitedMemory(
                                    new ByteArrayMemory(
                                        new MemoryLimits(
                                            l.initialPages(),
                                            Math.min(l.maximumPages(), limitPages),
                                            l.shared())),
                                    limitPages))
                        .withMachineFactory(module.machine())
                        .withStart(false)
                        .build();
                outcome.instantiated = true;
                ExportFunction entry = instance.export(module.entrypoint());
                long[] returned = entry.apply();
                outcome.exitCode =
                    module.returnsExitCode() && returned != null && returned.length > 0
                        ? (int) returned[0] & 0xff
                        : 0;
              } catch (WasiExitException e) {
                outcome.exitCode = e.exitCode() & 0xff;
              } catch (ChicoryException e) {
                if (outcome.instantiated && isTrap(e)) {
                  out.flush();
                  err.write(
                      ("wasm trap: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                  outcome.exitCode = TRAP_EXIT_CODE;
                } else {
                  throw e;
                }
              }
            }
          } catch (Throwable t) {
            outcome.thrown = t;
          } finally {
            outcome.nanos = System.nanoTime() - start;
          }
        };
    Thread thread = new Thread(body, "cod-wasm-" + request.jobId());
    thread.setDaemon(true);
    LOG.info(
        "job {}: wasm module {} starting ({}, entrypoint {}, timeout {} s, memory {} pages)",
        request.jobId(),
        request.image(),
        module.how(),
        module.entrypoint(),
        limits.timeout().toSeconds(),
        limitPages);
    thread.start();
    boolean timedOut = false;
    boolean interrupted = false;
    try {
      thread.join(limits.timeout().toMillis());
      if (thread.isAlive()) {
        timedOut = true;
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(STOP_GRACE.toMillis());
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (thread.isAlive()) {
        LOG.error(
            "job {}: the module's thread {} did not stop within {} s of being interrupted",
            request.jobId(),
            thread.getName(),
            STOP_GRACE.toSeconds());
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new CodException(
          ErrorCode.EXECUTION_FAILED,
          "interrupted while running job " + request.jobId() + "; the module was stopped");
    }
    if (timedOut) {
      LOG.info("job {}: stopped at its timeout of {} s", request.jobId(), limits.timeout().toSeconds());
      throw new CodException(
          ErrorCode.EXECUTION_FAILED,
          "timeout: the module ran past the job's timeout of "
              + limits.timeout().toSeconds()
              + " s and was stopped; no result is kept (a partial result of a deterministic job"
              + " would differ between providers). Raise the timeout or give the job less work");
    }
    Duration duration = Duration.ofNanos(outcome.nanos);
    if (outcome.thrown != null) {
      throw failure(request, outcome.thrown);
    }
    int exitCode = Objects.requireNonNull(outcome.exitCode, "exit code");
    LOG.info(
        "job {}: wasm module finished: exit code {} in {} ms, stdout {} B, stderr {} B",
        request.jobId(),
        exitCode,
        duration.toMillis(),
        budget.stdoutBytes(),
        budget.stderrBytes());
    return new Finished(exitCode, duration);
  }

  /** A trap the module caused (deterministic), not an interruption or the JVM's stack. */
  private static boolean isTrap(ChicoryException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StackOverflowError
          || t instanceof SandboxLimitException
          || t instanceof ChicoryInterruptedException
          || t instanceof CodException
          || t instanceof OutOfMemoryError) {
        return false;
      }
    }
    return true;
  }

  private static CodException failure(ExecutionRequest request, Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof SandboxLimitException) {
        LOG.info("job {}: stopped: {}", request.jobId(), t.getMessage());
        return new CodException(ErrorCode.EXECUTION_FAILED, t.getMessage(), thrown);
      }
      if (t instanceof CodException c) {
        return c;
      }
      if (t instanceof StackOverflowError) {
        return new CodException(
            ErrorCode.EXECUTION_FAILED,
            "call stack exhausted: the module recursed deeper than the JVM's stack allows; the"
                + " depth at which this happens is not the same on every node, so no result is"
                + " kept. Have the job recurse less",
            thrown);
      }
      if (t instanceof OutOfMemoryError) {
        return new CodException(
            ErrorCode.EXECUTION_FAILED,
            "the node's JVM ran out of heap while running the module; lower resources.memory or"
                + " give the node more heap (-Xmx)",
            thrown);
      }
    }
    if (thrown instanceof ChicoryException) {
      return new CodException(
          ErrorCode.INVALID_INPUT,
          "the module cannot be instantiated: " + thrown.getMessage(),
          thrown);
    }
    return new CodException(
        ErrorCode.INTERNAL,
        "running the module of job " + request.jobId() + " failed: " + thrown,
        thrown);
  }

  private Path createScratch() {
    try {
      Files.createDirectories(config.scratchRoot());
      return Files.createTempDirectory(config.scratchRoot(), "cod-wasm-");
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INTERNAL,
          "cannot create a scratch dir in " + config.scratchRoot() + ": " + e.getMessage(),
          e);
    }
  }

}
