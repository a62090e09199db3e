package dev.cod.node.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an HTTP server, for tests of broken downloads: it forwards one GET per
 * connection (asking the upstream to close after it), records each request head, and cuts the
 * first {@code dropConnections} responses after {@code dropAfterBytes} bytes (headers included)
 * by closing both sockets — or, with {@code stall}, by sending nothing more while keeping the
 * connection open, as a server that hangs would. With {@code stripRange} it removes the {@code
 * Range} header, as a server that ignores ranges would.
 */
final class DroppingProxy implements AutoCloseable {
  private final URI upstream;
  private final int dropConnections;
  private final long dropAfterBytes;
  private final boolean stripRange;
  private final boolean stall;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  DroppingProxy(URI upstream, int dropConnections, long dropAfterBytes, boolean stripRange)
      throws IOException {
    this(upstream, dropConnections, dropAfterBytes, stripRange, false);
  }

  DroppingProxy(URI upstream, int dropConnections, long dropAfterBytes, boolean stripRange, boolean stall)
      throws IOException {
    this.stall = stall;
    this.upstream = upstream;
    this.dropConnections = dropConnections;
    this.dropAfterBytes = dropAfterBytes;
    this.stripRange = stripRange;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "dropping-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** The request heads received, in order (request line and headers). */
  List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        int index = connections.getAndIncrement();
        Thread t = new Thread(() -> serve(client, index), "dropping-proxy-" + index);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client, int index) {
    try (client;
        Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
      String head = readHead(client.getInputStream());
      if (head == null) {
        return;
      }
      requests.add(head);
      StringBuilder forwarded = new StringBuilder();
      for (String line : head.split("\r\n")) {
        String lower = line.toLowerCase();
        if (lower.startsWith("connection:") || (stripRange && lower.startsWith("range:"))) {
          continue;
        }
        forwarded.append(line).append("\r\n");
      }
      forwarded.append("Connection: close\r\n\r\n");
      up.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
      up.getOutputStream().flush();
      long limit = index < dropConnections ? dropAfterBytes : Long.MAX_VALUE;
      InputStream in = up.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] buffer = new byte[8192];
      long sent = 0;
      int n;
      while (sent < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent))) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
        sent += n;
      }
      while (stall && sent >= limit && !listener.isClosed() && !client.isClosed()) {
        Thread.sleep(20); // hang: the connection stays open, nothing more comes
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client or upstream went away: nothing to do
    }
  }

  /** Reads up to and including the blank line that ends the head; null at end of stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
