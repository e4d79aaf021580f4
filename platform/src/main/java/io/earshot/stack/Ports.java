package io.earshot.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port helpers for the embedded servers. */
public final class Ports {

  private Ports() {}

  /** A port that was free on 127.0.0.1 a moment ago (servers bind it right after). */
  public static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
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
