package dev.cod.node.exec.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * WASI preview1 ({@code wasi_snapshot_preview1}) for cod's jobs, with nothing that differs between
 * two runs of the same job on the same inputs: Chicory's {@link WasiPreview1} for the plain calls
 * (args, env, reads, seeks, prestats, exit), and this class's own answers wherever Chicory would
 * show the host:
 *
 * <ul>
 *   <li>clocks ({@code clock_time_get}, {@code clock_res_get}): every clock reads {@link
 *       SandboxSeed#instant()}, resolution 1 ns; {@code poll_oneoff} never sleeps: every
 *       subscription fires at once (so {@code nanosleep} returns at once and time does not move);
 *   <li>{@code random_get}: {@link SandboxSeed#stream()};
 *   <li>file metadata ({@code fd_filestat_get}, {@code path_filestat_get}): device 1 for
 *       {@code /inputs}, 2 for {@code /outputs}; inode from the SHA-256 of the area and the path
 *       (never the host's); link count 1; directories size 0; access, modification and change
 *       times all {@link SandboxSeed#instant()};
 *   <li>{@code fd_readdir}: ".", "..", then names in byte order (never the host file system's
 *       order), with the same inodes;
 *   <li>file system: only the preopened {@code /inputs} (fd 3) and {@code /outputs} (fd 4). Under
 *       {@code /inputs} anything that writes ({@code path_open} with write rights, create or
 *       truncate; {@code path_create_directory}, {@code path_unlink_file}, {@code
 *       path_remove_directory}, {@code path_rename}, {@code *_set_times}, {@code *_set_size},
 *       {@code fd_allocate}, {@code fd_write}, {@code fd_pwrite}) fails with {@code EROFS} (or
 *       {@code EBADF} on a descriptor). No path may leave its area, neither with ".." nor through
 *       a symbolic link ({@code ENOTCAPABLE}); {@code path_symlink} and {@code path_link} fail
 *       with {@code EPERM};
 *   <li>network: none; {@code sock_*} answer {@code ENOTSUP};
 *   <li>output: writes to {@code /outputs} and to stdout/stderr count against the run's {@link
 *       OutputBudget}, which stops the run at the limit.
 * </ul>
 *
 * <p>A module may import only the functions of {@code wasi_snapshot_preview1} with their spec
 * types ({@link #checkImports}); anything else (another module, a memory, a table, a global, a
 * function the spec does not define) is refused before the module runs.
 *
 * <p>One instance per run; used by the module's thread only.
 *
 * @see <a href="https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md">WASI
 *     preview1 API</a>
 */
final class DeterministicWasi implements AutoCloseable {
  /** The only module a job may import from. */
  static final String MODULE = "wasi_snapshot_preview1";
  /** Guest path of the read-only inputs. */
  static final String INPUTS = "/inputs";
  /** Guest path of the outputs. */
  static final String OUTPUTS = "/outputs";

  // errno values, WASI preview1 "errno" enum
  static final int ESUCCESS = 0;
  static final int EBADF = 8;
  static final int EINVAL = 28;
  static final int EIO = 29;
  static final int ENOENT = 44;
  static final int ENOTDIR = 54;
  static final int ENOTSUP = 58;
  static final int EPERM = 63;
  static final int EROFS = 69;
  static final int ENOTCAPABLE = 76;

  // filetype enum
  private static final byte FILETYPE_UNKNOWN = 0;
  private static final byte FILETYPE_CHARACTER_DEVICE = 2;
  private static final byte FILETYPE_DIRECTORY = 3;
  private static final byte FILETYPE_REGULAR_FILE = 4;
  private static final byte FILETYPE_SYMBOLIC_LINK = 7;

  // rights and flags
  private static final long RIGHT_FD_DATASYNC = 1L;
  private static final long RIGHT_FD_WRITE = 1L << 6;
  private static final long RIGHT_FD_ALLOCATE = 1L << 8;
  private static final long RIGHT_FD_FILESTAT_SET_SIZE = 1L << 22;
  private static final long WRITE_RIGHTS =
      RIGHT_FD_DATASYNC | RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE;
  private static final int OFLAG_CREAT = 1;
  private static final int OFLAG_TRUNC = 8;
  private static final int LOOKUP_SYMLINK_FOLLOW = 1;

  // eventtype enum
  private static final int EVENT_CLOCK = 0;

  /** Which preopened directory a descriptor lies in. */
  enum Area {
    INPUTS(1),
    OUTPUTS(2);

    final long device;

    Area(long device) {
      this.device = device;
    }
  }

  /** A descriptor this class knows the host path of: a preopen, or what path_open opened. */
  private record Node(Area area, Path host, boolean directory) {}

  private final WasiPreview1 wasi;
  private final Map<String, HostFunction> chicory = new LinkedHashMap<>();
  private final Map<Integer, Node> fds = new HashMap<>();
  private final Path inputsRoot;
  private final Path outputsRoot;
  private final Path inputsReal;
  private final Path outputsReal;
  private final long nowNanos;
  private final SandboxSeed.ByteStream random;
  private final OutputBudget budget;

  /**
   * @param seed the job's clock and random stream
   * @param args argv, {@code argv[0]} first
   * @param env environment, in the order given
   * @param inputs host directory shown read-only at {@code /inputs}
   * @param outputs host directory shown at {@code /outputs}
   * @param stdout where the module's fd 1 goes (counted by {@code budget})
   * @param stderr where the module's fd 2 goes (counted by {@code budget})
   * @param budget the run's output limits
   * @throws IOException if the preopened directories cannot be resolved
   */
  DeterministicWasi(
      SandboxSeed seed,
      List<String> args,
      Map<String, String> env,
      Path inputs,
      Path outputs,
      OutputStream stdout,
      OutputStream stderr,
      OutputBudget budget)
      throws IOException {
    this.inputsRoot = inputs;
    this.outputsRoot = outputs;
    this.inputsReal = inputs.toRealPath();
    this.outputsReal = outputs.toRealPath();
    this.nowNanos = seed.instantNanos();
    this.random = seed.stream();
    this.budget = budget;
    WasiOptions.Builder options =
        WasiOptions.builder()
            .withArguments(args)
            .withStdin(new ByteArrayInputStream(new byte[0]), false)
            .withStdout(budget.stdio(stdout, true), false)
            .withStderr(budget.stdio(stderr, false), false)
            .withClock(Clock.fixed(seed.instant(), ZoneOffset.UTC))
            .withRandom(new Random(0))
            .withDirectory(INPUTS, inputs)
            .withDirectory(OUTPUTS, outputs);
    env.forEach(options::withEnvironment);
    this.wasi = WasiPreview1.builder().withOptions(options.build()).build();
    for (HostFunction f : wasi.toHostFunctions()) {
      if (!f.name().startsWith("adapter_")) {
        chicory.put(f.name(), f);
      }
    }
    // Chicory allocates fds 0-2 for stdio, then the preopens in the order given.
    fds.put(3, new Node(Area.INPUTS, inputs, true));
    fds.put(4, new Node(Area.OUTPUTS, outputs, true));
  }

  /**
   * The {@code wasi_snapshot_preview1} functions with their spec types, for checking imports.
   * Computed from Chicory's implementation (less its component-adapter extras).
   */
  static Map<String, FunctionType> preview1Functions() {
    Map<String, FunctionType> types = new LinkedHashMap<>();
    try (WasiPreview1 w = WasiPreview1.builder().build()) {
      for (HostFunction f : w.toHostFunctions()) {
        if (!f.name().startsWith("adapter_")) {
          types.put(f.name(), f.functionType());
        }
      }
    }
    return types;
  }

  /**
   * Refuses a module that imports anything but {@code wasi_snapshot_preview1} functions of the
   * spec's types.
   *
   * @throws CodException {@code INVALID_INPUT} naming the first such import ({@code
   *     module.name}), its kind, and what is allowed
   */
  static void checkImports(WasmModule module) {
    Map<String, FunctionType> allowed = preview1Functions();
    int count = module.importSection().importCount();
    for (int i = 0; i < count; i++) {
      Import imp = module.importSection().getImport(i);
      String name = imp.module() + "." + imp.name();
      if (imp.importType() != ExternalType.FUNCTION) {
        throw forbidden(name, "a " + imp.importType().name().toLowerCase() + " import");
      }
      FunctionType expected = allowed.get(imp.name());
      if (!MODULE.equals(imp.module()) || expected == null) {
        throw forbidden(name, "a function the sandbox does not provide");
      }
      FunctionType actual = module.typeSection().getType(((FunctionImport) imp).typeIndex());
      if (!actual.typesMatch(expected)) {
        throw forbidden(
            name, "typed " + actual + " where WASI preview1 defines " + expected);
      }
    }
  }

  private static CodException forbidden(String name, String what) {
    return new CodException(
        ErrorCode.INVALID_INPUT,
        "the module imports "
            + name
            + ", "
            + what
            + "; a cod WASM job may import only wasi_snapshot_preview1 functions (WASI preview1:"
            + " args, environ, clocks, random, fd_*, path_*, poll_oneoff, proc_exit; no network,"
            + " no other host functions). Rebuild the module for wasm32-wasi without it");
  }

  /** The host functions to link the module against. */
  List<HostFunction> hostFunctions() {
    Map<String, WasmFunctionHandle> own = new HashMap<>();
    own.put("clock_time_get", this::clockTimeGet);
    own.put("clock_res_get", this::clockResGet);
    own.put("poll_oneoff", this::pollOneoff);
    own.put("random_get", this::randomGet);
    own.put("fd_filestat_get", this::fdFilestatGet);
    own.put("path_filestat_get", this::pathFilestatGet);
    own.put("fd_readdir", this::fdReaddir);
    own.put("path_open", this::pathOpen);
    own.put("fd_close", this::fdClose);
    own.put("fd_renumber", this::fdRenumber);
    own.put("fd_write", (inst, a) -> fdWrite("fd_write", inst, a));
    own.put("fd_pwrite", (inst, a) -> fdWrite("fd_pwrite", inst, a));
    own.put("fd_filestat_set_size", (inst, a) -> fdResize("fd_filestat_set_size", inst, a));
    own.put("fd_allocate", (inst, a) -> fdResize("fd_allocate", inst, a));
    own.put("fd_filestat_set_times", this::fdFilestatSetTimes);
    own.put("path_filestat_set_times", this::pathFilestatSetTimes);
    own.put("path_create_directory", this::pathCreateDirectory);
    own.put("path_unlink_file", (inst, a) -> pathRemove("path_unlink_file", inst, a));
    own.put("path_remove_directory", (inst, a) -> pathRemove("path_remove_directory", inst, a));
    own.put("path_rename", this::pathRename);
    own.put("path_symlink", (inst, a) -> result(EPERM));
    own.put("path_link", (inst, a) -> result(EPERM));
    for (String sock : List.of("sock_accept", "sock_recv", "sock_send", "sock_shutdown")) {
      own.put(sock, (inst, a) -> result(ENOTSUP));
    }
    List<HostFunction> out = new ArrayList<>();
    for (HostFunction f : chicory.values()) {
      WasmFunctionHandle mine = own.get(f.name());
      out.add(mine == null ? f : new HostFunction(MODULE, f.name(), f.functionType(), mine));
    }
    return out;
  }

  @Override
  public void close() {
    wasi.close();
  }

  // ---- clocks, time, randomness ----

  private long[] clockTimeGet(Instance instance, long... a) {
    int id = (int) a[0];
    if (id < 0 || id > 3) {
      return result(EINVAL);
    }
    instance.memory().writeLong((int) a[2], nowNanos);
    return result(ESUCCESS);
  }

  private long[] clockResGet(Instance instance, long... a) {
    int id = (int) a[0];
    if (id < 0 || id > 3) {
      return result(EINVAL);
    }
    instance.memory().writeLong((int) a[1], 1L);
    return result(ESUCCESS);
  }

  /** Every subscription fires at once: clocks have "elapsed", descriptors are "ready". */
  private long[] pollOneoff(Instance instance, long... a) {
    Memory memory = instance.memory();
    int in = (int) a[0];
    int out = (int) a[1];
    int n = (int) a[2];
    if (n <= 0) {
      return result(EINVAL);
    }
    for (int i = 0; i < n; i++) {
      int sub = in + i * 48;
      long userData = memory.readLong(sub);
      int type = memory.read(sub + 8) & 0xff;
      int errno = ESUCCESS;
      if (type != EVENT_CLOCK) {
        int fd = memory.readInt(sub + 16);
        if (fd < 0 || (fd > 2 && !fds.containsKey(fd))) {
          errno = EBADF;
        }
      }
      int ev = out + i * 32;
      memory.fill((byte) 0, ev, ev + 32);
      memory.writeLong(ev, userData);
      memory.writeShort(ev + 8, (short) errno);
      memory.writeByte(ev + 10, (byte) type);
    }
    memory.writeI32((int) a[3], n);
    return result(ESUCCESS);
  }

  private long[] randomGet(Instance instance, long... a) {
    int buf = (int) a[0];
    int len = (int) a[1];
    if (len < 0) {
      return result(EINVAL);
    }
    byte[] chunk = new byte[Math.min(len, 1 << 16)];
    for (int done = 0; done < len; ) {
      if (Thread.currentThread().isInterrupted()) {
        throw new com.dylibso.chicory.runtime.ChicoryInterruptedException("Thread interrupted");
      }
      int n = Math.min(chunk.length, len - done);
      random.next(chunk, 0, n);
      instance.memory().write(buf + done, chunk, 0, n);
      done += n;
    }
    return result(ESUCCESS);
  }

  // ---- metadata ----

  private long[] fdFilestatGet(Instance instance, long... a) {
    Node node = fds.get((int) a[0]);
    if (node == null) {
      return delegate("fd_filestat_get", instance, a);
    }
    return result(writeStat(instance.memory(), (int) a[1], node.area(), node.host(), false));
  }

  private long[] pathFilestatGet(Instance instance, long... a) {
    Node dir = fds.get((int) a[0]);
    if (dir == null) {
      return delegate("path_filestat_get", instance, a);
    }
    Resolved r = resolve(dir, path(instance, a[2], a[3]));
    if (r.errno != ESUCCESS) {
      return result(r.errno);
    }
    boolean follow = (a[1] & LOOKUP_SYMLINK_FOLLOW) != 0;
    return result(writeStat(instance.memory(), (int) a[4], dir.area(), r.host, !follow));
  }

  /** Writes a WASI filestat (64 bytes) with the deterministic fields described above. */
  private int writeStat(Memory memory, int buf, Area area, Path host, boolean noFollow) {
    BasicFileAttributes attrs;
    try {
      attrs =
          noFollow
              ? Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              : Files.readAttributes(host, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return ENOENT;
    } catch (IOException e) {
      return EIO;
    }
    memory.fill((byte) 0, buf, buf + 64);
    memory.writeLong(buf, area.device);
    memory.writeLong(buf + 8, inode(area, host));
    memory.writeByte(buf + 16, fileType(attrs));
    memory.writeLong(buf + 24, 1L);
    memory.writeLong(buf + 32, attrs.isRegularFile() ? attrs.size() : 0L);
    memory.writeLong(buf + 40, nowNanos);
    memory.writeLong(buf + 48, nowNanos);
    memory.writeLong(buf + 56, nowNanos);
    return ESUCCESS;
  }

  private long[] fdReaddir(Instance instance, long... a) {
    Node dir = fds.get((int) a[0]);
    if (dir == null) {
      return delegate("fd_readdir", instance, a);
    }
    if (!dir.directory()) {
      return result(ENOTDIR);
    }
    Memory memory = instance.memory();
    int buf = (int) a[1];
    int bufLen = (int) a[2];
    long cookie = a[3];
    if (cookie < 0) {
      return result(EINVAL);
    }
    List<byte[]> names = new ArrayList<>();
    names.add(".".getBytes(StandardCharsets.UTF_8));
    names.add("..".getBytes(StandardCharsets.UTF_8));
    TreeSet<byte[]> sorted = new TreeSet<>(Arrays::compareUnsigned);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.host())) {
      for (Path p : entries) {
        sorted.add(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
      }
    } catch (NoSuchFileException e) {
      return result(ENOENT);
    } catch (IOException e) {
      return result(EIO);
    }
    names.addAll(sorted);
    Path root = dir.area() == Area.INPUTS ? inputsRoot : outputsRoot;
    int used = 0;
    for (long i = cookie; i < names.size() && used < bufLen; i++) {
      byte[] name = names.get((int) i);
      String s = new String(name, StandardCharsets.UTF_8);
      Path entry;
      byte type;
      if (i == 0) {
        entry = dir.host();
        type = FILETYPE_DIRECTORY;
      } else if (i == 1) {
        entry = dir.host().equals(root) ? root : dir.host().getParent();
        type = FILETYPE_DIRECTORY;
      } else {
        entry = dir.host().resolve(s);
        try {
          type =
              fileType(
                  Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
          continue; // vanished meanwhile
        }
      }
      ByteBuffer d = ByteBuffer.allocate(24 + name.length).order(ByteOrder.LITTLE_ENDIAN);
      d.putLong(0, i + 1);
      d.putLong(8, inode(dir.area(), entry));
      d.putInt(16, name.length);
      d.put(20, type);
      d.position(24);
      d.put(name);
      int n = Math.min(d.capacity(), bufLen - used);
      memory.write(buf + used, d.array(), 0, n);
      used += n;
    }
    memory.writeI32((int) a[4], used);
    return result(ESUCCESS);
  }

  // ---- opening and closing ----

  private long[] pathOpen(Instance instance, long... a) {
    Node dir = fds.get((int) a[0]);
    if (dir == null) {
      return delegate("path_open", instance, a);
    }
    Resolved r = resolve(dir, path(instance, a[2], a[3]));
    if (r.errno != ESUCCESS) {
      return result(r.errno);
    }
    int oflags = (int) a[4];
    long rights = a[5];
    boolean writes =
        (rights & WRITE_RIGHTS) != 0 || (oflags & (OFLAG_CREAT | OFLAG_TRUNC)) != 0;
    if (writes && dir.area() == Area.INPUTS) {
      return result(EROFS);
    }
    boolean creates = (oflags & OFLAG_CREAT) != 0 && !Files.exists(r.host, LinkOption.NOFOLLOW_LINKS);
    if (creates) {
      budget.beforeCreate();
    }
    long[] res = delegate("path_open", instance, a);
    if (res[0] == ESUCCESS) {
      int fd = instance.memory().readInt((int) a[8]);
      fds.put(fd, new Node(dir.area(), r.host, Files.isDirectory(r.host)));
      // truncation only shrinks: it cannot take the result past its limit
    }
    return res;
  }

  private long[] fdClose(Instance instance, long... a) {
    long[] res = delegate("fd_close", instance, a);
    if (res[0] == ESUCCESS) {
      fds.remove((int) a[0]);
    }
    return res;
  }

  private long[] fdRenumber(Instance instance, long... a) {
    long[] res = delegate("fd_renumber", instance, a);
    if (res[0] == ESUCCESS && a[0] != a[1]) {
      Node moved = fds.remove((int) a[0]);
      if (moved == null) {
        fds.remove((int) a[1]);
      } else {
        fds.put((int) a[1], moved);
      }
    }
    return res;
  }

  // ---- writing ----

  private long[] fdWrite(String name, Instance instance, long... a) {
    Node node = fds.get((int) a[0]);
    if (node != null) {
      if (node.area() == Area.INPUTS || node.directory()) {
        return result(EBADF);
      }
      Memory memory = instance.memory();
      long total = 0;
      for (int i = 0; i < (int) a[2]; i++) {
        total += Integer.toUnsignedLong(memory.readInt((int) a[1] + i * 8 + 4));
      }
      budget.beforeWrite(total);
    }
    return delegate(name, instance, a);
  }

  private long[] fdResize(String name, Instance instance, long... a) {
    Node node = fds.get((int) a[0]);
    if (node == null) {
      return delegate(name, instance, a);
    }
    if (node.area() == Area.INPUTS || node.directory()) {
      return result(EBADF);
    }
    long[] res = delegate(name, instance, a);
    budget.afterResize();
    return res;
  }

  /** Times are not kept: every stat shows the job's instant. Refused under /inputs. */
  private long[] fdFilestatSetTimes(Instance instance, long... a) {
    Node node = fds.get((int) a[0]);
    if (node == null) {
      return delegate("fd_filestat_set_times", instance, a);
    }
    return result(node.area() == Area.INPUTS ? EBADF : ESUCCESS);
  }

  private long[] pathFilestatSetTimes(Instance instance, long... a) {
    Node dir = fds.get((int) a[0]);
    if (dir == null) {
      return delegate("path_filestat_set_times", instance, a);
    }
    Resolved r = resolve(dir, path(instance, a[2], a[3]));
    if (r.errno != ESUCCESS) {
      return result(r.errno);
    }
    if (dir.area() == Area.INPUTS) {
      return result(EROFS);
    }
    return result(Files.exists(r.host, LinkOption.NOFOLLOW_LINKS) ? ESUCCESS : ENOENT);
  }

  private long[] pathCreateDirectory(Instance instance, long... a) {
    Node dir = fds.get((int) a[0]);
    if (dir == null) {
      return delegate("path_create_directory", instance, a);
    }
    Resolved r = resolve(dir, path(instance, a[1], a[2]));
    if (r.errno != ESUCCESS) {
      return result(r.errno);
    }
    if (dir.area() == Area.INPUTS) {
      return result(EROFS);
    }
    budget.beforeCreate();
    return delegate("path_create_directory", instance, a);
  }

  private long[] pathRemove(String name, Instance instance, long... a) {
    Node dir = fds.get((int) a[0]);
    if (dir == null) {
      return delegate(name, instance, a);
    }
    Resolved r = resolve(dir, path(instance, a[1], a[2]));
    if (r.errno != ESUCCESS) {
      return result(r.errno);
    }
    if (dir.area() == Area.INPUTS) {
      return result(EROFS);
    }
    return delegate(name, instance, a);
  }

  private long[] pathRename(Instance instance, long... a) {
    Node from = fds.get((int) a[0]);
    Node to = fds.get((int) a[3]);
    if (from == null || to == null) {
      return delegate("path_rename", instance, a);
    }
    Resolved r1 = resolve(from, path(instance, a[1], a[2]));
    Resolved r2 = resolve(to, path(instance, a[4], a[5]));
    if (r1.errno != ESUCCESS || r2.errno != ESUCCESS) {
      return result(r1.errno != ESUCCESS ? r1.errno : r2.errno);
    }
    if (from.area() == Area.INPUTS || to.area() == Area.INPUTS) {
      return result(EROFS);
    }
    return delegate("path_rename", instance, a);
  }

  // ---- helpers ----

  private record Resolved(int errno, Path host) {}

  /**
   * Resolves a guest path relative to a directory descriptor: relative, no ".." above the area's
   * root, and no symbolic link leading out of the area (checked on the longest existing prefix).
   */
  private Resolved resolve(Node dir, String raw) {
    if (raw.indexOf('\0') >= 0) {
      return new Resolved(EINVAL, null);
    }
    Path rel;
    try {
      rel = dir.host().getFileSystem().getPath(raw);
    } catch (InvalidPathException e) {
      return new Resolved(EINVAL, null);
    }
    if (rel.isAbsolute()) {
      return new Resolved(ENOTCAPABLE, null);
    }
    Path root = dir.area() == Area.INPUTS ? inputsRoot : outputsRoot;
    Path host = dir.host().resolve(rel).normalize();
    if (!host.startsWith(root)) {
      return new Resolved(ENOTCAPABLE, null);
    }
    Path real = dir.area() == Area.INPUTS ? inputsReal : outputsReal;
    for (Path p = host; p != null && p.startsWith(root); p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        try {
          if (!p.toRealPath().startsWith(real)) {
            return new Resolved(ENOTCAPABLE, null);
          }
        } catch (IOException e) {
          // a dangling link: it cannot lead anywhere readable
          return new Resolved(ENOENT, null);
        }
        break;
      }
    }
    return new Resolved(ESUCCESS, host);
  }

  private static String path(Instance instance, long ptr, long len) {
    return new String(
        instance.memory().readBytes((int) ptr, (int) len), StandardCharsets.UTF_8);
  }

  /** A positive 63-bit inode from SHA-256(area, path relative to the area's root). */
  private long inode(Area area, Path host) {
    Path root = area == Area.INPUTS ? inputsRoot : outputsRoot;
    String rel = root.relativize(host).toString();
    byte[] h = SandboxSeed.sha256((area.name() + "\0" + rel).getBytes(StandardCharsets.UTF_8));
    long ino = ByteBuffer.wrap(h, 0, 8).getLong() & Long.MAX_VALUE;
    return ino == 0 ? 1 : ino;
  }

  private static byte fileType(BasicFileAttributes attrs) {
    if (attrs.isSymbolicLink()) {
      return FILETYPE_SYMBOLIC_LINK;
    }
    if (attrs.isDirectory()) {
      return FILETYPE_DIRECTORY;
    }
    if (attrs.isRegularFile()) {
      return FILETYPE_REGULAR_FILE;
    }
    return attrs.isOther() ? FILETYPE_CHARACTER_DEVICE : FILETYPE_UNKNOWN;
  }

  private long[] delegate(String name, Instance instance, long... args) {
    return chicory.get(name).handle().apply(instance, args);
  }

  private static long[] result(int errno) {
    return new long[] {errno};
  }
}
