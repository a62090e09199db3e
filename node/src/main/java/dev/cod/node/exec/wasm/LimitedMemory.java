package dev.cod.node.exec.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;

/**
 * A module's linear memory that stops the run when the module grows it past the job's limit.
 *
 * <p>WebAssembly's {@code memory.grow} returns -1 past the memory's maximum and lets the module
 * carry on (C's {@code malloc} then returns NULL); a job would then end with whatever its error
 * path prints. Instead, a grow past {@code limitPages} throws {@link SandboxLimitException}, so the
 * run fails with an error that names the memory limit. Grows within the module's own declared
 * maximum but under the limit behave as the spec says. Every other call goes to the wrapped
 * memory (Chicory's {@code ByteArrayMemory}).
 *
 * @see <a href="https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-memory-mathsf-memory-grow">WebAssembly
 *     core spec, memory.grow</a>
 */
@SuppressWarnings("removal")
final class LimitedMemory implements Memory {
  private final Memory delegate;
  private final int limitPages;

  /**
   * @param delegate the memory itself
   * @param limitPages most pages (64 KiB each) the job may use
   */
  LimitedMemory(Memory delegate, int limitPages) {
    this.delegate = delegate;
    this.limitPages = limitPages;
  }

  @Override
  public int grow(int size) {
    int current = delegate.pages();
    if (size > 0 && (long) current + size > limitPages) {
      throw new SandboxLimitException(
          "memory limit: the module asked to grow its memory from "
              + current
              + " to "
              + ((long) current + size)
              + " pages of 64 KiB, over the job's limit of "
              + limitPages
              + " pages ("
              + ((long) limitPages * PAGE_SIZE >> 20)
              + " MiB, resources.memory); raise the limit or have the job use less memory");
    }
    return delegate.grow(size);
  }

  @Override
  public int pages() {
    return delegate.pages();
  }

  @Override
  public int initialPages() {
    return delegate.initialPages();
  }

  @Override
  public int maximumPages() {
    return Math.min(delegate.maximumPages(), limitPages);
  }

  @Override
  public boolean shared() {
    return delegate.shared();
  }

  @Override
  public Object lock(int address) {
    return delegate.lock(address);
  }

  @Override
  public int waitOn(int address, int expected, long timeout) {
    return delegate.waitOn(address, expected, timeout);
  }

  @Override
  public int waitOn(int address, long expected, long timeout) {
    return delegate.waitOn(address, expected, timeout);
  }

  @Override
  public int notify(int address, int maxThreads) {
    return delegate.notify(address, maxThreads);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments) {
    delegate.initialize(instance, dataSegments);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
    delegate.initialize(instance, dataSegments, memoryIndex);
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    delegate.initPassiveSegment(segmentId, dest, offset, size);
  }

  @Override
  public void write(int addr, byte[] data, int offset, int size) {
    delegate.write(addr, data, offset, size);
  }

  @Override
  public byte read(int addr) {
    return delegate.read(addr);
  }

  @Override
  public byte[] readBytes(int addr, int len) {
    return delegate.readBytes(addr, len);
  }

  @Override
  public void writeI32(int addr, int data) {
    delegate.writeI32(addr, data);
  }

  @Override
  public int readInt(int addr) {
    return delegate.readInt(addr);
  }

  @Override
  public void writeLong(int addr, long data) {
    delegate.writeLong(addr, data);
  }

  @Override
  public long readLong(int addr) {
    return delegate.readLong(addr);
  }

  @Override
  public void writeShort(int addr, short data) {
    delegate.writeShort(addr, data);
  }

  @Override
  public short readShort(int addr) {
    return delegate.readShort(addr);
  }

  @Override
  public long readU16(int addr) {
    return delegate.readU16(addr);
  }

  @Override
  public void writeByte(int addr, byte data) {
    delegate.writeByte(addr, data);
  }

  @Override
  public void writeF32(int addr, float data) {
    delegate.writeF32(addr, data);
  }

  @Override
  public long readF32(int addr) {
    return delegate.readF32(addr);
  }

  @Override
  public float readFloat(int addr) {
    return delegate.readFloat(addr);
  }

  @Override
  public void writeF64(int addr, double data) {
    delegate.writeF64(addr, data);
  }

  @Override
  public double readDouble(int addr) {
    return delegate.readDouble(addr);
  }

  @Override
  public long readF64(int addr) {
    return delegate.readF64(addr);
  }

  @Override
  public void zero() {
    delegate.zero();
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    delegate.fill(value, fromIndex, toIndex);
  }

  @Override
  public void copy(int dest, int src, int size) {
    delegate.copy(dest, src, size);
  }

  @Override
  public void drop(int segment) {
    delegate.drop(segment);
  }
}
