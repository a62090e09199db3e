package dev.cod.node.ipfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.files.Staging;
import dev.cod.common.RetriableCodException;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IpfsClient} over the Kubo RPC API: every call is an HTTP POST to {@code
 * <apiUrl>/api/v0/<command>}; a failed call answers a non-200 status with {@code
 * {"Message","Code","Type"}}, whose Message this client surfaces.
 *
 * <p>Downloads never trust Kubo: {@link #cat} and {@link #get} fetch the DAG as a CARv1 stream
 * ({@code dag/export}), check every block with {@link CarReader}, and rebuild the UnixFS content
 * with {@link UnixFsUnpacker}. The stream may hold at most {@code maxBytes} plus {@link
 * #carOverhead(long)} bytes.
 *
 * <p>Source: <a href="https://docs.ipfs.tech/reference/kubo/rpc/">Kubo RPC API v0 reference</a>
 * ({@code add}, {@code dag/export}, {@code pin/add}, {@code version}). Keep the API on loopback:
 * it is admin-level. Thread-safe.
 */
public final class KuboRpcClient implements IpfsClient {
  private static final Logger LOG = LoggerFactory.getLogger(KuboRpcClient.class);

  /** How long a call may wait for Kubo's response headers. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
  /** How long opening the TCP connection may take. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The import parameters of {@link #add}: fixed, so every honest node obtains the same root CID
   * ({@code max-file-links} and {@code max-hamt-fanout} are Kubo's defaults, pinned against
   * differing {@code Import.*} configs). Directories over Kubo's HAMT threshold ({@code
   * Import.UnixFSHAMTDirectorySizeThreshold}, 256 KiB of links by default) are still sharded by
   * the node's config. {@code max-file-links} and {@code max-hamt-fanout} exist since Kubo 0.35;
   * older versions ignore unknown parameters, and their defaults are the same values.
   */
  public static final List<Map.Entry<String, String>> ADD_PARAMETERS =
      List.of(
          Map.entry("cid-version", "1"),
          Map.entry("raw-leaves", "true"),
          Map.entry("chunker", "size-262144"),
          Map.entry("hash", "sha2-256"),
          Map.entry("trickle", "false"),
          Map.entry("max-file-links", "174"),
          Map.entry("max-hamt-fanout", "256"),
          Map.entry("inline", "false"),
          Map.entry("wrap-with-directory", "false"),
          Map.entry("pin", "true"),
          Map.entry("progress", "false"));

  private static final int ERROR_BODY_LIMIT = 64 * 1024;
  private static final long MIN_CAR_OVERHEAD = 16L * 1024 * 1024;

  private final URI apiUrl;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final ObjectMapper json = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();

  /** A client for the Kubo RPC API at {@code apiUrl}, e.g. {@code http://127.0.0.1:5001}. */
  public KuboRpcClient(URI apiUrl) {
    this(
        apiUrl,
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build(),
        DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * @param apiUrl the API's base URL, {@code http://host:port} (a path is kept as a prefix)
   * @param http the HTTP client to send with (HTTP/1.1 advised)
   * @param requestTimeout how long a call may wait for the response headers
   */
  public KuboRpcClient(URI apiUrl, HttpClient http, Duration requestTimeout) {
    Objects.requireNonNull(apiUrl, "apiUrl");
    if (!("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()))
        || apiUrl.getHost() == null) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a Kubo RPC URL like http://127.0.0.1:5001, found " + apiUrl);
    }
    String base = apiUrl.toString();
    this.apiUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.http = Objects.requireNonNull(http, "http");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /** The API base URL this client talks to. */
  public URI apiUrl() {
    return apiUrl;
  }

  @Override
  public Cid add(Path fileOrDirectory) {
    Path root = fileOrDirectory.toAbsolutePath().normalize();
    if (root.getFileName() == null) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "expected a file or directory to add, found " + root);
    }
    String rootName = root.getFileName().toString();
    String boundary = "cod-" + randomHex();
    List<BodyPublisher> parts = new ArrayList<>();
    int[] entries = {0};
    try {
      addParts(root, rootName, boundary, parts, entries);
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot read " + root + " to add it to IPFS: " + e, e);
    }
    parts.add(BodyPublishers.ofString("--" + boundary + "--\r\n", StandardCharsets.UTF_8));
    BodyPublisher body = BodyPublishers.concat(parts.toArray(BodyPublisher[]::new));

    Cid rootCid = null;
    try (InputStream response =
            post("add", ADD_PARAMETERS, body, "multipart/form-data; boundary=" + boundary);
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(response, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = parseJson(line, "add");
        if (event.hasNonNull("Message") && !event.hasNonNull("Hash")) {
          throw new CodException(
              ErrorCode.IPFS_UNAVAILABLE,
              "Kubo RPC add of " + root + " failed: " + event.get("Message").asText());
        }
        if (rootName.equals(event.path("Name").asText(null)) && event.hasNonNull("Hash")) {
          rootCid = parseCid(event.get("Hash").asText(), "add");
        }
      }
    } catch (IOException e) {
      throw unavailable("add", e);
    }
    if (rootCid == null) {
      throw new CodException(
          ErrorCode.IPFS_UNAVAILABLE,
          "Kubo RPC add of " + root + " ended without a line for \"" + rootName
              + "\": the add failed midway (see the Kubo log)");
    }
    LOG.info("added {} to IPFS as {} (files and directories: {})", root, rootCid, entries[0]);
    return rootCid;
  }

  @Override
  public byte[] cat(Cid cid, long maxBytes) {
    requireMaxBytes(maxBytes);
    try (BlockBuffer blocks = BlockBuffer.inMemory()) {
      exportInto(cid, maxBytes, blocks);
      byte[] content = new UnixFsUnpacker(blocks, maxBytes).readFile(cid);
      LOG.debug("read {} bytes of {} from IPFS, verified", content.length, cid);
      return content;
    } catch (IOException e) {
      throw unavailable("dag/export", e);
    }
  }

  @Override
  public void get(Cid cid, Path destination, long maxBytes) {
    requireMaxBytes(maxBytes);
    try (Staging staging = Staging.beside(destination)) {
      UnixFsUnpacker unpacker;
      try (BlockBuffer blocks = BlockBuffer.spillingTo(staging.dir().resolve("blocks"))) {
        exportInto(cid, maxBytes, blocks);
        unpacker = new UnixFsUnpacker(blocks, maxBytes);
        unpacker.writeTo(cid, staging.content());
      } catch (IOException e) {
        throw unavailable("dag/export", e);
      }
      staging.moveIntoPlace();
      LOG.info(
          "fetched {} into {}, verified (bytes: {}, files and directories: {})",
          cid, staging.destination(), unpacker.contentBytes(), unpacker.entries());
    }
  }

  /**
   * Writes the CAR (v1) of the DAG under {@code root} to {@code file} ({@code dag/export}), every
   * block checked against its CID: the bytes a Filecoin storage deal stores as its piece.
   *
   * @param maxBytes the most CAR bytes written
   * @throws CodException INVALID_INPUT if {@code file} exists or cannot be written, or the CAR is
   *     over {@code maxBytes}; CONTENT_MISMATCH if a block does not match its CID;
   *     IPFS_UNAVAILABLE if Kubo fails
   * @see <a href="https://docs.ipfs.tech/reference/kubo/rpc/#api-v0-dag-export">Kubo RPC
   *     dag/export</a>
   */
  public void exportCar(Cid root, Path file, long maxBytes) {
    requireMaxBytes(maxBytes);
    try (Staging staging = Staging.beside(file)) {
      // one pass: the CAR is written as the reader checks it, and kept only if every block matched
      try (InputStream car = post("dag/export", List.of(Map.entry("arg", root.toString()),
              Map.entry("progress", "false")), BodyPublishers.noBody(), null);
          OutputStream out = Files.newOutputStream(staging.content(), StandardOpenOption.CREATE_NEW)) {
        CarReader reader = CarReader.open(new CopyingInputStream(car, out), maxBytes);
        if (reader.roots().size() != 1 || !reader.roots().get(0).multihash().equals(root.multihash())) {
          throw new CodException(ErrorCode.CONTENT_MISMATCH,
              "expected a CAR export rooted at " + root + ", found roots " + reader.roots());
        }
        while (reader.next().isPresent()) {
          // every block is hashed and checked by the reader
        }
      } catch (UncheckedIOException e) {
        throw new CodException(ErrorCode.INVALID_INPUT, "cannot write " + staging.destination() + ": "
            + e.getCause(), e.getCause());
      } catch (IOException e) {
        throw unavailable("dag/export", e);
      }
      staging.moveIntoPlace();
      LOG.info("exported the CAR of {} to {}", root, staging.destination());
    }
  }

  /** Copies what is read from {@code in} to {@code out}; a failed write is an UncheckedIOException. */
  private static final class CopyingInputStream extends FilterInputStream {
    private final OutputStream out;

    CopyingInputStream(InputStream in, OutputStream out) {
      super(in);
      this.out = out;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        write(new byte[] {(byte) b}, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        write(buffer, offset, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] skipped = new byte[(int) Math.min(n, 8192)];
      int r = read(skipped, 0, skipped.length);
      return Math.max(r, 0);
    }

    private void write(byte[] buffer, int offset, int length) {
      try {
        out.write(buffer, offset, length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void pin(Cid cid) {
    try (InputStream response =
        post(
            "pin/add",
            List.of(Map.entry("arg", cid.toString()), Map.entry("recursive", "true")),
            BodyPublishers.noBody(),
            null)) {
      JsonNode answer = parseJson(new String(response.readAllBytes(), StandardCharsets.UTF_8), "pin/add");
      if (!answer.path("Pins").isArray()) {
        throw new CodException(
            ErrorCode.IPFS_UNAVAILABLE,
            "expected Kubo pin/add to answer {\"Pins\":[…]}, found " + abbreviate(answer.toString()));
      }
      LOG.debug("pinned {}", cid);
    } catch (IOException e) {
      throw unavailable("pin/add", e);
    }
  }

  @Override
  public String version() {
    try (InputStream response = post("version", List.of(), BodyPublishers.noBody(), null)) {
      JsonNode answer =
          parseJson(new String(response.readAllBytes(), StandardCharsets.UTF_8), "version");
      String version = answer.path("Version").asText("");
      if (version.isEmpty()) {
        throw new CodException(
            ErrorCode.IPFS_UNAVAILABLE,
            "expected Kubo version to answer {\"Version\":…}, found "
                + abbreviate(answer.toString()));
      }
      return version;
    } catch (IOException e) {
      throw unavailable("version", e);
    }
  }

  /**
   * The bytes a CAR stream may hold beyond the file content it carries: headers, CIDs and dag-pb
   * nodes; {@code max(16 MiB, maxBytes / 32)}.
   */
  public static long carOverhead(long maxBytes) {
    return Math.max(MIN_CAR_OVERHEAD, maxBytes / 32);
  }

  /** Streams {@code dag/export} of {@code cid} into {@code blocks}, verifying every block. */
  private void exportInto(Cid cid, long maxBytes, BlockBuffer blocks) throws IOException {
    long limit = saturatedAdd(maxBytes, carOverhead(maxBytes));
    try (InputStream car =
        post(
            "dag/export",
            List.of(Map.entry("arg", cid.toString()), Map.entry("progress", "false")),
            BodyPublishers.noBody(),
            null)) {
      CarReader reader = CarReader.open(car, limit);
      List<Cid> roots = reader.roots();
      if (roots.size() != 1 || !roots.get(0).multihash().equals(cid.multihash())) {
        throw new CodException(
            ErrorCode.CONTENT_MISMATCH,
            "expected a CAR export rooted at " + cid + ", found roots " + roots);
      }
      Optional<CarReader.Block> block;
      while ((block = reader.next()).isPresent()) {
        blocks.put(block.get().cid(), block.get().data());
      }
      LOG.debug(
          "exported {}: {} blocks, {} bytes, all verified",
          cid, reader.blocksRead(), reader.bytesRead());
    }
  }

  /** Sends one RPC call; returns the body of a 200 answer, throws for anything else. */
  private InputStream post(
      String command,
      List<Map.Entry<String, String>> parameters,
      BodyPublisher body,
      String contentType)
      throws IOException {
    StringBuilder url = new StringBuilder(apiUrl.toString()).append("/api/v0/").append(command);
    char separator = '?';
    for (Map.Entry<String, String> parameter : parameters) {
      url.append(separator)
          .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url.toString())).timeout(requestTimeout).POST(body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    LOG.debug("POST {}", url);
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableCodException(
          ErrorCode.IPFS_UNAVAILABLE, "interrupted while calling Kubo RPC " + command, e);
    }
    if (response.statusCode() == 200) {
      return response.body();
    }
    String text;
    try (InputStream errorBody = response.body()) {
      text = new String(errorBody.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
    }
    String message = text.strip();
    try {
      JsonNode error = json.readTree(text);
      if (error != null && error.hasNonNull("Message")) {
        message = error.get("Message").asText();
      }
    } catch (JsonProcessingException notJson) {
      // keep the plain text
    }
    String detail =
        "Kubo RPC " + command + " failed (HTTP " + response.statusCode() + "): "
            + abbreviate(message);
    int status = response.statusCode();
    if (status == 502 || status == 503 || status == 504) {
      throw new RetriableCodException(ErrorCode.IPFS_UNAVAILABLE, detail);
    }
    throw new CodException(ErrorCode.IPFS_UNAVAILABLE, detail);
  }

  /**
   * Appends the multipart parts of {@code path} in depth-first order, a directory before its
   * entries (sorted by name), as Kubo's multipart reader expects: directories as {@code
   * application/x-directory}, files as {@code application/octet-stream} streamed from disk, each
   * named by its query-escaped path relative to the added root's parent.
   */
  private void addParts(
      Path path, String relativeName, String boundary, List<BodyPublisher> parts, int[] entries)
      throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    entries[0]++;
    if (attributes.isDirectory()) {
      parts.add(partHeader(boundary, relativeName, "application/x-directory"));
      parts.add(BodyPublishers.ofString("\r\n", StandardCharsets.UTF_8));
      List<Path> children;
      try (Stream<Path> list = Files.list(path)) {
        children = list.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
      }
      for (Path child : children) {
        addParts(
            child, relativeName + "/" + child.getFileName(), boundary, parts, entries);
      }
    } else if (attributes.isRegularFile()) {
      parts.add(partHeader(boundary, relativeName, "application/octet-stream"));
      try {
        parts.add(BodyPublishers.ofFile(path));
      } catch (FileNotFoundException e) {
        throw new IOException(path + " disappeared", e);
      }
      parts.add(BodyPublishers.ofString("\r\n", StandardCharsets.UTF_8));
    } else {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "cannot add " + path + " to IPFS: it is a "
              + (attributes.isSymbolicLink() ? "symbolic link" : "special file")
              + "; only regular files and directories are added (links are never followed)");
    }
  }

  private static BodyPublisher partHeader(String boundary, String name, String contentType) {
    String header =
        "--" + boundary + "\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\""
            + URLEncoder.encode(name, StandardCharsets.UTF_8) + "\"\r\n"
            + "Content-Type: " + contentType + "\r\n"
            + "\r\n";
    return BodyPublishers.ofString(header, StandardCharsets.UTF_8);
  }

  private JsonNode parseJson(String text, String command) {
    try {
      JsonNode node = json.readTree(text);
      if (node == null || !node.isObject()) {
        throw new JsonProcessingException("not a JSON object") {
          private static final long serialVersionUID = 1L;
        };
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new CodException(
          ErrorCode.IPFS_UNAVAILABLE,
          "expected a JSON object from Kubo RPC " + command + ", found " + abbreviate(text), e);
    }
  }

  private static Cid parseCid(String text, String command) {
    try {
      return Cid.parse(text);
    } catch (CodException e) {
      throw new CodException(
          ErrorCode.IPFS_UNAVAILABLE,
          "Kubo RPC " + command + " answered an unreadable CID: " + e.getMessage(), e);
    }
  }

  private RetriableCodException unavailable(String command, IOException e) {
    return new RetriableCodException(
        ErrorCode.IPFS_UNAVAILABLE,
        "Kubo RPC " + command + " at " + apiUrl + " failed: " + e
            + " (is the IPFS daemon running? try again later)",
        e);
  }

  private String randomHex() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void requireMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "expected maxBytes >= 0, found " + maxBytes);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 497) + "...";
  }

}
