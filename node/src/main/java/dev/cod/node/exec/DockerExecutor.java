package dev.cod.node.exec;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotAcceptableException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.files.FileTrees;
import dev.cod.common.RetriableCodException;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs as Docker containers through the local Docker Engine API (docker-java over a unix
 * socket).
 *
 * <p>Every container is locked down the same way (Docker Engine API v1.41 {@code
 * POST /containers/create}, {@code HostConfig}): {@code NetworkMode=none}, {@code
 * ReadonlyRootfs}, {@code CapDrop=[ALL]}, {@code SecurityOpt=[no-new-privileges]}, user {@value
 * #CONTAINER_USER}, {@code Memory} = {@code MemorySwap} = {@link ResourceLimits#memoryBytes()} (no
 * swap), {@code NanoCpus}, {@code PidsLimit}, a 64 MiB {@code noexec} tmpfs at {@code /tmp},
 * hostname {@value #HOSTNAME}, working dir {@code /}, log driver {@code none}, and the environment
 * {@link #FIXED_ENV} over the request's. The request's {@code inputsDir} is bind-mounted read-only
 * at {@code /inputs}; a fresh scratch directory (mode 0777, so uid 65534 may write) at {@code
 * /outputs}. Stdout and stderr are read by attaching before start (multiplexed frames, raw bytes).
 *
 * <p>The run is bounded: past {@link ResourceLimits#timeout()} the container is killed and the
 * result says {@code timedOut}; once stdout + stderr + {@code /outputs} pass {@link
 * ResourceLimits#maxOutputBytes()} (checked about twice a second while it runs, and exactly at the
 * end) it is killed and the run fails. The container is always removed.
 *
 * <p>Side effect on the host: {@code inputsDir} is made readable by others (adds {@code o+r} to
 * files, {@code o+rx} to directories; never write) so that uid 65534 can read it.
 *
 * @see <a href="https://docs.docker.com/reference/api/engine/version/v1.41/">Docker Engine API
 *     v1.41</a>
 */
public final class DockerExecutor implements Executor, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DockerExecutor.class);

  /** The engine name job specs use. */
  public static final String ENGINE = "docker";
  /** Where Debian's docker.io listens by default. */
  public static final URI DEFAULT_HOST = URI.create("unix:///var/run/docker.sock");
  /** uid:gid the job runs as: {@code nobody:nogroup}. */
  public static final String CONTAINER_USER = "65534:65534";
  /** The container's fixed host name. */
  public static final String HOSTNAME = "cod";
  /** Environment set in every container; wins over the request's {@code env}. */
  public static final Map<String, String> FIXED_ENV =
      Collections.unmodifiableMap(
          new TreeMap<>(
              Map.of("TZ", "UTC", "LC_ALL", "C", "SOURCE_DATE_EPOCH", "0", "HOME", "/tmp")));
  /** Where the inputs appear inside the container (read-only). */
  public static final String INPUTS_MOUNT = "/inputs";
  /** Where the job writes its files inside the container. */
  public static final String OUTPUTS_MOUNT = "/outputs";

  static final String TMPFS_OPTIONS = "rw,noexec,nosuid,nodev,size=64m,mode=1777";
  static final String LABEL_JOB = "dev.cod.job";
  private static final long POLL_MILLIS = 500;
  private static final long GRACE_SECONDS = 15;
  private static final Set<PosixFilePermission> WORLD_WRITABLE =
      PosixFilePermissions.fromString("rwxrwxrwx");

  private final URI dockerHost;
  private final Path scratchRoot;
  private final DockerClient client;

  /**
   * An executor on the engine at {@code dockerHost}, with scratch space in {@code
   * java.io.tmpdir}.
   *
   * @param dockerHost a local socket, {@code unix:///path}, e.g. {@link #DEFAULT_HOST}
   * @throws IllegalArgumentException if {@code dockerHost} is not a {@code unix://} URI
   */
  public DockerExecutor(URI dockerHost) {
    this(dockerHost, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * An executor on the engine at {@code dockerHost}. Only a local socket is accepted: the engine
   * is root on its host, and the bind mounts name host paths.
   *
   * @param dockerHost {@code unix:///path/to/docker.sock}
   * @param scratchRoot absolute directory under which each run makes (and deletes) its scratch dir
   * @throws IllegalArgumentException if {@code dockerHost} is not a {@code unix://} URI or {@code
   *     scratchRoot} is not absolute
   */
  public DockerExecutor(URI dockerHost, Path scratchRoot) {
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(scratchRoot, "scratchRoot");
    if (!"unix".equals(dockerHost.getScheme())
        || dockerHost.getPath() == null
        || dockerHost.getPath().isEmpty()) {
      throw new IllegalArgumentException(
          "dockerHost must be a local socket like unix:///var/run/docker.sock, got " + dockerHost);
    }
    if (!scratchRoot.isAbsolute()) {
      throw new IllegalArgumentException("scratchRoot must be absolute, got " + scratchRoot);
    }
    this.dockerHost = dockerHost;
    this.scratchRoot = scratchRoot;
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(dockerHost.toString())
            .withDockerTlsVerify(false)
            .build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(dockerHost)
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    this.client = DockerClientImpl.getInstance(config, http);
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  /** Whether {@code GET /_ping} answers. Never throws. */
  @Override
  public boolean isInstalled() {
    try {
      client.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      LOG.debug("Docker Engine at {} not reachable: {}", dockerHost, e.toString());
      return false;
    }
  }

  /**
   * Whether the engine answers, the image is present locally ({@code GET /images/{name}/json})
   * and the host has at least the requested CPUs ({@code GET /info} {@code NCPU}). Never throws.
   */
  @Override
  public boolean canRun(ExecutionRequest request) {
    try {
      client.inspectImageCmd(request.image()).exec();
      Integer cpus = client.infoCmd().exec().getNCPU();
      return cpus == null || request.limits().nanoCpus() <= cpus * ResourceLimits.ONE_CPU;
    } catch (RuntimeException e) {
      LOG.debug("cannot run {} on Docker: {}", request.image(), e.toString());
      return false;
    }
  }

  /**
   * Runs the request in a new container and fills {@code resultDir} (see {@link ResultLayout}).
   *
   * @throws CodException {@code EXECUTION_FAILED} if the image is not present locally, the engine
   *     rejects the container (e.g. unknown command, more CPUs than the host has) or the output
   *     passes {@code maxOutputBytes}; {@code INVALID_INPUT} if {@code inputsDir} is not a
   *     directory or {@code resultDir} is not empty. {@code resultDir} is left empty.
   * @throws RetriableCodException {@code DOCKER_UNAVAILABLE} if the engine is unreachable or
   *     fails (HTTP 5xx, broken stream)
   */
  @Override
  @SuppressWarnings("try") // the log context's only effect is on the lines logged inside
  public ExecutionResult run(ExecutionRequest request) {
    Objects.requireNonNull(request, "request");
    try (JobLogContext logContext = JobLogContext.of(request.jobId())) {
      request.requireInputsDir();
      ping();
      requireImage(request.image());
      ResultLayout layout = ResultLayout.at(request.resultDir());
      layout.prepare();
      Path work = createScratch();
      try {
        Path outputs = work.resolve("outputs");
        Files.createDirectory(outputs);
        Files.setPosixFilePermissions(outputs, WORLD_WRITABLE);
        Path stdout = work.resolve("stdout");
        Path stderr = work.resolve("stderr");
        makeReadableByOthers(request.inputsDir());
        ContainerRun run = runContainer(request, outputs, stdout, stderr);
        ResultLayout.Sizes sizes =
            layout.write(outputs, stdout, stderr, run.exitCode, request.limits().maxOutputBytes());
        return new ExecutionResult(
            run.exitCode,
            run.timedOut,
            run.duration,
            sizes.stdoutBytes(),
            sizes.stderrBytes(),
            sizes.outputsBytes(),
            layout.root());
      } catch (IOException e) {
        layout.clear();
        throw new CodException(
            ErrorCode.INTERNAL,
            "cannot prepare the run (scratch dir "
                + work
                + ", inputs "
                + request.inputsDir()
                + "): "
                + e.getMessage(),
            e);
      } catch (RuntimeException e) {
        layout.clear();
        throw translate("running job " + request.jobId(), e);
      } finally {
        FileTrees.deleteQuietly(work);
      }
    }
  }

  /** Closes the connection pool to the engine. */
  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      LOG.debug("closing the Docker client: {}", e.toString());
    }
  }

  private record ContainerRun(int exitCode, boolean timedOut, Duration duration) {}

  private ContainerRun runContainer(
      ExecutionRequest request, Path outputs, Path stdoutFile, Path stderrFile) throws IOException {
    ResourceLimits limits = request.limits();
    String id = createContainer(request, outputs);
    LogSink logs = new LogSink(stdoutFile, stderrFile, limits.maxOutputBytes());
    ExitWatch exit = new ExitWatch();
    try {
      client
          .attachContainerCmd(id)
          .withStdOut(true)
          .withStdErr(true)
          .withFollowStream(true)
          .withLogs(false)
          .exec(logs);
      if (!logs.started.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
        throw new RetriableCodException(
            ErrorCode.DOCKER_UNAVAILABLE,
            "Docker Engine did not attach to container " + id + " within " + GRACE_SECONDS + " s");
      }
      logs.throwIfFailed();
      long start = System.nanoTime();
      client.startContainerCmd(id).exec();
      LOG.info(
          "job {}: container {} started (image {}, timeout {} s)",
          request.jobId(),
          shortId(id),
          request.image(),
          limits.timeout().toSeconds());
      client.waitContainerCmd(id).exec(exit);

      long deadline = start + limits.timeout().toNanos();
      boolean timedOut = false;
      boolean overLimit = false;
      long outputsBytes = 0;
      while (!exit.done.await(
          Math.max(1, Math.min(POLL_MILLIS, (deadline - System.nanoTime()) / 1_000_000)),
          TimeUnit.MILLISECONDS)) {
        outputsBytes = ResultLayout.measure(outputs, false);
        if (logs.overflowed() || outputsBytes + logs.total() > limits.maxOutputBytes()) {
          overLimit = true;
          kill(id);
          break;
        }
        if (System.nanoTime() - deadline >= 0) {
          timedOut = true;
          kill(id);
          break;
        }
      }
      if (!exit.done.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
        throw new RetriableCodException(
            ErrorCode.DOCKER_UNAVAILABLE,
            "container " + id + " did not stop within " + GRACE_SECONDS + " s of being killed");
      }
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      int exitCode = exit.statusCode();
      if (!logs.done.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("job {}: output stream of {} did not end after exit", request.jobId(), id);
      }
      logs.close();
      logs.throwIfFailed();
      LOG.info(
          "job {}: container {} finished: exit code {}{} in {} ms, stdout {} B, stderr {} B",
          request.jobId(),
          shortId(id),
          exitCode,
          timedOut ? " (killed at timeout)" : overLimit ? " (killed over output limit)" : "",
          duration.toMillis(),
          logs.stdoutBytes,
          logs.stderrBytes);
      if (overLimit) {
        ResultLayout.checkLimit(
            Math.max(outputsBytes, ResultLayout.measure(outputs, false)),
            logs.stdoutBytes,
            logs.stderrBytes,
            limits.maxOutputBytes());
      }
      return new ContainerRun(exitCode, timedOut, duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodException(
          ErrorCode.EXECUTION_FAILED,
          "interrupted while running job " + request.jobId() + "; the container was removed",
          e);
    } finally {
      logs.close();
      exit.close();
      remove(id);
    }
  }

  private String createContainer(ExecutionRequest request, Path outputs) {
    ResourceLimits limits = request.limits();
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("none")
            .withReadonlyRootfs(true)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMemory(limits.memoryBytes())
            .withMemorySwap(limits.memoryBytes())
            .withNanoCPUs(limits.nanoCpus())
            .withPidsLimit(limits.pids())
            .withTmpFs(Map.of("/tmp", TMPFS_OPTIONS))
            .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE))
            .withMounts(
                List.of(
                    new Mount()
                        .withType(MountType.BIND)
                        .withSource(request.inputsDir().toString())
                        .withTarget(INPUTS_MOUNT)
                        .withReadOnly(true),
                    new Mount()
                        .withType(MountType.BIND)
                        .withSource(outputs.toString())
                        .withTarget(OUTPUTS_MOUNT)
                        .withReadOnly(false)));
    Map<String, String> env = new TreeMap<>(request.env());
    env.putAll(FIXED_ENV);
    List<String> envList = new ArrayList<>();
    env.forEach((k, v) -> envList.add(k + "=" + v));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_JOB, request.jobId());
    var create =
        client
            .createContainerCmd(request.image())
            .withHostConfig(host)
            .withUser(CONTAINER_USER)
            .withHostName(HOSTNAME)
            .withWorkingDir("/")
            .withEnv(envList)
            .withLabels(labels)
            .withAttachStdin(false)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withStdinOpen(false)
            .withTty(false);
    if (!request.entrypoint().isEmpty()) {
      create.withEntrypoint(request.entrypoint());
    }
    if (!request.args().isEmpty()) {
      create.withCmd(request.args());
    }
    return create.exec().getId();
  }

  private void ping() {
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      throw new RetriableCodException(
          ErrorCode.DOCKER_UNAVAILABLE,
          "Docker Engine not reachable at "
              + dockerHost
              + " ("
              + rootMessage(e)
              + "); start it (dockerd) or point the node at its socket",
          e);
    }
  }

  private void requireImage(String image) {
    try {
      client.inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      throw new CodException(
          ErrorCode.EXECUTION_FAILED,
          "image "
              + image
              + " is not present in the local Docker Engine and is never pulled; build or import"
              + " it first (e.g. scripts/build-busybox-image.sh, docker import, docker load)",
          e);
    } catch (RuntimeException e) {
      throw translate("inspecting image " + image, e);
    }
  }

  private void kill(String id) {
    try {
      client.killContainerCmd(id).exec();
    } catch (NotFoundException | ConflictException e) {
      LOG.debug("kill {}: already stopped ({})", id, e.getMessage());
    }
  }

  private void remove(String id) {
    try {
      client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      LOG.debug("container {} already removed", id);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not remove container {} (label {}); remove it by hand: {}",
          id,
          LABEL_JOB,
          e.toString());
    }
  }

  private Path createScratch() {
    try {
      Files.createDirectories(scratchRoot);
      return Files.createTempDirectory(scratchRoot, "cod-docker-");
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INTERNAL,
          "cannot create a scratch dir in " + scratchRoot + ": " + e.getMessage(),
          e);
    }
  }

  /** Adds o+r to files and o+rx to directories under {@code dir}, not following links. */
  private static void makeReadableByOthers(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            addPermissions(
                d, EnumSet.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            if (attrs.isRegularFile()) {
              addPermissions(f, EnumSet.of(PosixFilePermission.OTHERS_READ));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void addPermissions(Path p, Set<PosixFilePermission> wanted) throws IOException {
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    if (!current.containsAll(wanted)) {
      Set<PosixFilePermission> updated = EnumSet.copyOf(current);
      updated.addAll(wanted);
      try {
        Files.setPosixFilePermissions(p, updated);
      } catch (IOException e) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "inputs must be readable by uid 65534, and "
                + p
                + " is not and cannot be made so ("
                + e.getMessage()
                + "); chmod o+rX it",
            e);
      }
    }
  }

  /** Wraps a library exception; a {@link CodException} passes through. */
  private CodException translate(String what, RuntimeException e) {
    if (e instanceof CodException) {
      return (CodException) e;
    }
    if (e instanceof BadRequestException
        || e instanceof NotFoundException
        || e instanceof ConflictException
        || e instanceof NotAcceptableException) {
      return new CodException(
          ErrorCode.EXECUTION_FAILED,
          "Docker Engine rejected " + what + ": " + rootMessage(e) + "; fix the job spec",
          e);
    }
    if (e instanceof DockerException) {
      return new RetriableCodException(
          ErrorCode.DOCKER_UNAVAILABLE,
          "Docker Engine failed " + what + ": " + rootMessage(e) + "; try again later",
          e);
    }
    return new RetriableCodException(
        ErrorCode.DOCKER_UNAVAILABLE,
        "Docker Engine at "
            + dockerHost
            + " not reachable or broke off while "
            + what
            + ": "
            + rootMessage(e)
            + "; check that dockerd runs",
        e);
  }

  /** The first non-blank message along the cause chain, else the class name. */
  private static String rootMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage().strip();
      }
    }
    return e.getClass().getSimpleName();
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** Receives {@code POST /containers/{id}/wait}: the exit status. */
  private static final class ExitWatch implements ResultCallback<WaitResponse> {
    final CountDownLatch done = new CountDownLatch(1);
    private volatile Closeable stream;
    private volatile Integer statusCode;
    private volatile Throwable error;

    @Override
    public void onStart(Closeable s) {
      stream = s;
    }

    @Override
    public void onNext(WaitResponse response) {
      statusCode = response.getStatusCode();
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }

    int statusCode() {
      if (error instanceof RuntimeException) {
        throw (RuntimeException) error;
      }
      if (error != null) {
        throw new RetriableCodException(
            ErrorCode.DOCKER_UNAVAILABLE,
            "waiting for the container failed: " + rootMessage(error),
            error);
      }
      if (statusCode == null) {
        throw new RetriableCodException(
            ErrorCode.DOCKER_UNAVAILABLE, "Docker Engine ended the wait without an exit status");
      }
      return statusCode;
    }

    @Override
    public void close() {
      done.countDown();
      Closeable s = stream;
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          LOG.debug("closing wait stream: {}", e.toString());
        }
      }
    }
  }

  /**
   * Receives {@code POST /containers/{id}/attach}: stdout and stderr frames, written raw to two
   * files. Past {@code max} bytes in all it stops writing and marks the overflow.
   */
  private static final class LogSink implements ResultCallback<Frame> {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);
    private final OutputStream out;
    private final OutputStream err;
    private final long max;
    private volatile Closeable stream;
    private volatile Throwable error;
    private volatile long stdoutBytes;
    private volatile long stderrBytes;
    private volatile boolean overflow;
    private boolean closed;

    LogSink(Path stdoutFile, Path stderrFile, long max) throws IOException {
      this.out = new BufferedOutputStream(Files.newOutputStream(stdoutFile));
      this.err = new BufferedOutputStream(Files.newOutputStream(stderrFile));
      this.max = max;
    }

    @Override
    public void onStart(Closeable s) {
      stream = s;
      started.countDown();
    }

    @Override
    public synchronized void onNext(Frame frame) {
      byte[] payload = frame.getPayload();
      if (payload == null || payload.length == 0 || closed) {
        return;
      }
      OutputStream target;
      switch (frame.getStreamType()) {
        case STDOUT:
        case RAW:
          stdoutBytes += payload.length;
          target = out;
          break;
        case STDERR:
          stderrBytes += payload.length;
          target = err;
          break;
        default:
          return;
      }
      if (overflow || total() > max) {
        overflow = true;
        return;
      }
      try {
        target.write(payload);
      } catch (IOException e) {
        onError(e);
      }
    }

    long total() {
      return stdoutBytes + stderrBytes;
    }

    boolean overflowed() {
      return overflow;
    }

    @Override
    public void onError(Throwable t) {
      if (error == null) {
        error = t;
      }
      started.countDown();
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }

    void throwIfFailed() {
      Throwable t = error;
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t != null) {
        throw new RetriableCodException(
            ErrorCode.DOCKER_UNAVAILABLE,
            "reading the container's output failed: " + rootMessage(t),
            t);
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      done.countDown();
      Closeable s = stream;
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          LOG.debug("closing attach stream: {}", e.toString());
        }
      }
      try {
        out.close();
        err.close();
      } catch (IOException e) {
        error = e;
      }
    }
  }
}
