package io.earshot.training.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a pass over a video directory used and skipped, and why. */
public final class DatasetReport {

  /** A video that gave no clips, with the reason. */
  public record Skipped(String file, String reason) {}

  /** A video that gave clips but stopped early. */
  public record Warning(String file, String warning) {}

  private final List<Skipped> skipped = new ArrayList<>();
  private final List<Warning> warnings = new ArrayList<>();
  private final Map<Split, Integer> videos = new EnumMap<>(Split.class);
  private final Map<Split, Integer> clips = new EnumMap<>(Split.class);
  private final Map<Split, Integer> swapped = new EnumMap<>(Split.class);
  private int silentClips;
  private int ignoredFiles;

  synchronized void skip(String file, String reason) {
    skipped.add(new Skipped(file, reason));
  }

  synchronized void warn(String file, String warning) {
    warnings.add(new Warning(file, warning));
  }

  synchronized void video(Split split) {
    videos.merge(split, 1, Integer::sum);
  }

  synchronized void clip(Split split, boolean isSwapped) {
    clips.merge(split, 1, Integer::sum);
    if (isSwapped) {
      swapped.merge(split, 1, Integer::sum);
    }
  }

  synchronized void silentClip() {
    silentClips++;
  }

  synchronized void ignored(int n) {
    ignoredFiles += n;
  }

  public synchronized List<Skipped> skipped() {
    return List.copyOf(skipped);
  }

  public synchronized List<Warning> warnings() {
    return List.copyOf(warnings);
  }

  public synchronized int videos(Split split) {
    return videos.getOrDefault(split, 0);
  }

  public synchronized int clips(Split split) {
    return clips.getOrDefault(split, 0);
  }

  public synchronized int swapped(Split split) {
    return swapped.getOrDefault(split, 0);
  }

  public synchronized int silentClips() {
    return silentClips;
  }

  public synchronized int ignoredFiles() {
    return ignoredFiles;
  }

  /** A readable table. */
  public synchronized String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-11s %7s %7s %9s%n", "split", "videos", "clips", "swapped"));
    for (Split s : Split.values()) {
      int c = clips(s);
      sb.append(
          String.format(
              "%-11s %7d %7d %8.1f%%%n",
              s.name().toLowerCase(), videos(s), c, c == 0 ? 0 : 100.0 * swapped(s) / c));
    }
    sb.append(
        String.format(
            "silent clips skipped: %d; non-video files ignored: %d%n", silentClips, ignoredFiles));
    if (!skipped.isEmpty()) {
      sb.append(String.format("skipped videos (%d):%n", skipped.size()));
      for (Skipped s : skipped) {
        sb.append("  ").append(s.file()).append(": ").append(s.reason()).append('\n');
      }
    }
    for (Warning w : warnings) {
      sb.append("  warning ").append(w.file()).append(": ").append(w.warning()).append('\n');
    }
    return sb.toString();
  }

  /** Writes the report as JSON. */
  public synchronized void write(Path file) {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    Map<String, Object> splits = new java.util.LinkedHashMap<>();
    for (Split s : Split.values()) {
      splits.put(
          s.name().toLowerCase(),
          Map.of("videos", videos(s), "clips", clips(s), "swapped", swapped(s)));
    }
    json.put("splits", splits);
    json.put("silentClips", silentClips);
    json.put("ignoredFiles", ignoredFiles);
    json.put("skipped", skipped);
    json.put("warnings", warnings);
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report " + file, e);
    }
  }
}
