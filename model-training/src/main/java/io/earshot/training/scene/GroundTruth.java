package io.earshot.training.scene;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a generated video shows and plays, frame by frame: written next to each video as JSON and
 * read back by tests and by tracking evaluation.
 *
 * @param frames one entry per video frame
 */
public record GroundTruth(
    int version,
    long seed,
    double seconds,
    int fps,
    int width,
    int height,
    int sampleRate,
    double fovDeg,
    String spatializer,
    double reverbWet,
    double rt60Seconds,
    double noiseLevel,
    List<ObjectInfo> objects,
    List<FrameTruth> frames) {

  /** Static facts of an object. {@code sound} is null for a silent distractor. */
  public record ObjectInfo(
      int id, String kind, String sound, boolean offScreen, int[] rgb, String texture) {}

  /** One frame. */
  public record FrameTruth(int index, double t, List<ObjectTruth> objects) {}

  /**
   * An object in one frame.
   *
   * @param sounding whether its sound is audible in this frame
   * @param visible whether any part of it is inside the frame
   * @param box pixel box x, y, w, h (may extend past the frame edges)
   * @param cx horizontal centre, normalised 0..1 across the frame (outside when off screen)
   * @param azimuthDeg direction of the object from the camera, positive to the right
   */
  public record ObjectTruth(
      int id,
      boolean sounding,
      boolean visible,
      double[] box,
      double cx,
      double cy,
      double azimuthDeg) {}

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.INDENT_OUTPUT);

  public void write(Path file) {
    try {
      JSON.writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ground truth " + file, e);
    }
  }

  public static GroundTruth read(Path file) {
    try {
      return JSON.readValue(file.toFile(), GroundTruth.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ground truth " + file, e);
    }
  }

  /**
   * The ground truth of a generated video: the JSON next to it ({@code scene-00001.json} for {@code
   * scene-00001.mp4}, ids relative to {@code root}), or null when there is none (not a generated
   * video).
   */
  public static GroundTruth ofVideo(Path root, String videoId) {
    Path json = root.resolve(videoId.replaceAll("\\.[^.]+$", ".json"));
    return java.nio.file.Files.isRegularFile(json) ? read(json) : null;
  }

  /**
   * The frames a clip of {@code seconds} starting at {@code startSeconds} covers: from the frame
   * its start falls in up to the frame its end falls in, within the video.
   */
  public List<FrameTruth> clipFrames(double startSeconds, double seconds) {
    int to = Math.min(frames.size(), (int) Math.ceil((startSeconds + seconds) * fps));
    int from = Math.min(to, (int) Math.floor(startSeconds * fps));
    return frames.subList(from, to);
  }

  public ObjectInfo object(int id) {
    return objects.stream().filter(o -> o.id() == id).findFirst().orElseThrow();
  }
}
