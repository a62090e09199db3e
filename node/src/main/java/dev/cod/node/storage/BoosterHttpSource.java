package dev.cod.node.storage;

import dev.cod.cid.Cid;
import dev.cod.cid.Multihash;
import dev.cod.cid.PieceCommitment;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.files.Extents;
import dev.cod.node.files.Staging;
import dev.cod.common.RetriableCodException;
import dev.cod.node.ipfs.BlockSource;
import dev.cod.node.ipfs.CarReader;
import dev.cod.node.ipfs.UnixFsUnpacker;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a Filecoin piece from the SP's own booster-http ({@code GET <base>/piece/<piece CID>})
 * and unpacks the CAR it holds into the job's inputs, source {@value #TYPE}.
 *
 * <p>Steps of {@link #fetch}:
 *
 * <ol>
 *   <li>Download into a staging directory beside the destination, hashing as the bytes arrive. A
 *       download that breaks is resumed from where it stopped with {@code Range: bytes=<n>-}
 *       (booster-http answers {@code 206 Partial Content}), at most {@code maxRetries} times;
 *       a server that ignores the range (200) is read again from the start. The piece may hold at
 *       most {@code maxPieceBytes}; a larger {@code Content-Length} is refused before reading.
 *   <li>Verify: the piece commitment of the bytes read, zero-padded to the piece's size, must
 *       equal the piece CID (v1 {@code baga6ea4sea…} or FRC-0069 v2 {@code bafkzcib…}), whether
 *       the server sends the piece with its trailing zero padding or without it. A mismatch is
 *       refused ({@link ErrorCode#CONTENT_MISMATCH}) and nothing reaches the destination.
 *   <li>Unpack: the piece is a CARv1 with one root, possibly followed by zero padding; every
 *       block is checked against its CID ({@link CarReader}) and the root's UnixFS file or
 *       directory is written with {@link UnixFsUnpacker}, then moved into place.
 * </ol>
 *
 * <p>Sources: <a href="https://github.com/filecoin-project/FIPs/blob/master/FRCs/frc-0066.md">FRC-0066
 * Piece Retrieval Gateway</a> ({@code GET /piece/{piece cid}}, Range support is a MUST), <a
 * href="https://github.com/filecoin-project/boost-docs/blob/v1.x/http-retrieval/README.md">Boost
 * docs, HTTP retrieval</a> (booster-http serves the entire piece, with padding), RFC 9110
 * §14 (Range, Content-Range). Thread-safe.
 */
public final class BoosterHttpSource implements InputSource {
  private static final Logger LOG = LoggerFactory.getLogger(BoosterHttpSource.class);

  /** The source name in a job spec. */
  public static final String TYPE = "piece";
  /** How long a request may wait for response headers, by default. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(2);
  /** How many times a broken download is resumed, by default. */
  public static final int DEFAULT_MAX_RETRIES = 5;
  /** The pause before a retry, by default. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(2);

  private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$");
  private static final int BUFFER = 256 * 1024;
  private static final int ERROR_BODY_LIMIT = 4 * 1024;

  private final URI baseUrl;
  private final HttpClient http;
  private final long maxPieceBytes;
  private final Duration requestTimeout;
  /** Cuts response bodies that stall (one daemon thread for all sources). */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "booster-http-watchdog");
    t.setDaemon(true);
    return t;
  });
  private final int maxRetries;
  private final Duration retryDelay;

  /**
   * A source reading from booster-http at {@code baseUrl} with the default timeout and retries.
   *
   * @param baseUrl booster-http's base URL, e.g. {@code http://127.0.0.1:7777}
   * @param maxPieceBytes the largest piece downloaded, in bytes (> 0)
   */
  public BoosterHttpSource(URI baseUrl, long maxPieceBytes) {
    this(
        baseUrl,
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build(),
        maxPieceBytes,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_MAX_RETRIES,
        DEFAULT_RETRY_DELAY);
  }

  /**
   * @param baseUrl booster-http's base URL ({@code http} or {@code https}; a path is kept as a
   *     prefix)
   * @param http the client to send with
   * @param maxPieceBytes the largest piece downloaded, in bytes (> 0)
   * @param requestTimeout how long one request may wait for its response headers, and the longest
   *     pause allowed in its body: a body that stalls longer is cut (a watchdog closes it, since
   *     {@code java.net.http} has no read timeout) and the download resumes from where it stopped
   * @param maxRetries how many times a broken or failed download is tried again (>= 0)
   * @param retryDelay the pause before each retry
   * @throws CodException {@link ErrorCode#INVALID_INPUT} for a URL that is not http(s)
   */
  public BoosterHttpSource(
      URI baseUrl,
      HttpClient http,
      long maxPieceBytes,
      Duration requestTimeout,
      int maxRetries,
      Duration retryDelay) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (!("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
        || baseUrl.getHost() == null) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a booster-http URL like http://127.0.0.1:7777, found " + baseUrl);
    }
    if (maxPieceBytes <= 0) {
      throw new IllegalArgumentException("maxPieceBytes must be > 0, got " + maxPieceBytes);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    String base = baseUrl.toString();
    this.baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.http = Objects.requireNonNull(http, "http");
    this.maxPieceBytes = maxPieceBytes;
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.maxRetries = maxRetries;
    this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** The URL a piece is read from: {@code <base>/piece/<piece CID>}. */
  public URI pieceUrl(Cid pieceCid) {
    return URI.create(baseUrl + "/piece/" + pieceCid);
  }

  /**
   * Fetches the piece {@code reference} names and unpacks its CAR into {@code destination}.
   *
   * @param reference a v1 or v2 piece CID
   * @param maxBytes the most file content unpacked, in bytes
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if {@code reference} is not a piece CID,
   *     the piece is larger than {@code maxPieceBytes}, the CAR has more than one root or an
   *     unsupported node, or the content is over {@code maxBytes}; {@link
   *     ErrorCode#CONTENT_MISMATCH} if the bytes do not match the piece CID, or the CAR is
   *     malformed or a block does not match its CID; {@link ErrorCode#INPUT_UNAVAILABLE} if
   *     booster-http lacks the piece (404) or refuses it, and {@link RetriableCodException} with
   *     it if booster-http cannot be reached or keeps failing after {@code maxRetries} retries
   */
  @Override
  public void fetch(String reference, Path destination, long maxBytes) {
    Cid pieceCid = parsePieceCid(reference);
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
    }
    try (Staging staging = Staging.beside(destination)) {
      Path pieceFile = staging.dir().resolve("piece");
      PieceCommitment commP = download(pieceCid, pieceFile);
      verify(pieceCid, commP, staging.destination());
      unpack(pieceCid, pieceFile, staging, maxBytes);
      staging.moveIntoPlace();
    }
  }

  private static Cid parsePieceCid(String reference) {
    Cid cid;
    try {
      cid = Cid.parse(reference);
    } catch (CodException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a piece CID (baga6ea4sea… or bafkzcib…) as a piece input, found \""
              + reference + "\": " + e.getMessage(),
          e);
    }
    if (!PieceCommitment.isPieceCid(cid)) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a piece CID (codec fil-commitment-unsealed 0xf101 or an FRC-0069 v2 piece"
              + " CID) as a piece input, found " + cid + " (codec 0x"
              + Integer.toHexString(cid.codec()) + "): use source ipfs for IPFS CIDs");
    }
    return cid;
  }

  /** Downloads the piece into {@code file}, resuming with Range requests; returns its commP. */
  private PieceCommitment download(Cid pieceCid, Path file) {
    URI url = pieceUrl(pieceCid);
    PieceCommitment.Hasher hasher = PieceCommitment.hasher();
    long have = 0;
    int retries = 0;
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (true) {
        Attempt attempt;
        try {
          attempt = attempt(url, pieceCid, have, out, hasher);
        } catch (RetriableCodException e) {
          if (retries >= maxRetries) {
            throw new RetriableCodException(
                ErrorCode.INPUT_UNAVAILABLE,
                e.getMessage() + " (gave up after " + (retries + 1) + " attempts, "
                    + have + " bytes read)",
                e);
          }
          retries++;
          LOG.warn("piece {}: {}; retry {} of {}", pieceCid, e.getMessage(), retries, maxRetries);
          pause();
          continue;
        }
        if (attempt.restarted()) {
          hasher = attempt.hasher();
        }
        have = attempt.have();
        if (attempt.complete()) {
          break;
        }
        if (retries >= maxRetries) {
          throw new RetriableCodException(
              ErrorCode.INPUT_UNAVAILABLE,
              "booster-http at " + url + " broke off the piece after " + have + " bytes"
                  + attempt.totalText() + " " + (retries + 1) + " times: try again later");
        }
        retries++;
        LOG.warn(
            "piece {}: download broke off after {} bytes{}; resuming, retry {} of {}",
            pieceCid, have, attempt.totalText(), retries, maxRetries);
        pause();
      }
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot write the piece download to " + file + ": " + e, e);
    }
    if (have < PieceCommitment.MIN_PAYLOAD_BYTES) {
      throw new CodException(
          ErrorCode.CONTENT_MISMATCH,
          "booster-http at " + url + " sent " + have + " bytes, expected a piece of at least "
              + PieceCommitment.MIN_PAYLOAD_BYTES + " bytes matching " + pieceCid);
    }
    LOG.debug("piece {}: downloaded {} bytes ({} retries)", pieceCid, have, retries);
    return hasher.finish();
  }

  /**
   * The outcome of one request.
   *
   * @param have bytes of the piece in the file now
   * @param total the piece's length if the server said, else -1
   * @param complete whether the whole piece is in the file
   * @param restarted whether the server restarted from byte 0 ({@code hasher} is then new)
   */
  private record Attempt(
      long have, long total, boolean complete, boolean restarted, PieceCommitment.Hasher hasher) {
    String totalText() {
      return total >= 0 ? " of " + total : "";
    }
  }

  /**
   * One GET from {@code have} on: writes what arrives at the file's offset {@code have} and into
   * the hasher. Throws {@link RetriableCodException} for failures worth retrying before any byte
   * arrived; returns an incomplete attempt when the body broke off.
   */
  private Attempt attempt(
      URI url, Cid pieceCid, long have, FileChannel out, PieceCommitment.Hasher hasher)
      throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET();
    if (have > 0) {
      request.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new RetriableCodException(
          ErrorCode.INPUT_UNAVAILABLE, "cannot reach booster-http at " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodException(
          ErrorCode.INPUT_UNAVAILABLE, "interrupted while fetching piece " + pieceCid, e);
    }
    InputStream body = response.body();
    try {
      int status = response.statusCode();
      long start;
      long total;
      boolean restarted = false;
      if (status == 200) {
        start = 0;
        total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (have > 0) {
          // the server ignored the range: read the piece again from its first byte
          LOG.warn("piece {}: booster-http ignored Range: bytes={}-; reading from the start",
              pieceCid, have);
          out.truncate(0);
          hasher = PieceCommitment.hasher();
          restarted = true;
        }
      } else if (status == 206 && have > 0) {
        long[] range = contentRange(response, url);
        start = range[0];
        total = range[1];
        if (start != have) {
          throw new CodException(
              ErrorCode.INPUT_UNAVAILABLE,
              "expected booster-http at " + url + " to resume at byte " + have
                  + ", found Content-Range starting at " + start);
        }
      } else {
        throw statusError(status, body, url, pieceCid);
      }
      if (total > maxPieceBytes) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "piece " + pieceCid + " at " + url + " is " + total + " bytes, more than the "
                + maxPieceBytes + " bytes this node accepts: raise the piece size limit");
      }
      long position = start;
      byte[] buffer = new byte[BUFFER];
      AtomicLong lastRead = new AtomicLong(System.nanoTime());
      long idle = requestTimeout.toNanos();
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idle / 4);
      ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
        if (System.nanoTime() - lastRead.get() > idle) {
          closeQuietly(body); // the blocked read below then fails: resumed like a broken connection
        }
      }, period, period, TimeUnit.NANOSECONDS);
      try {
        while (true) {
          int n;
          try {
            n = body.read(buffer);
          } catch (IOException e) {
            // the connection broke, or stalled and was cut, mid-body: keep what arrived, resume from there
            LOG.debug("piece {}: body broke off at byte {}: {}", pieceCid, position, e.toString());
            return new Attempt(position, total, false, restarted, hasher);
          }
          lastRead.set(System.nanoTime());
          if (n < 0) {
            break;
          }
          if (n > maxPieceBytes - position) {
            throw new CodException(
                ErrorCode.INVALID_INPUT,
                "piece " + pieceCid + " at " + url + " is more than the " + maxPieceBytes
                    + " bytes this node accepts: raise the piece size limit");
          }
          if (total >= 0 && n > total - position) {
            throw new CodException(
                ErrorCode.CONTENT_MISMATCH,
                "booster-http at " + url + " sent more than the " + total + " bytes it announced");
          }
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
          while (chunk.hasRemaining()) {
            position += out.write(chunk, position);
          }
          hasher.write(buffer, 0, n);
        }
      } finally {
        watchdog.cancel(false);
      }
      boolean complete = total < 0 || position == total;
      return new Attempt(position, total, complete, restarted, hasher);
    } finally {
      closeQuietly(body);
    }
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      LOG.debug("closing a booster-http response failed: {}", e.toString());
    }
  }

  /** {@code [first byte, complete length or -1]} from a 206's {@code Content-Range}. */
  private static long[] contentRange(HttpResponse<?> response, URI url) {
    String header = response.headers().firstValue("Content-Range").orElse("");
    Matcher m = CONTENT_RANGE.matcher(header.trim());
    if (!m.matches()) {
      throw new CodException(
          ErrorCode.INPUT_UNAVAILABLE,
          "expected booster-http at " + url + " to answer 206 with Content-Range: bytes"
              + " first-last/length, found \"" + header + "\"");
    }
    long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
    return new long[] {Long.parseLong(m.group(1)), total};
  }

  private static CodException statusError(int status, InputStream body, URI url, Cid pieceCid) {
    String text;
    try {
      text = new String(body.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      text = "";
    }
    String detail =
        "booster-http at " + url + " answered HTTP " + status
            + (text.isEmpty() ? "" : " (" + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + ")");
    if (status == 404) {
      return new CodException(
          ErrorCode.INPUT_UNAVAILABLE,
          detail + ": this SP does not serve piece " + pieceCid
              + "; is a deal for it active and its sector unsealed?");
    }
    if (status == 429 || status >= 500) {
      return new RetriableCodException(ErrorCode.INPUT_UNAVAILABLE, detail);
    }
    return new CodException(ErrorCode.INPUT_UNAVAILABLE, detail);
  }

  private void pause() {
    if (retryDelay.isZero()) {
      return;
    }
    try {
      Thread.sleep(retryDelay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodException(ErrorCode.INPUT_UNAVAILABLE, "interrupted while waiting to retry", e);
    }
  }

  /**
   * Accepts the bytes if their commitment, zero-padded to some piece size up to the largest,
   * names {@code pieceCid}: booster-http may send the piece with or without its zero padding.
   */
  private static void verify(Cid pieceCid, PieceCommitment commP, Path destination) {
    PieceCommitment padded = commP;
    while (true) {
      if (padded.matches(pieceCid)) {
        LOG.debug("piece {}: verified ({})", pieceCid, padded);
        return;
      }
      if (padded.paddedSize() == PieceCommitment.MAX_PADDED_SIZE) {
        break;
      }
      padded = padded.padTo(padded.paddedSize() * 2);
    }
    throw new CodException(
        ErrorCode.CONTENT_MISMATCH,
        "piece " + pieceCid + " from booster-http does not match its CID: the "
            + commP.payloadSize() + " bytes read have " + commP.toCidV1() + " (padded size "
            + commP.paddedSize() + "), which no zero padding turns into " + pieceCid
            + ". The SP served altered or corrupt data; nothing was written to " + destination);
  }

  /** Reads the (zero-padded) CAR in {@code pieceFile} and writes its root's UnixFS content. */
  private static void unpack(Cid pieceCid, Path pieceFile, Staging staging, long maxBytes) {
    try (FileChannel channel = FileChannel.open(pieceFile, StandardOpenOption.READ);
        InputStream in = new BufferedInputStream(Files.newInputStream(pieceFile), BUFFER)) {
      CarReader reader = CarReader.openZeroPadded(in, Files.size(pieceFile));
      List<Cid> roots = reader.roots();
      if (roots.size() != 1) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected the CAR in piece " + pieceCid + " to have one root, found " + roots
                + ": cod unpacks single-root CARs (ipfs dag export, Boost data prep)");
      }
      PieceBlocks blocks = new PieceBlocks(channel, pieceFile);
      Optional<CarReader.Block> block;
      while ((block = reader.next()).isPresent()) {
        blocks.put(block.get().cid(), reader.bytesRead() - block.get().data().length,
            block.get().data().length);
      }
      UnixFsUnpacker unpacker = new UnixFsUnpacker(blocks, maxBytes);
      unpacker.writeTo(roots.get(0), staging.content());
      LOG.info(
          "fetched piece {} (root {}) into {}, verified (blocks: {}, bytes: {}, files and"
              + " directories: {})",
          pieceCid, roots.get(0), staging.destination(), reader.blocksRead(),
          unpacker.contentBytes(), unpacker.entries());
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot read back the piece download " + pieceFile + ": " + e, e);
    }
  }

  /**
   * The verified blocks of the downloaded piece, read back from the piece file by offset (no
   * second copy); keyed by multihash.
   */
  private static final class PieceBlocks implements BlockSource {
    private record Extent(long offset, int length) {}

    private final Map<Multihash, Extent> extents = new HashMap<>();
    private final FileChannel channel;
    private final Path file;

    PieceBlocks(FileChannel channel, Path file) {
      this.channel = channel;
      this.file = file;
    }

    void put(Cid cid, long offset, int length) {
      extents.putIfAbsent(cid.multihash(), new Extent(offset, length));
    }

    @Override
    public Optional<byte[]> get(Cid cid) {
      Extent extent = extents.get(cid.multihash());
      if (extent == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(Extents.read(channel, extent.offset(), extent.length()));
      } catch (IOException e) {
        throw new CodException(
            ErrorCode.INVALID_INPUT, "cannot read block " + cid + " back from " + file + ": " + e, e);
      }
    }
  }
}
