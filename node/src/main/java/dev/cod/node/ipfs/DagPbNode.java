package dev.cod.node.ipfs;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.cod.cid.Cid;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A decoded dag-pb block (codec {@code 0x70}), the envelope of every UnixFS file and directory
 * node:
 *
 * <pre>
 * message PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64 Tsize = 3; }
 * message PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }
 * </pre>
 *
 * <p>Decoding follows the spec's strictness: unknown fields, a repeated {@code Data}, a link
 * without {@code Hash} and invalid UTF-8 in a name are errors.
 *
 * <p>Source: <a href="https://ipld.io/specs/codecs/dag-pb/spec/">IPLD dag-pb spec</a>.
 *
 * @param links the links in block order (UnixFS directories sort them by name)
 * @param data the {@code Data} field; empty if absent (not copied: do not modify)
 */
public record DagPbNode(List<Link> links, byte[] data) {
  private static final int NODE_DATA = 1;
  private static final int NODE_LINKS = 2;
  private static final int LINK_HASH = 1;
  private static final int LINK_NAME = 2;
  private static final int LINK_TSIZE = 3;

  public DagPbNode {
    links = List.copyOf(links);
    Objects.requireNonNull(data, "data");
  }

  /**
   * One dag-pb link.
   *
   * @param cid the target block's CID
   * @param name the link name; empty if absent (file chunks have none, directory entries do)
   * @param tsize the cumulative size of the target DAG in bytes as the writer claimed it (not
   *     verified, informational); 0 if absent
   */
  public record Link(Cid cid, String name, long tsize) {
    public Link {
      Objects.requireNonNull(cid, "cid");
      Objects.requireNonNull(name, "name");
      if (tsize < 0) {
        throw new IllegalArgumentException("tsize must be >= 0, got " + tsize);
      }
    }
  }

  /**
   * Decodes a dag-pb block.
   *
   * @throws CodException {@link ErrorCode#CONTENT_MISMATCH} if the bytes are not valid dag-pb
   */
  public static DagPbNode decode(byte[] block) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(block);
      List<Link> links = new ArrayList<>();
      byte[] data = null;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        int wireType = WireFormat.getTagWireType(tag);
        if (field == NODE_LINKS && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          links.add(decodeLink(in.readByteArray()));
        } else if (field == NODE_DATA && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          if (data != null) {
            throw malformed("Data appears twice");
          }
          data = in.readByteArray();
        } else {
          throw malformed("unexpected field " + field + " (wire type " + wireType + ")");
        }
      }
      return new DagPbNode(links, data == null ? new byte[0] : data);
    } catch (IOException e) {
      throw malformed(e.getMessage());
    }
  }

  private static Link decodeLink(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    Cid cid = null;
    String name = null;
    long tsize = -1;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      int wireType = WireFormat.getTagWireType(tag);
      if (field == LINK_HASH && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED && cid == null) {
        byte[] hash = in.readByteArray();
        try {
          cid = Cid.fromBytes(hash);
        } catch (CodException e) {
          throw malformed("link Hash is not a CID: " + e.getMessage());
        }
      } else if (field == LINK_NAME
          && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED
          && name == null) {
        name = in.readStringRequireUtf8();
      } else if (field == LINK_TSIZE && wireType == WireFormat.WIRETYPE_VARINT && tsize < 0) {
        tsize = in.readUInt64();
        if (tsize < 0) {
          throw malformed("link Tsize over 2^63-1");
        }
      } else {
        throw malformed("unexpected or repeated link field " + field + " (wire type " + wireType + ")");
      }
    }
    if (cid == null) {
      throw malformed("a link has no Hash");
    }
    return new Link(cid, name == null ? "" : name, Math.max(tsize, 0));
  }

  private static CodException malformed(String detail) {
    return new CodException(
        ErrorCode.CONTENT_MISMATCH, "expected a dag-pb block, found malformed protobuf: " + detail);
  }
}
