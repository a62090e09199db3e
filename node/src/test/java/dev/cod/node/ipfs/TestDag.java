package dev.cod.node.ipfs;

import com.google.protobuf.CodedOutputStream;
import dev.cod.cid.Cid;
import dev.cod.cid.Multihash;
import dev.cod.cid.Varint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds UnixFS DAGs and CARv1 streams byte by byte, independently of the code under test, per
 * the dag-pb, UnixFS and CARv1 specs.
 */
public final class TestDag implements BlockSource {
  /** Blocks in insertion order (children before parents). */
  final Map<Cid, byte[]> blocks = new LinkedHashMap<>();

  public Cid raw(byte[] data) {
    Cid cid = Cid.rawOf(data);
    blocks.put(cid, data);
    return cid;
  }

  /** A UnixFS File node with inline {@code data} and the given children (sizes computed). */
  public Cid file(byte[] data, List<Cid> children, List<Long> childSizes) {
    long total = data.length + childSizes.stream().mapToLong(Long::longValue).sum();
    byte[] unixfs = unixfs(2, data, total, childSizes);
    List<Link> links = new ArrayList<>();
    for (Cid child : children) {
      links.add(new Link(child, null));
    }
    return dagPb(links, unixfs);
  }

  /** A UnixFS Directory node; entries in map order. */
  public Cid directory(Map<String, Cid> entries) {
    List<Link> links = new ArrayList<>();
    entries.forEach((name, cid) -> links.add(new Link(cid, name)));
    return dagPb(links, unixfs(1, null, -1, List.of()));
  }

  /** A dag-pb node with a UnixFS message of {@code type} and no links. */
  Cid unixfsNode(int type) {
    return dagPb(List.of(), unixfs(type, null, -1, List.of()));
  }

  record Link(Cid cid, String name) {}

  Cid dagPb(List<Link> links, byte[] data) {
    byte[] block = encodeDagPb(links, data);
    Cid cid = Cid.v1(Cid.DAG_PB, Multihash.sha256(block));
    blocks.put(cid, block);
    return cid;
  }

  static byte[] encodeDagPb(List<Link> links, byte[] data) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream pb = CodedOutputStream.newInstance(out);
      for (Link link : links) {
        ByteArrayOutputStream linkOut = new ByteArrayOutputStream();
        CodedOutputStream l = CodedOutputStream.newInstance(linkOut);
        l.writeByteArray(1, link.cid().bytes());
        if (link.name() != null) {
          l.writeString(2, link.name());
        }
        l.writeUInt64(3, 0);
        l.flush();
        pb.writeByteArray(2, linkOut.toByteArray());
      }
      if (data != null) {
        pb.writeByteArray(1, data);
      }
      pb.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] unixfs(int type, byte[] data, long fileSize, List<Long> blockSizes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream pb = CodedOutputStream.newInstance(out);
      pb.writeEnum(1, type);
      if (data != null) {
        pb.writeByteArray(2, data);
      }
      if (fileSize >= 0) {
        pb.writeUInt64(3, fileSize);
      }
      for (long size : blockSizes) {
        pb.writeUInt64(4, size);
      }
      pb.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<byte[]> get(Cid cid) {
    for (Map.Entry<Cid, byte[]> e : blocks.entrySet()) {
      if (e.getKey().multihash().equals(cid.multihash())) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** A CARv1 stream with {@code root} in the header and every block (parents first). */
  public byte[] car(Cid root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] header = carHeader(1, root);
    Varint.write(header.length, out);
    out.writeBytes(header);
    List<Map.Entry<Cid, byte[]>> entries = new ArrayList<>(blocks.entrySet());
    for (int i = entries.size() - 1; i >= 0; i--) {
      byte[] cid = entries.get(i).getKey().bytes();
      byte[] data = entries.get(i).getValue();
      Varint.write(cid.length + data.length, out);
      out.writeBytes(cid);
      out.writeBytes(data);
    }
    return out.toByteArray();
  }

  /** dag-cbor {"roots": [root], "version": version}, encoded by hand (RFC 8949). */
  static byte[] carHeader(int version, Cid root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xa2); // map(2)
    out.write(0x65); // text(5)
    out.writeBytes("roots".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(0x81); // array(1)
    out.write(0xd8); // tag(42)
    out.write(42);
    byte[] cid = root.bytes();
    out.write(0x58); // bytes, 1-byte length
    out.write(cid.length + 1);
    out.write(0x00); // multibase identity prefix
    out.writeBytes(cid);
    out.write(0x67); // text(7)
    out.writeBytes("version".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(version); // uint, version < 24
    return out.toByteArray();
  }
}
