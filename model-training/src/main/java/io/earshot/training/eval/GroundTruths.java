package io.earshot.training.eval;

import io.earshot.training.scene.GroundTruth;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ground truth of a directory's generated videos, each read once however many parts of an
 * evaluation ask for it (the decidability and slice of every clip, the tracking figures). Videos
 * without ground truth (not generated) are remembered as such. Not thread-safe: one evaluation pass
 * uses it.
 */
public final class GroundTruths {

  private final Path root;
  private final Map<String, Optional<GroundTruth>> cache = new HashMap<>();

  /**
   * @param root the videos' directory ({@code video.json} next to each {@code video.mp4})
   */
  public GroundTruths(Path root) {
    this.root = root;
  }

  /** The ground truth of {@code videoId}, or null when it has none. */
  public GroundTruth of(String videoId) {
    return cache
        .computeIfAbsent(videoId, id -> Optional.ofNullable(GroundTruth.ofVideo(root, id)))
        .orElse(null);
  }
}
