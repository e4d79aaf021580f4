package io.earshot.training.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Hashing and verification of a model directory's files. */
public final class ModelFiles {

  private ModelFiles() {}

  /** SHA-256 of every file under the directory except the metadata file, by relative path. */
  public static Map<String, String> hashes(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (!rel.equals(ModelMetadata.FILE_NAME)) {
          out.put(rel, sha256(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return out;
  }

  /** One digest over the sorted (path, hash) list: the release's identity. */
  public static String digest(Map<String, String> hashes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(hashes)
          .forEach(
              (k, v) ->
                  md.update(
                      (k + "=" + v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // digesting
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks that the directory holds exactly the files its metadata lists, with the same hashes, and
   * that its input contract is the expected one (when given).
   *
   * @return the metadata
   * @throws InvalidModelException naming every mismatch
   */
  public static ModelMetadata verify(Path dir, InputContract expected) {
    ModelMetadata meta = ModelMetadata.read(dir);
    if (meta.files() == null || meta.files().isEmpty()) {
      throw new InvalidModelException(dir + ": metadata lists no files; re-export the model");
    }
    Map<String, String> actual = hashes(dir);
    List<String> problems = new java.util.ArrayList<>();
    for (Map.Entry<String, String> e : meta.files().entrySet()) {
      String got = actual.get(e.getKey());
      if (got == null) {
        problems.add("missing file " + e.getKey());
      } else if (!got.equals(e.getValue())) {
        problems.add(
            "file "
                + e.getKey()
                + " changed (sha256 "
                + got.substring(0, 12)
                + "..., expected "
                + e.getValue().substring(0, 12)
                + "...)");
      }
    }
    for (String extra : actual.keySet()) {
      if (!meta.files().containsKey(extra)) {
        problems.add("unexpected file " + extra);
      }
    }
    if (expected != null && meta.input() != null) {
      for (String d : meta.input().differences(expected)) {
        problems.add("input contract differs: " + d);
      }
    } else if (expected != null) {
      problems.add("metadata has no input contract");
    }
    if (!problems.isEmpty()) {
      throw new InvalidModelException("model " + dir + " rejected: " + String.join("; ", problems));
    }
    return meta;
  }
}
