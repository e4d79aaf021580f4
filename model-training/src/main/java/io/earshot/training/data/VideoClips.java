package io.earshot.training.data;

import java.nio.file.Path;
import java.util.function.Consumer;

/** Sliding clips of one video as they are, for scoring (no label, no swap, no augmentation). */
public final class VideoClips {

  private VideoClips() {}

  /** Result of reading one video. */
  public record Summary(int clips, int silentClips, String warning) {}

  /**
   * Streams the video's clips, centre-cropped to the spec, to {@code sink}.
   *
   * @throws UnusableVideoException when the video cannot be scored (mono, no audio, corrupt, ...)
   */
  public static Summary forEach(
      Path video, ClipSpec spec, double hopSeconds, double silenceRms, Consumer<Clip> sink)
      throws UnusableVideoException {
    int decodeW = spec.decodeWidth();
    int decodeH = spec.decodeHeight();
    int clips = 0;
    int silent = 0;
    try (VideoClipReader reader = new VideoClipReader(video, spec, decodeW, decodeH, hopSeconds)) {
      VideoClipReader.RawClip raw;
      while ((raw = reader.next()) != null) {
        boolean isSilent = ClipDataset.rms(raw.audio()) < silenceRms;
        byte[] rgb =
            isSilent
                ? null
                : Augment.cropAndColor(
                    raw.rgb(),
                    spec.frames(),
                    decodeW,
                    decodeH,
                    (decodeW - spec.width()) / 2,
                    (decodeH - spec.height()) / 2,
                    spec.width(),
                    spec.height(),
                    false,
                    0,
                    1,
                    1);
        sink.accept(
            new Clip(
                video.getFileName().toString(),
                raw.index(),
                raw.startSeconds(),
                Split.TEST,
                false,
                false,
                spec,
                rgb,
                isSilent ? null : raw.audio()));
        if (isSilent) {
          silent++;
          continue;
        }
        clips++;
      }
      return new Summary(clips, silent, reader.warning());
    }
  }
}
