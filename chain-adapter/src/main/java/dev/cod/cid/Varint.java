package dev.cod.cid;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Unsigned LEB128 varints as the multiformats define them: 7 bits per byte, least significant
 * group first, high bit set on every byte but the last, at most 9 bytes (63 bits), and minimally
 * encoded (no trailing {@code 0x00} group).
 *
 * <p>Source: <a href="https://github.com/multiformats/unsigned-varint">multiformats/unsigned-varint</a>.
 * Used by CIDs, multihashes, multicodecs and CAR section lengths.
 */
public final class Varint {
  /** The longest varint the spec allows, in bytes. */
  public static final int MAX_BYTES = 9;

  private Varint() {}

  /**
   * A varint decoded from a byte array.
   *
   * @param value the decoded value, 0 to 2^63-1
   * @param length how many bytes it took, 1 to {@link #MAX_BYTES}
   */
  public record Decoded(long value, int length) {
    public Decoded {
      if (value < 0) {
        throw new IllegalArgumentException("varint value must be >= 0, got " + value);
      }
      if (length < 1 || length > MAX_BYTES) {
        throw new IllegalArgumentException("varint length must be 1.." + MAX_BYTES + ", got " + length);
      }
    }
  }

  /** The number of bytes {@code value} (>= 0) takes as a varint: 1 to 9. */
  public static int encodedLength(long value) {
    requireNonNegative(value);
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Encodes {@code value} (>= 0) as a minimal varint of 1 to 9 bytes. */
  public static byte[] encode(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_BYTES);
    write(value, out);
    return out.toByteArray();
  }

  /** Appends {@code value} (>= 0) to {@code out} as a minimal varint. */
  public static void write(long value, ByteArrayOutputStream out) {
    requireNonNegative(value);
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /**
   * Decodes the varint that starts at {@code offset} in {@code bytes}.
   *
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if the bytes end inside the varint, if it
   *     is longer than 9 bytes, or if it is not minimally encoded
   */
  public static Decoded decode(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      int index = offset + i;
      if (index >= bytes.length) {
        throw new CodException(
            ErrorCode.INVALID_INPUT,
            "expected an unsigned varint at byte " + offset + ", found the data ends after "
                + i + " byte(s)");
      }
      int b = bytes[index] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        checkMinimal(b, i, offset);
        return new Decoded(value, i + 1);
      }
    }
    throw tooLong(offset);
  }

  /**
   * Reads one varint from {@code in}.
   *
   * @return the value (>= 0), or -1 if the stream ended before the varint's first byte
   * @throws EOFException if the stream ends inside the varint
   * @throws CodException {@link ErrorCode#INVALID_INPUT} if it is longer than 9 bytes or not
   *     minimally encoded
   */
  public static long read(InputStream in) throws IOException {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      int b = in.read();
      if (b < 0) {
        if (i == 0) {
          return -1;
        }
        throw new EOFException("stream ended inside an unsigned varint after " + i + " byte(s)");
      }
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        checkMinimal(b, i, -1);
        return value;
      }
    }
    throw tooLong(-1);
  }

  private static void checkMinimal(int lastByte, int index, int offset) {
    if (lastByte == 0 && index > 0) {
      throw new CodException(
          ErrorCode.INVALID_INPUT,
          "expected a minimally encoded unsigned varint" + at(offset)
              + ", found a trailing 0x00 byte after " + index + " byte(s)");
    }
  }

  private static CodException tooLong(int offset) {
    return new CodException(
        ErrorCode.INVALID_INPUT,
        "expected an unsigned varint of at most " + MAX_BYTES + " bytes" + at(offset)
            + ", found a longer one");
  }

  private static String at(int offset) {
    return offset < 0 ? "" : " at byte " + offset;
  }

  private static void requireNonNegative(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint value must be >= 0, got " + value);
    }
  }
}
