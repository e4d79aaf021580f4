package io.earshot.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Turns a directory of ordinary videos into self-supervised flip-task clips: each clip's audio
 * channels are swapped with probability 0.5 (the label), and training clips get the paper's
 * augmentations: a random crop, a colour/contrast shift, and mirroring video and audio together
 * (which keeps the label). Videos are assigned to train/validation/test by a seeded hash of their
 * relative path, so splits are deterministic and no video is in two splits.
 *
 * <p>Videos are decoded one at a time, in a single sequential pass each; nothing is held in memory
 * beyond the clip being cut. Unusable videos (mono, silent, no video, corrupt, too short) are
 * skipped and listed in the {@link DatasetReport} with the reason; they never stop the pass.
 */
public final class ClipDataset {

  private static final Set<String> EXTENSIONS =
      Set.of("mp4", "m4v", "mov", "mkv", "webm", "avi", "ts", "mts", "flv", "mpg", "mpeg");

  private final Path root;
  private final DatasetConfig config;
  private final List<Path> videos;
  private final DatasetReport report = new DatasetReport();

  private ClipDataset(Path root, DatasetConfig config, List<Path> videos, int ignored) {
    this.root = root;
    this.config = config;
    this.videos = videos;
    report.ignored(ignored);
  }

  /**
   * Lists the videos under {@code root} (recursively, following symbolic links, e.g. a linked
   * directory of videos that live elsewhere; sorted for determinism).
   */
  public static ClipDataset open(Path root, DatasetConfig config) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("--videos must be a directory of videos, got " + root);
    }
    List<Path> videos = new ArrayList<>();
    int ignored = 0;
    try (Stream<Path> files = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        if (EXTENSIONS.contains(extension(p))) {
          videos.add(p);
        } else if (!p.getFileName().toString().endsWith(".json")) {
          ignored++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    if (videos.isEmpty()) {
      throw new IllegalArgumentException(
          root
              + " contains no video files ("
              + String.join(", ", EXTENSIONS.stream().sorted().toList())
              + ")");
    }
    return new ClipDataset(root, config, videos, ignored);
  }

  private static String extension(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  public List<Path> videos() {
    return videos;
  }

  /** The same dataset restricted to its first {@code n} videos (in sorted order). */
  public ClipDataset first(int n) {
    return new ClipDataset(root, config, videos.subList(0, Math.min(n, videos.size())), 0);
  }

  public DatasetReport report() {
    return report;
  }

  public DatasetConfig config() {
    return config;
  }

  /** The split of a video: a seeded hash of its path relative to the root. */
  public Split splitOf(Path video) {
    double u = unit(hash(config.seed() + ":split:" + relative(video)));
    if (u < config.trainFraction()) {
      return Split.TRAIN;
    }
    return u < config.trainFraction() + config.validationFraction() ? Split.VALIDATION : Split.TEST;
  }

  /** The videos of one split. */
  public List<Path> videos(Split split) {
    return videos.stream().filter(v -> splitOf(v) == split).toList();
  }

  String relative(Path video) {
    return root.relativize(video).toString().replace('\\', '/');
  }

  /**
   * Streams every clip of a split to {@code sink}, video after video. {@code epoch} reseeds the
   * augmentations (labels stay fixed per clip so validation numbers are comparable).
   *
   * @param onVideo called after each video with the number of videos done
   * @return number of clips produced
   */
  public int forEach(Split split, int epoch, Consumer<Clip> sink, Consumer<Integer> onVideo) {
    int produced = 0;
    int done = 0;
    for (Path video : videos(split)) {
      produced += readVideo(video, split, epoch, sink);
      onVideo.accept(++done);
    }
    return produced;
  }

  private int readVideo(Path video, Split split, int epoch, Consumer<Clip> sink) {
    String id = relative(video);
    ClipSpec spec = config.clip();
    boolean augment = config.augment() && split == Split.TRAIN;
    // Decode a little larger than the clip so a crop can move around; val/test crop the centre.
    int decodeW = spec.decodeWidth();
    int decodeH = spec.decodeHeight();
    int produced = 0;
    int silent = 0;
    try (VideoClipReader reader =
        new VideoClipReader(video, spec, decodeW, decodeH, config.hopSeconds())) {
      VideoClipReader.RawClip raw;
      while ((raw = reader.next()) != null) {
        if (config.maxClipsPerVideo() > 0 && produced >= config.maxClipsPerVideo()) {
          break;
        }
        if (rms(raw.audio()) < config.silenceRms()) {
          silent++;
          report.silentClip();
          continue;
        }
        Clip clip = assemble(raw, id, split, epoch, augment);
        report.clip(split, clip.swapped());
        sink.accept(clip);
        produced++;
      }
      if (produced == 0) {
        report.skip(
            id,
            silent > 0
                ? "silent audio (every clip below the silence threshold)"
                : "no complete clip");
      } else {
        report.video(split);
        if (reader.warning() != null) {
          report.warn(id, reader.warning());
        }
      }
    } catch (UnusableVideoException e) {
      report.skip(id, e.getMessage());
    } catch (RuntimeException e) {
      // A decoder crash on one file must not stop a pass over thousands.
      report.skip(id, "failed: " + e);
    }
    return produced;
  }

  private Clip assemble(
      VideoClipReader.RawClip raw, String id, Split split, int epoch, boolean augment) {
    ClipSpec spec = config.clip();
    boolean swapped = (hash(config.seed() + ":label:" + id + ":" + raw.index()) & 1) == 1;
    Random random =
        new Random(hash(config.seed() + ":aug:" + epoch + ":" + id + ":" + raw.index()));
    int maxX = raw.decodeWidth() - spec.width();
    int maxY = raw.decodeHeight() - spec.height();
    int ox = augment ? random.nextInt(maxX + 1) : maxX / 2;
    int oy = augment ? random.nextInt(maxY + 1) : maxY / 2;
    boolean mirror = augment && random.nextBoolean();
    double brightness = augment ? (random.nextDouble() - 0.5) * 0.3 : 0;
    double contrast = augment ? 0.8 + random.nextDouble() * 0.4 : 1;
    double saturation = augment ? 0.8 + random.nextDouble() * 0.4 : 1;
    byte[] rgb =
        Augment.cropAndColor(
            raw.rgb(),
            spec.frames(),
            raw.decodeWidth(),
            raw.decodeHeight(),
            ox,
            oy,
            spec.width(),
            spec.height(),
            mirror,
            brightness,
            contrast,
            saturation);
    float[] audio = raw.audio();
    // Mirroring the picture moves sources to the other side, so the channels swap with it; a
    // swap for the label on top of that cancels out, hence the exclusive or.
    if (swapped ^ mirror) {
      audio = io.earshot.domain.Pcm.swapLeftRight(audio);
    }
    return new Clip(id, raw.index(), raw.startSeconds(), split, swapped, mirror, spec, rgb, audio);
  }

  static double rms(float[] x) {
    double s = 0;
    for (float v : x) {
      s += v * (double) v;
    }
    return x.length == 0 ? 0 : Math.sqrt(s / x.length);
  }

  static long hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }
}
