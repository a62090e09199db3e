package dev.cod.node.storage;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cod.cid.Cid;
import dev.cod.cid.PieceCommitment;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A booster-http-compatible piece server on the JDK's {@link HttpServer}, bound to 127.0.0.1: it
 * stands in for the SP's booster-http on the local devnet and in tests. It serves the files of
 * one directory, each named by its piece CID in canonical form ({@link #pieceFile}), at {@code
 * GET /piece/<piece CID>} (and {@code HEAD}).
 *
 * <p>Answers, after FRC-0066 (Piece Retrieval Gateway) and RFC 9110 §14:
 *
 * <ul>
 *   <li>{@code 200} with the whole file; {@code Accept-Ranges: bytes}, {@code Content-Type:
 *       application/octet-stream}, {@code Cache-Control: public, max-age=29030400, immutable},
 *       {@code Etag} (the piece CID), {@code X-Content-Type-Options: nosniff};
 *   <li>{@code 206} with {@code Content-Range: bytes first-last/length} for one satisfiable byte
 *       range ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}); several ranges or a
 *       malformed {@code Range} header are ignored (200, as RFC 9110 allows);
 *   <li>{@code 416} with {@code Content-Range: bytes *}{@code /length} when the range starts at or
 *       after the end;
 *   <li>{@code 404} for a piece it does not have, {@code 400} for a path that is not {@code
 *       /piece/<piece CID>}, {@code 405} for other methods.
 * </ul>
 *
 * <p>Sources: <a href="https://github.com/filecoin-project/FIPs/blob/master/FRCs/frc-0066.md">FRC-0066</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc9110#section-14">RFC 9110 §14 (Range requests)</a>.
 * It does not check that a file matches its name: clients verify (see {@link BoosterHttpSource}).
 */
public final class PieceHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PieceHttpServer.class);

  private static final Pattern PATH = Pattern.compile("^/piece/([A-Za-z0-9]+)$");
  private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
  private static final int THREADS = 4;
  private static final int BUFFER = 64 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path directory;
  private final URI baseUrl;

  private PieceHttpServer(HttpServer server, ExecutorService executor, Path directory) {
    this.server = server;
    this.executor = executor;
    this.directory = directory;
    this.baseUrl =
        URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Serves {@code directory} on 127.0.0.1 at a port the OS picks.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code directory} is not a directory
   *     or the server cannot bind
   */
  public static PieceHttpServer start(Path directory) {
    return start(directory, 0);
  }

  /**
   * Serves {@code directory} on 127.0.0.1:{@code port} (0: any free port).
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code directory} is not a directory
   *     or the port cannot be bound
   */
  public static PieceHttpServer start(Path directory, int port) {
    Objects.requireNonNull(directory, "directory");
    if (!Files.isDirectory(directory)) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a directory of pieces to serve, found none at " + directory);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot bind the piece server to 127.0.0.1:" + port + ": " + e, e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "piece-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    PieceHttpServer pieces = new PieceHttpServer(server, executor, directory.toAbsolutePath());
    server.createContext("/", pieces::handle);
    server.setExecutor(executor);
    server.start();
    LOG.info("piece server for {} listening at {}", pieces.directory, pieces.baseUrl);
    return pieces;
  }

  /** The base URL, {@code http://127.0.0.1:<port>}; pieces are at {@code <base>/piece/<CID>}. */
  public URI baseUrl() {
    return baseUrl;
  }

  /** The file a piece is served from: {@code directory/<piece CID in canonical form>}. */
  public static Path pieceFile(Path directory, Cid pieceCid) {
    return directory.resolve(pieceCid.toString());
  }

  /** Stops serving at once; open downloads break off. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    LOG.info("piece server at {} stopped", baseUrl);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        text(exchange, 405, "only GET and HEAD are served");
        return;
      }
      Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
      if (!path.matches()) {
        text(exchange, 400, "expected /piece/<piece CID>");
        return;
      }
      Optional<Cid> pieceCid = pieceCid(path.group(1));
      if (pieceCid.isEmpty()) {
        text(exchange, 400, "not a piece CID: " + path.group(1));
        return;
      }
      Path file = pieceFile(directory, pieceCid.get());
      long length;
      FileChannel channel;
      try {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          throw new NoSuchFileException(file.toString());
        }
        channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        length = channel.size();
      } catch (NoSuchFileException e) {
        text(exchange, 404, "no piece " + pieceCid.get() + " here");
        return;
      }
      try (channel) {
        serve(exchange, head, pieceCid.get(), channel, length);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("piece request {} failed: {}", exchange.getRequestURI(), e.toString());
      throw e;
    }
  }

  private static Optional<Cid> pieceCid(String text) {
    try {
      Cid cid = Cid.parse(text);
      return PieceCommitment.isPieceCid(cid) ? Optional.of(cid) : Optional.empty();
    } catch (CodException e) {
      return Optional.empty();
    }
  }

  private static void serve(
      HttpExchange exchange, boolean head, Cid pieceCid, FileChannel channel, long length)
      throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Accept-Ranges", "bytes");
    headers.set("Content-Type", "application/octet-stream");
    headers.set("Content-Disposition", "attachment; filename=\"" + pieceCid + "\"");
    headers.set("Cache-Control", "public, max-age=29030400, immutable");
    headers.set("Etag", "\"" + pieceCid + "\"");
    headers.set("X-Content-Type-Options", "nosniff");

    long first = 0;
    long count = length;
    int status = 200;
    String rangeHeader = exchange.getRequestHeaders().getFirst("Range");
    if (rangeHeader != null) {
      Optional<long[]> range = range(rangeHeader, length);
      if (range.isPresent()) {
        long[] r = range.get();
        if (r.length == 0) {
          exchange.getResponseHeaders().set("Content-Range", "bytes */" + length);
          exchange.sendResponseHeaders(416, -1);
          return;
        }
        first = r[0];
        count = r[1] - r[0] + 1;
        status = 206;
        headers.set("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + length);
      }
    }
    if (head) {
      headers.set("Content-Length", Long.toString(count));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, count == 0 ? -1 : count);
    OutputStream body = exchange.getResponseBody();
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    long position = first;
    long end = first + count;
    while (position < end) {
      buffer.clear();
      buffer.limit((int) Math.min(BUFFER, end - position));
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new IOException("piece file " + pieceCid + " shrank while being served");
      }
      body.write(buffer.array(), 0, n);
      position += n;
    }
  }

  /**
   * The byte range a single-range {@code Range} header asks of a {@code length}-byte piece:
   * {@code [first, last]}, an empty array if it cannot be satisfied, or empty to serve the whole
   * piece (no usable header: malformed, several ranges, last before first).
   */
  static Optional<long[]> range(String header, long length) {
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return Optional.empty();
    }
    if (m.group(1).isEmpty()) {
      long suffix = parse(m.group(2));
      if (suffix == 0 || length == 0) {
        return Optional.of(new long[0]);
      }
      return Optional.of(new long[] {Math.max(0, length - suffix), length - 1});
    }
    long first = parse(m.group(1));
    long last = m.group(2).isEmpty() ? Long.MAX_VALUE : parse(m.group(2));
    if (last < first) {
      return Optional.empty();
    }
    if (first >= length) {
      return Optional.of(new long[0]);
    }
    return Optional.of(new long[] {first, Math.min(last, length - 1)});
  }

  /** A decimal number from a Range header; overlong numbers saturate. */
  private static long parse(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void text(HttpExchange exchange, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }
}
