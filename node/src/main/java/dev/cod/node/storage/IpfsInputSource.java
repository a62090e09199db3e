package dev.cod.node.storage;

import dev.cod.cid.Cid;
import dev.cod.node.ipfs.IpfsClient;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@value #TYPE} storage source: a UnixFS file or directory by CID from the node's own Kubo
 * daemon, every block checked against its CID ({@link IpfsClient#get}).
 */
public final class IpfsInputSource implements InputSource {
  /** The source name job specs use. */
  public static final String TYPE = "ipfs";

  private final IpfsClient ipfs;

  public IpfsInputSource(IpfsClient ipfs) {
    this.ipfs = Objects.requireNonNull(ipfs, "ipfs");
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * @param reference the CID, as text
   * @throws dev.cod.common.CodException as {@link Cid#parse} and {@link IpfsClient#get} do
   */
  @Override
  public void fetch(String reference, Path destination, long maxBytes) {
    ipfs.get(Cid.parse(reference), destination, maxBytes);
  }
}
