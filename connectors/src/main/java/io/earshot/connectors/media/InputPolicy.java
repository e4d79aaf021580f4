package io.earshot.connectors.media;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Which ffmpeg protocols an input may use, and whether it is live.
 *
 * <p>Inputs can come from untrusted configuration (a Connect config, a REST call). ffmpeg follows
 * references inside playlists and manifests, so an HLS playlist fetched over HTTP could otherwise
 * make it read {@code file:///etc/...} or any other local resource. Each input therefore gets a
 * {@code protocol_whitelist} derived from its own scheme: network inputs never get {@code file},
 * and local files never get network protocols.
 */
public final class InputPolicy {

  private static final Map<String, String> WHITELIST_BY_SCHEME =
      Map.ofEntries(
          Map.entry("file", "file,crypto,data"),
          Map.entry("http", "http,https,tcp,tls,crypto,data,httpproxy"),
          Map.entry("https", "http,https,tcp,tls,crypto,data,httpproxy"),
          Map.entry("rtmp", "rtmp,rtmps,rtmpt,tcp,tls"),
          Map.entry("rtmps", "rtmp,rtmps,tcp,tls"),
          Map.entry("rtsp", "rtsp,rtp,srtp,udp,tcp,tls"),
          Map.entry("rtsps", "rtsp,rtsps,rtp,srtp,udp,tcp,tls"),
          Map.entry("srt", "srt,udp"),
          Map.entry("udp", "udp,rtp"),
          Map.entry("rtp", "rtp,udp"),
          Map.entry("tcp", "tcp"));

  private InputPolicy() {}

  /** The URL scheme, or "file" for a plain path. */
  public static String scheme(String input) {
    int colon = input.indexOf("://");
    if (colon <= 0) {
      return "file";
    }
    return input.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  /** Whether the input is a network source (live or remote), so reconnects and timeouts apply. */
  public static boolean isNetwork(String input) {
    return !"file".equals(scheme(input));
  }

  /** The protocols ffmpeg may use for this input. */
  public static String protocolWhitelist(String input) {
    String scheme = scheme(input);
    String list = WHITELIST_BY_SCHEME.get(scheme);
    if (list == null) {
      throw new MediaInputException(
          MediaInputException.Kind.FORBIDDEN_PROTOCOL,
          "input scheme '"
              + scheme
              + "://' is not supported; use a file path or one of "
              + String.join(", ", WHITELIST_BY_SCHEME.keySet().stream().sorted().toList()));
    }
    return list;
  }

  /** Checks a local file before ffmpeg sees it, so the error says exactly what is wrong. */
  public static Path requireReadableFile(String input) {
    Path path = input.startsWith("file://") ? Path.of(URI.create(input)) : Path.of(input);
    if (!Files.exists(path)) {
      throw new MediaInputException(
          MediaInputException.Kind.NOT_FOUND, "input file not found: " + path);
    }
    if (!Files.isRegularFile(path)) {
      throw new MediaInputException(
          MediaInputException.Kind.NOT_FOUND, "input is not a regular file: " + path);
    }
    try {
      if (Files.size(path) == 0) {
        throw new MediaInputException(
            MediaInputException.Kind.EMPTY, "input file is empty (0 bytes): " + path);
      }
    } catch (java.io.IOException e) {
      throw new MediaInputException(
          MediaInputException.Kind.UNREADABLE, "cannot read input file " + path + ": " + e);
    }
    if (!Files.isReadable(path)) {
      throw new MediaInputException(
          MediaInputException.Kind.UNREADABLE, "input file is not readable: " + path);
    }
    return path;
  }

  /** The input with any user-info (credentials) removed, safe to log and publish. */
  public static String redact(String input) {
    if (!isNetwork(input)) {
      return input;
    }
    try {
      URI uri = URI.create(input);
      if (uri.getUserInfo() == null) {
        return input;
      }
      return new URI(
              uri.getScheme(),
              null,
              uri.getHost(),
              uri.getPort(),
              uri.getPath(),
              uri.getQuery(),
              uri.getFragment())
          .toString();
    } catch (IllegalArgumentException | java.net.URISyntaxException e) {
      return scheme(input) + "://<unparseable>";
    }
  }
}
