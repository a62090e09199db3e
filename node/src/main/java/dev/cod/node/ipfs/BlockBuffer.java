package dev.cod.node.ipfs;

import dev.cod.cid.Cid;
import dev.cod.cid.Multihash;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import dev.cod.node.files.Extents;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Holds the verified blocks of one CAR stream until its DAG is unpacked: in memory, or appended
 * to one spill file (for downloads that should not sit in the heap). Keyed by multihash. Not
 * thread-safe.
 */
final class BlockBuffer implements BlockSource, Closeable {
  private record Extent(long offset, int length) {}

  private final Map<Multihash, byte[]> memory = new HashMap<>();
  private final Map<Multihash, Extent> spilled = new HashMap<>();
  private final Path spillFile;
  private final FileChannel channel;
  private long spillSize;

  private BlockBuffer(Path spillFile, FileChannel channel) {
    this.spillFile = spillFile;
    this.channel = channel;
  }

  /** A buffer that keeps every block in the heap. */
  static BlockBuffer inMemory() {
    return new BlockBuffer(null, null);
  }

  /**
   * A buffer that appends every block to {@code file} (created, must not exist) and keeps only
   * offsets in the heap. {@link #close()} deletes the file.
   */
  static BlockBuffer spillingTo(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    return new BlockBuffer(file, channel);
  }

  /** Stores a block that was verified against {@code cid}; a repeated multihash is ignored. */
  void put(Cid cid, byte[] block) throws IOException {
    Multihash key = cid.multihash();
    if (memory.containsKey(key) || spilled.containsKey(key)) {
      return;
    }
    if (channel == null) {
      memory.put(key, block);
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(block);
    long position = spillSize;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    spilled.put(key, new Extent(spillSize, block.length));
    spillSize = position;
  }

  /** The number of distinct blocks held. */
  int size() {
    return memory.size() + spilled.size();
  }

  @Override
  public Optional<byte[]> get(Cid cid) {
    Multihash key = cid.multihash();
    byte[] inMemory = memory.get(key);
    if (inMemory != null) {
      return Optional.of(inMemory);
    }
    Extent extent = spilled.get(key);
    if (extent == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Extents.read(channel, extent.offset(), extent.length()));
    } catch (IOException e) {
      throw new CodException(
          ErrorCode.INVALID_INPUT, "cannot read back block " + cid + " from " + spillFile + ": " + e, e);
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      Files.deleteIfExists(spillFile);
    }
  }
}
