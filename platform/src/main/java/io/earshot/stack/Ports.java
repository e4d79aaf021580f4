package io.earshot.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port helpers for the embedded servers. */
public final class Ports {

  private Ports() {}

  /** Ports handed out by this JVM; a server may take seconds to bind the one it was given. */
  private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

  /**
   * A port that was free on 127.0.0.1 a moment ago (servers bind it right after), never one this
   * JVM handed out before: the registry process needs seconds to bind its port, and the broker's
   * ports are chosen meanwhile, so the OS could otherwise offer the same number twice.
   */
  public static synchronized int freeLoopbackPort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free loopback port", e);
      }
    }
    throw new IllegalStateException("no loopback port that was not handed out already");
  }

  /** Throws a clear error when something already listens on the loopback port. */
  public static void requireFree(int port, String what) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " on 127.0.0.1 is already in use, so the "
              + what
              + " cannot start there; stop whatever uses it or pick another port",
          e);
    }
  }

  /** Chooses the given port, or a free one when it is 0. */
  public static int resolve(int port, String what) {
    if (port == 0) {
      return freeLoopbackPort();
    }
    requireFree(port, what);
    return port;
  }
}
