package dev.cod.node.ipfs;

import dev.cod.cid.Cid;
import dev.cod.cid.Varint;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a CARv1 stream and checks every block against its CID's multihash as it goes.
 *
 * <p>Layout: {@code varint(header length) header} then sections {@code varint(section length)
 * CID block}, where the header is dag-cbor {@code {"roots": [CID, …], "version": 1}} and a CID in
 * dag-cbor is tag 42 over the bytes {@code 0x00 binary-CID}. CARv2 (version 2 pragma) is rejected.
 *
 * <p>Limits: the header at most {@value #MAX_HEADER_BYTES} bytes, one section at most {@value
 * #MAX_SECTION_BYTES} bytes (Kubo's blocks are at most 2 MiB), the whole stream at most the
 * {@code maxBytes} given to {@link #open}.
 *
 * <p>Source: <a href="https://ipld.io/specs/transport/car/carv1/">CARv1 spec</a>, <a
 * href="https://ipld.io/specs/codecs/dag-cbor/spec/">dag-cbor spec</a> (tag 42).
 *
 * <p>A Filecoin piece is a CAR followed by zero padding: {@link #openZeroPadded} reads one, taking a
 * zero byte where a section length is due as the end of the CAR and then requiring every byte
 * after it to be zero (go-car's {@code ZeroLengthSectionAsEOF}).
 *
 * <p>Errors: malformed bytes, a block that does not hash to its CID, or a stream over the limit
 * throw {@link CodException} with {@link ErrorCode#CONTENT_MISMATCH} (a truncated stream too:
 * Kubo ends the stream early when it fails mid-export); failures of the stream itself throw
 * {@link IOException}. Not thread-safe; does not close the stream.
 */
public final class CarReader {
  /** The largest CAR header accepted, in bytes. */
  public static final int MAX_HEADER_BYTES = 64 * 1024;
  /** The largest section (CID + block) accepted, in bytes. */
  public static final int MAX_SECTION_BYTES = 4 * 1024 * 1024;

  private static final int CBOR_TAG_CID = 42;
  private static final int CBOR_MAX_DEPTH = 8;

  private final CountingInputStream in;
  private final long maxBytes;
  private final List<Cid> roots;
  private final boolean zeroPadded;
  private long blocks;

  /**
   * A verified block of a CAR stream.
   *
   * @param cid the CID the section names; {@code data} hashes to its multihash
   * @param data the block bytes (not copied)
   */
  public record Block(Cid cid, byte[] data) {
    public Block {
      Objects.requireNonNull(cid, "cid");
      Objects.requireNonNull(data, "data");
    }
  }

  private CarReader(CountingInputStream in, long maxBytes, List<Cid> roots, boolean zeroPadded) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.roots = List.copyOf(roots);
    this.zeroPadded = zeroPadded;
  }

  /**
   * Reads the CAR header from {@code in}.
   *
   * @param maxBytes the most bytes the whole stream may have (header and sections), > 0
   * @throws CodException {@link ErrorCode#CONTENT_MISMATCH} if the header is malformed, is not
   *     version 1, or has no root
   * @throws IOException if reading the stream fails
   */
  public static CarReader open(InputStream in, long maxBytes) throws IOException {
    return open(in, maxBytes, false);
  }

  /**
   * As {@link #open}, for a CAR followed by zero padding, such as a Filecoin piece: where a
   * section length is due, a zero byte ends the CAR, and {@link #next()} then reads the rest of
   * the stream and requires it to be all zeros. The padding does not count towards {@code
   * maxBytes}.
   *
   * @throws CodException as {@link #open}
   * @throws IOException if reading the stream fails
   */
  public static CarReader openZeroPadded(InputStream in, long maxBytes) throws IOException {
    return open(in, maxBytes, true);
  }

  private static CarReader open(InputStream in, long maxBytes, boolean zeroPadded)
      throws IOException {
    Objects.requireNonNull(in, "in");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
    }
    CountingInputStream counting = new CountingInputStream(in);
    long length = readVarint(counting, "the header length");
    if (length < 0) {
      throw malformed("expected a CAR header, found an empty stream");
    }
    if (length == 0 || length > MAX_HEADER_BYTES) {
      throw malformed(
          "expected a CAR header of 1.." + MAX_HEADER_BYTES + " bytes, found " + length);
    }
    checkBudget(counting.count() + length, maxBytes);
    byte[] header = readFully(counting, (int) length, "the CAR header");
    List<Cid> roots = parseHeader(header);
    return new CarReader(counting, maxBytes, roots, zeroPadded);
  }

  /** The header's root CIDs (at least one). */
  public List<Cid> roots() {
    return roots;
  }

  /**
   * The next block, verified against its CID, or empty at the end of the stream.
   *
   * @throws CodException {@link ErrorCode#CONTENT_MISMATCH} for a malformed or truncated
   *     section, a block whose bytes do not hash to its CID, a stream over {@code maxBytes}, or
   *     (zero-padded) a non-zero byte in the padding
   * @throws IOException if reading the stream fails
   */
  public Optional<Block> next() throws IOException {
    long length = readVarint(in, "a section length");
    if (length < 0) {
      return Optional.empty();
    }
    if (length == 0 && zeroPadded) {
      requireZerosToTheEnd();
      return Optional.empty();
    }
    if (length == 0 || length > MAX_SECTION_BYTES) {
      throw malformed(
          "expected a CAR section of 1.." + MAX_SECTION_BYTES + " bytes, found " + length
              + " (section " + blocks + ")");
    }
    checkBudget(in.count() + length, maxBytes);
    byte[] section = readFully(in, (int) length, "section " + blocks);
    Cid cid;
    try {
      cid = Cid.decodePrefix(section, 0);
    } catch (CodException e) {
      throw malformed("section " + blocks + " does not start with a CID: " + e.getMessage());
    }
    int cidLength = cid.encodedLength();
    byte[] data = new byte[section.length - cidLength];
    System.arraycopy(section, cidLength, data, 0, data.length);
    if (!cid.multihash().matches(data)) {
      throw new CodException(
          ErrorCode.CONTENT_MISMATCH,
          "block " + cid + " in CAR section " + blocks + " does not hash to its CID ("
              + data.length + " bytes): the IPFS node sent altered or corrupt data");
    }
    blocks++;
    return Optional.of(new Block(cid, data));
  }

  /** The bytes consumed so far, header included. */
  public long bytesRead() {
    return in.count();
  }

  /** The blocks returned so far. */
  public long blocksRead() {
    return blocks;
  }

  /** Reads the padding after a zero-padded CAR's end; every byte must be zero. */
  private void requireZerosToTheEnd() throws IOException {
    long start = in.count() - 1;
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] != 0) {
          throw malformed(
              "expected only zero padding after the CAR's end at byte " + start + ", found 0x"
                  + Integer.toHexString(buffer[i] & 0xFF) + " at byte " + (in.count() - n + i));
        }
      }
    }
  }

  private static long readVarint(InputStream in, String what) throws IOException {
    try {
      return Varint.read(in);
    } catch (EOFException e) {
      throw malformed("the CAR stream ends inside " + what + " (truncated)");
    } catch (CodException e) {
      throw malformed(what + ": " + e.getMessage());
    }
  }

  private static byte[] readFully(InputStream in, int length, String what) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw malformed(
          "the CAR stream ends inside " + what + " after " + bytes.length + " of " + length
              + " bytes (truncated)");
    }
    return bytes;
  }

  private static void checkBudget(long end, long maxBytes) {
    if (end > maxBytes) {
      throw new CodException(
          ErrorCode.CONTENT_MISMATCH,
          "expected a CAR stream of at most " + maxBytes + " bytes, found a longer one");
    }
  }

  private static List<Cid> parseHeader(byte[] header) {
    Cbor cbor = new Cbor(header);
    Object value = cbor.item(0);
    if (cbor.position != header.length) {
      throw malformed("the CAR header has " + (header.length - cbor.position) + " trailing byte(s)");
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw malformed("expected the CAR header to be a map, found " + describe(value));
    }
    Object version = map.get("version");
    if (!(version instanceof Long v) || v != 1L) {
      throw malformed(
          "expected CAR version 1, found " + describe(version)
              + (Long.valueOf(2).equals(version) ? " (CARv2 is not supported)" : ""));
    }
    Object rootsValue = map.get("roots");
    if (!(rootsValue instanceof List<?> list) || list.isEmpty()) {
      throw malformed("expected the CAR header to have a non-empty roots list, found "
          + describe(rootsValue));
    }
    List<Cid> roots = new ArrayList<>();
    for (Object root : list) {
      if (!(root instanceof Cid cid)) {
        throw malformed("expected CAR roots to be CIDs (tag 42), found " + describe(root));
      }
      roots.add(cid);
    }
    return roots;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof byte[] bytes) {
      return "a byte string of " + bytes.length + " bytes";
    }
    return value.getClass().getSimpleName() + " " + value;
  }

  private static CodException malformed(String detail) {
    return new CodException(ErrorCode.CONTENT_MISMATCH, "malformed CAR: " + detail);
  }

  /**
   * The part of CBOR (RFC 8949) a dag-cbor CAR header uses: unsigned and negative integers, byte
   * and text strings, arrays, maps, tag 42, false/true/null; definite lengths only.
   */
  private static final class Cbor {
    private final byte[] bytes;
    private int position;

    Cbor(byte[] bytes) {
      this.bytes = bytes;
    }

    Object item(int depth) {
      if (depth > CBOR_MAX_DEPTH) {
        throw malformed("the CAR header nests deeper than " + CBOR_MAX_DEPTH);
      }
      int initial = nextByte();
      int major = initial >>> 5;
      int info = initial & 0x1F;
      if (major == 7) {
        return switch (info) {
          case 20 -> Boolean.FALSE;
          case 21 -> Boolean.TRUE;
          case 22 -> null;
          default -> throw malformed("unsupported CBOR simple value or float " + info);
        };
      }
      long argument = argument(info);
      switch (major) {
        case 0:
          return argument;
        case 1:
          return -1 - argument;
        case 2:
          return take(argument);
        case 3:
          return new String(take(argument), StandardCharsets.UTF_8);
        case 4: {
          List<Object> list = new ArrayList<>();
          for (long i = 0; i < argument; i++) {
            list.add(item(depth + 1));
          }
          return list;
        }
        case 5: {
          Map<Object, Object> map = new LinkedHashMap<>();
          for (long i = 0; i < argument; i++) {
            Object key = item(depth + 1);
            if (map.put(key, item(depth + 1)) != null) {
              throw malformed("the CAR header repeats the key " + key);
            }
          }
          return map;
        }
        case 6: {
          if (argument != CBOR_TAG_CID) {
            throw malformed("unsupported CBOR tag " + argument + " (dag-cbor allows only 42)");
          }
          Object content = item(depth + 1);
          if (!(content instanceof byte[] cidBytes) || cidBytes.length < 2 || cidBytes[0] != 0) {
            throw malformed("expected tag 42 over 0x00 + binary CID, found " + describe(content));
          }
          try {
            byte[] binary = new byte[cidBytes.length - 1];
            System.arraycopy(cidBytes, 1, binary, 0, binary.length);
            return Cid.fromBytes(binary);
          } catch (CodException e) {
            throw malformed("a root is not a CID: " + e.getMessage());
          }
        }
        default:
          throw malformed("unexpected CBOR major type " + major);
      }
    }

    private long argument(int info) {
      if (info < 24) {
        return info;
      }
      int size = switch (info) {
        case 24 -> 1;
        case 25 -> 2;
        case 26 -> 4;
        case 27 -> 8;
        default -> throw malformed("indefinite or reserved CBOR length (additional info " + info + ")");
      };
      long value = 0;
      for (int i = 0; i < size; i++) {
        value = (value << 8) | nextByte();
      }
      if (value < 0) {
        throw malformed("CBOR length over 2^63-1");
      }
      return value;
    }

    private byte[] take(long length) {
      if (length > bytes.length - position) {
        throw malformed("a CBOR string of " + length + " bytes runs past the header");
      }
      byte[] out = new byte[(int) length];
      System.arraycopy(bytes, position, out, 0, out.length);
      position += out.length;
      return out;
    }

    private int nextByte() {
      if (position >= bytes.length) {
        throw malformed("the CAR header ends inside a CBOR item");
      }
      return bytes[position++] & 0xFF;
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
