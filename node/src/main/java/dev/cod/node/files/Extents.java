package dev.cod.node.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Reading a byte range (an extent) of a file back, as the block stores that spill to disk do. */
public final class Extents {
  private Extents() {}

  /**
   * The {@code length} bytes of {@code channel} from {@code position}.
   *
   * @throws IOException if the file ends before them, or on a read error
   */
  public static byte[] read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("the file ended at byte " + at + ", before " + (position + length));
      }
      at += n;
    }
    return buffer.array();
  }
}
