package dev.cod.chain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a JSON-RPC endpoint, that a test stops and starts again on
 * the same port (the endpoint "goes away and comes back"), or that mishandles
 * {@code eth_sendRawTransaction} requests only: {@link Mode#DROP_SENDS} cuts the connection before
 * the request reaches the endpoint, {@link Mode#CUT_ONE_SEND_RESPONSE} lets the next one through and cuts the
 * connection before its answer comes back (the transaction is in, the client does not know), then
 * passes everything again.
 */
final class FlakyProxy implements AutoCloseable {
  enum Mode { PASS, DROP_SENDS, CUT_ONE_SEND_RESPONSE }

  private static final byte[] SEND_RAW = "eth_sendRawTransaction".getBytes(StandardCharsets.US_ASCII);

  private final InetSocketAddress upstream;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sendsSeen = new AtomicInteger();
  private volatile Mode mode = Mode.PASS;
  private volatile ServerSocket server;

  FlakyProxy(String upstreamUrl) throws IOException {
    URI uri = URI.create(upstreamUrl);
    this.upstream = new InetSocketAddress(uri.getHost(), uri.getPort());
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      this.port = probe.getLocalPort();
    }
    start();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** {@code eth_sendRawTransaction} requests seen since the last call. */
  int takeSendsSeen() {
    return sendsSeen.getAndSet(0);
  }

  synchronized void start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    server = s;
    Thread accept = new Thread(() -> acceptLoop(s), "proxy-accept-" + port);
    accept.setDaemon(true);
    accept.start();
  }

  /** Stops listening and cuts every open connection: connecting is refused until {@link #start}. */
  synchronized void stop() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket target = new Socket(upstream.getAddress(), upstream.getPort());
        sockets.add(client);
        sockets.add(target);
        ConnectionState state = new ConnectionState();
        pump(client, target, true, state);
        pump(target, client, false, state);
      } catch (IOException e) {
        // closed by stop(), or the upstream refused: the client sees its connection end
      }
    }
  }

  private static final class ConnectionState {
    volatile boolean cutNextResponse;
  }

  private void pump(Socket from, Socket to, boolean request, ConnectionState state) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (request && contains(buf, n, SEND_RAW)) {
            sendsSeen.incrementAndGet();
            if (mode == Mode.DROP_SENDS) {
              break;
            }
            if (mode == Mode.CUT_ONE_SEND_RESPONSE) {
              state.cutNextResponse = true;
              mode = Mode.PASS;
            }
          }
          if (!request && state.cutNextResponse) {
            break;
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static boolean contains(byte[] buf, int n, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= n; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buf[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closed already
    }
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
