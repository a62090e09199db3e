package dev.cod.node.ipfs;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The UnixFS {@code Data} message carried in a dag-pb node's {@code Data} field:
 *
 * <pre>
 * message Data {
 *   enum DataType { Raw = 0; Directory = 1; File = 2; Metadata = 3; Symlink = 4; HAMTShard = 5; }
 *   required DataType Type = 1;  optional bytes Data = 2;  optional uint64 filesize = 3;
 *   repeated uint64 blocksizes = 4;  optional uint64 hashType = 5;  optional uint64 fanout = 6;
 *   optional uint32 mode = 7;  optional UnixTime mtime = 8;
 * }
 * </pre>
 *
 * Only the fields needed to rebuild files and directories are kept; {@code hashType}, {@code
 * fanout}, {@code mode} and {@code mtime} are skipped.
 *
 * <p>Source: <a href="https://specs.ipfs.tech/unixfs/">UnixFS spec</a>.
 *
 * @param type the node type
 * @param data the inline file bytes (File, Raw) or symlink target; empty if absent (not copied)
 * @param fileSize the total file size in bytes the node claims, or -1 if absent
 * @param blockSizes the content size in bytes of each child, one per dag-pb link (File nodes)
 */
record UnixFsData(Type type, byte[] data, long fileSize, List<Long> blockSizes) {
  private static final int TYPE = 1;
  private static final int DATA = 2;
  private static final int FILESIZE = 3;
  private static final int BLOCKSIZES = 4;

  /** UnixFS node types with their protobuf numbers. */
  enum Type {
    RAW,
    DIRECTORY,
    FILE,
    METADATA,
    SYMLINK,
    HAMT_SHARD
  }

  UnixFsData {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    blockSizes = List.copyOf(blockSizes);
    if (fileSize < -1) {
      throw new IllegalArgumentException("fileSize must be >= -1, got " + fileSize);
    }
  }

  /**
   * Decodes the UnixFS message of a dag-pb node.
   *
   * @throws CodException {@link ErrorCode#CONTENT_MISMATCH} if it is not a valid UnixFS message
   */
  static UnixFsData decode(byte[] bytes) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      Type type = null;
      byte[] data = null;
      long fileSize = -1;
      List<Long> blockSizes = new ArrayList<>();
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        int wireType = WireFormat.getTagWireType(tag);
        switch (field) {
          case TYPE -> {
            requireWireType(field, wireType, WireFormat.WIRETYPE_VARINT);
            long t = in.readUInt64();
            if (t < 0 || t >= Type.values().length) {
              throw malformed("unknown Type " + Long.toUnsignedString(t));
            }
            type = Type.values()[(int) t];
          }
          case DATA -> {
            requireWireType(field, wireType, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            data = in.readByteArray();
          }
          case FILESIZE -> {
            requireWireType(field, wireType, WireFormat.WIRETYPE_VARINT);
            fileSize = nonNegative(in.readUInt64(), "filesize");
          }
          case BLOCKSIZES -> {
            if (wireType == WireFormat.WIRETYPE_VARINT) {
              blockSizes.add(nonNegative(in.readUInt64(), "blocksizes"));
            } else if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
              int limit = in.pushLimit(in.readRawVarint32());
              while (in.getBytesUntilLimit() > 0) {
                blockSizes.add(nonNegative(in.readUInt64(), "blocksizes"));
              }
              in.popLimit(limit);
            } else {
              throw malformed("blocksizes has wire type " + wireType);
            }
          }
          default -> {
            if (!in.skipField(tag)) {
              throw malformed("an unexpected end-group tag");
            }
          }
        }
      }
      if (type == null) {
        throw malformed("the required Type field is missing");
      }
      return new UnixFsData(type, data == null ? new byte[0] : data, fileSize, blockSizes);
    } catch (IOException e) {
      throw malformed(e.getMessage());
    }
  }

  private static void requireWireType(int field, int wireType, int expected) {
    if (wireType != expected) {
      throw malformed("field " + field + " has wire type " + wireType + ", expected " + expected);
    }
  }

  private static long nonNegative(long value, String field) {
    if (value < 0) {
      throw malformed(field + " over 2^63-1");
    }
    return value;
  }

  private static CodException malformed(String detail) {
    return new CodException(
        ErrorCode.CONTENT_MISMATCH, "expected a UnixFS Data message, found " + detail);
  }
}
