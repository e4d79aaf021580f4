package io.earshot.training.model;

import io.earshot.training.tf.AudioFrontEndConfig;
import java.util.List;

/**
 * Sizes and training hyper-parameters of the {@link SpatialAlignmentNet}.
 *
 * <p>The visual stream is a stack of 3x3 stride-2 convolutions ({@code visualChannels}, one entry
 * per layer); the audio stream is a 3x3 stride-2 stem followed by one stage per {@code
 * audioChannels} entry (stride-2 projection for all but the first, then a residual block with
 * squeeze-and-excitation); fusion is a stack of 1x1 convolutions ({@code fusionChannels}).
 *
 * @param name a label for logs and model metadata
 * @param frameSize frames are square, {@code frameSize x frameSize} RGB
 * @param clipSeconds clip length
 * @param frameRate video frames per second (the paper samples 6 fps)
 * @param inputAudioChannels PCM audio channels fed to the network (2 for stereo)
 * @param frontEnd STFT, mel and interaural phase parameters
 * @param visualChannels output channels of each visual convolution
 * @param audioChannels output channels of each audio stage
 * @param seReduction squeeze-and-excitation bottleneck ratio
 * @param fusionChannels output channels of each fusion convolution
 * @param fusionSteps time steps each fusion convolution spans (odd; 1 = the paper's 1x1 temporal
 *     convolutions)
 * @param cellChannels output channels of each layer of the per-cell head (empty: none), which
 *     scores every cell of the visual map against the sound and adds its mean to the fusion's logit
 * @param learningRate default learning rate (a schedule may feed another one per step)
 * @param momentum SGD momentum
 * @param weightDecay L2 coefficient on convolution and dense kernels (not biases)
 * @param batchNormMomentum decay of batch normalisation's moving mean and variance
 * @param seed seed of the weight initialisers
 */
public record NetConfig(
    String name,
    int frameSize,
    double clipSeconds,
    double frameRate,
    int inputAudioChannels,
    AudioFrontEndConfig frontEnd,
    List<Integer> visualChannels,
    List<Integer> audioChannels,
    int seReduction,
    List<Integer> fusionChannels,
    int fusionSteps,
    List<Integer> cellChannels,
    float learningRate,
    float momentum,
    float weightDecay,
    float batchNormMomentum,
    long seed) {

  public NetConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    require(frameSize > 0, "frameSize", frameSize);
    require(clipSeconds > 0, "clipSeconds", clipSeconds);
    require(frameRate > 0, "frameRate", frameRate);
    require(inputAudioChannels > 0, "inputAudioChannels", inputAudioChannels);
    if (frontEnd == null) {
      throw new IllegalArgumentException("frontEnd must not be null");
    }
    frontEnd.featureChannels(inputAudioChannels);
    visualChannels = positiveList(visualChannels, "visualChannels");
    audioChannels = positiveList(audioChannels, "audioChannels");
    fusionChannels = positiveList(fusionChannels, "fusionChannels");
    require(seReduction > 0, "seReduction", seReduction);
    // Odd, so that SAME padding centres the kernel on its own time step.
    require(fusionSteps > 0 && fusionSteps % 2 == 1, "fusionSteps (odd)", fusionSteps);
    cellChannels =
        cellChannels == null || cellChannels.isEmpty()
            ? List.of()
            : positiveList(cellChannels, "cellChannels");
    require(learningRate > 0, "learningRate", learningRate);
    require(momentum >= 0 && momentum < 1, "momentum", momentum);
    require(weightDecay >= 0, "weightDecay", weightDecay);
    require(
        batchNormMomentum >= 0 && batchNormMomentum < 1, "batchNormMomentum", batchNormMomentum);
    int frames = Math.round((float) (clipSeconds * frameRate));
    require(frames >= 1, "clipSeconds * frameRate", frames);
    int audioSteps =
        ceilDiv(frontEnd.frames(samples(clipSeconds, frontEnd)), audioStride(audioChannels.size()));
    if (audioSteps < frames) {
      throw new IllegalArgumentException(
          "audio stream yields " + audioSteps + " time steps, fewer than " + frames + " frames");
    }
  }

  /** A config without the per-cell head. */
  public NetConfig(
      String name,
      int frameSize,
      double clipSeconds,
      double frameRate,
      int inputAudioChannels,
      AudioFrontEndConfig frontEnd,
      List<Integer> visualChannels,
      List<Integer> audioChannels,
      int seReduction,
      List<Integer> fusionChannels,
      int fusionSteps,
      float learningRate,
      float momentum,
      float weightDecay,
      float batchNormMomentum,
      long seed) {
    this(
        name,
        frameSize,
        clipSeconds,
        frameRate,
        inputAudioChannels,
        frontEnd,
        visualChannels,
        audioChannels,
        seReduction,
        fusionChannels,
        fusionSteps,
        List.of(),
        learningRate,
        momentum,
        weightDecay,
        batchNormMomentum,
        seed);
  }

  /**
   * Earshot's default CPU model: the paper's clip geometry (3 s at 6 fps, 16 kHz stereo, 64 mel
   * bands) with 64x64 frames and narrow streams, so it trains in minutes and serves hundreds of
   * clips per second on two cores. The spatial map is flattened before fusion as in the paper. The
   * audio stream sees the interaural phase (cos, sin per mel band) next to the two log-mel
   * spectrograms, so time differences are as visible to it as level differences.
   */
  public static NetConfig cpu() {
    return cpuLogMel()
        .withName("cpu")
        .withFrontEnd(cpuLogMel().frontEnd().withInterauralPhase(true));
  }

  /**
   * {@link #cpu()} with 96x96 frames (a 6x6 visual map before fusion instead of 4x4), for telling
   * which of several objects is sounding. Pilot, 1500 scenes for 8 epochs each from scratch: 88.9 %
   * on 3000 held-out clips against 86.5 % for {@code cpu}, the gain in scenes of several objects,
   * at 1.3x the training time per epoch (65 s against 49 s). At the recipe's stage 1 (3000 scenes,
   * 24 epochs) the gain is within noise: 3687 of 4000 held-out clips against 3674.
   */
  public static NetConfig cpu96() {
    return cpu().withName("cpu-96").withFrameSize(96);
  }

  /**
   * {@link #cpu()} whose fusion convolutions each span three time steps instead of one, so the
   * fusion sees how the picture and the interaural cues change from one frame to the next (an
   * object's motion against the sound's movement), not only each frame on its own. It widens a
   * trained {@code cpu} model exactly ({@link #widens}), so it can continue one. Measured as a
   * fourth stage on the shipped model (6000 new scenes, 8 epochs): 3745 of 4000 held-out clips
   * against 3756 for the same stage as {@code cpu} and 3778 for the shipped model, so not shipped.
   */
  public static NetConfig cpuT3() {
    return cpu().withName("cpu-t3").withFusionSteps(3);
  }

  /**
   * {@link #cpu()} plus a per-cell head: every cell of the 4x4 visual map, its features and its
   * position in the frame, meets the sound's features of the same time steps (three of them, so
   * motion shows) in a small network of its own, and the mean of the cells' scores is added to the
   * fusion's logit. The flattened fusion has to find which of several objects the sound belongs to
   * in one long vector; this head asks each cell on its own whether the sound fits it. It widens a
   * trained {@code cpu} model exactly (the head's last layer starts at zero). Pilot, 1500 scenes
   * for 8 epochs each from scratch: 87.9 % on 3000 held-out clips against 83.0 % for {@code cpu};
   * on 1300 other scenes 86.9 % against 85.9 %. Added to the shipped model (trained alone, then
   * with every layer) it did not pay: 3765 of 4000 held-out clips against 3778. Through the recipe
   * from scratch, its stage 1 followed {@code cpu}'s validation accuracy without getting ahead for
   * 15 of 24 epochs (best 91.3 % against 91.9 %).
   */
  public static NetConfig cpuCells() {
    return cpu().withName("cpu-cells").withCellChannels(List.of(64, 32));
  }

  /**
   * {@link #cpu()} with three visual convolutions instead of four, so the flattened map before
   * fusion is 8x8 (cells an eighth of the frame wide) instead of 4x4: where an object is, to the
   * precision that telling a source from an object near its mirror position needs. Pilot, 1500
   * scenes for 8 epochs each from scratch: 86.7 % on 3000 held-out clips against 83.0 % for {@code
   * cpu}.
   */
  public static NetConfig cpuMap8() {
    return cpu().withName("cpu-map8").withVisualChannels(List.of(16, 32, 48));
  }

  /**
   * {@link #cpu()} with twice the visual channels (32, 64, 64, 96 instead of 16, 32, 32, 48), so a
   * 4x4 map of 96 features per frame reaches the fusion. What {@code cpu} gets wrong is which of
   * several objects a sound belongs to, a question of recognising the objects (a face, a hand, a
   * ball) at 64x64 pixels; its visual stream is 88 of its 616 MFLOPs per clip, the smallest part of
   * the network, and the only one no full-scale run has widened (larger frames, an 8x8 map, the
   * cells head and the wider fusion keep its channels). It is not a widening of a trained {@code
   * cpu} model: it trains from scratch.
   */
  public static NetConfig cpuWide() {
    return cpu().withName("cpu-wide").withVisualChannels(List.of(32, 64, 64, 96));
  }

  /**
   * {@link #cpu()} with one more audio input channel: the GCC-PHAT of the two channels at 64
   * interaural lags within 0.5 ms either way (a quarter-sample step at 16 kHz), so the interaural
   * time difference that places a source is an input, not something the network has to assemble
   * from the phase of every mel band. Where {@code cpu} goes wrong is telling a source from an
   * object near its mirror position, and its learned tracker's error (about 6.5 % of the frame
   * width) is the same size as the margins of those clips. Pilot, the first 1300 scenes of seed 3
   * for 8 epochs from scratch: 88.3 % on 3000 held-out clips against 85.9 % for {@code cpu} (4.4
   * standard errors) and 86.9 % for {@code cpu-cells}, the gain mostly in clips with no object at
   * the source's mirror position; the same best validation accuracy as {@code cpu} (90.5 %).
   */
  public static NetConfig cpuGcc() {
    return cpu().withName("cpu-gcc").withFrontEnd(cpu().frontEnd().withGccPhat(true));
  }

  /**
   * The first default CPU model ({@code models/flip-detector-cpu} until the interaural phase was
   * added): {@link #cpu()} with the paper's log-mel-only audio input.
   */
  public static NetConfig cpuLogMel() {
    return new NetConfig(
        "cpu-logmel",
        64,
        3.0,
        6.0,
        2,
        AudioFrontEndConfig.standard(),
        List.of(16, 32, 32, 48),
        List.of(16, 32, 64),
        4,
        List.of(128, 64),
        1,
        0.02f,
        0.9f,
        5e-4f,
        0.9f,
        42L);
  }

  /**
   * A config by name: {@code cpu} (default), {@code cpu-96} (96x96 frames), {@code cpu-t3} (fusion
   * over three time steps), {@code cpu-cells} (a per-cell head), {@code cpu-map8} (an 8x8 visual
   * map), {@code cpu-gcc} (a GCC-PHAT input channel), {@code cpu-wide} (twice the visual channels),
   * {@code cpu-logmel} (without interaural phase), {@code paper}, or {@code tiny} (tests).
   */
  public static NetConfig byName(String name) {
    return switch (name) {
      case "cpu" -> cpu();
      case "cpu-96" -> cpu96();
      case "cpu-t3" -> cpuT3();
      case "cpu-cells" -> cpuCells();
      case "cpu-map8" -> cpuMap8();
      case "cpu-gcc" -> cpuGcc();
      case "cpu-wide" -> cpuWide();
      case "cpu-logmel" -> cpuLogMel();
      case "paper" -> paper();
      case "tiny" -> tiny();
      default ->
          throw new IllegalArgumentException(
              "--config must be cpu, cpu-96, cpu-t3, cpu-cells, cpu-map8, cpu-gcc, cpu-wide,"
                  + " cpu-logmel, paper or tiny,"
                  + " got '"
                  + name
                  + "'");
    };
  }

  /** This config under another name. */
  public NetConfig withName(String newName) {
    Copy c = copy();
    c.name = newName;
    return c.build();
  }

  /** This config with {@code newFrameSize x newFrameSize} frames. */
  public NetConfig withFrameSize(int newFrameSize) {
    Copy c = copy();
    c.frameSize = newFrameSize;
    return c.build();
  }

  /** This config with fusion convolutions spanning {@code steps} time steps. */
  public NetConfig withFusionSteps(int steps) {
    Copy c = copy();
    c.fusionSteps = steps;
    return c.build();
  }

  /** This config with visual convolutions of these output channels, one stride-2 layer each. */
  public NetConfig withVisualChannels(List<Integer> channels) {
    Copy c = copy();
    c.visualChannels = channels;
    return c.build();
  }

  /** This config with a per-cell head of these layer widths (empty: none). */
  public NetConfig withCellChannels(List<Integer> channels) {
    Copy c = copy();
    c.cellChannels = channels;
    return c.build();
  }

  /**
   * Whether a model of {@code source} can start this network exactly: the two differ at most in
   * name, in this one's fusion spanning more time steps and in this one having a per-cell head that
   * {@code source} lacks. Every weight of {@code source} then has a place here, the extra time
   * steps of each fusion kernel start at zero, a new per-cell head's last layer too, and the
   * widened network computes what {@code source} computed until training moves it.
   */
  public boolean widens(NetConfig source) {
    return fusionSteps >= source.fusionSteps
        && (source.cellChannels.isEmpty() || source.cellChannels.equals(cellChannels))
        && source
            .withName(name)
            .withFusionSteps(fusionSteps)
            .withCellChannels(cellChannels)
            .equals(this);
  }

  /** This config with another audio front end. */
  public NetConfig withFrontEnd(AudioFrontEndConfig newFrontEnd) {
    Copy c = copy();
    c.frontEnd = newFrontEnd;
    return c.build();
  }

  private Copy copy() {
    return new Copy(this);
  }

  /** The record's fields, mutable, so each wither sets one and builds (validated) again. */
  private static final class Copy {
    String name;
    int frameSize;
    final double clipSeconds;
    final double frameRate;
    final int inputAudioChannels;
    AudioFrontEndConfig frontEnd;
    List<Integer> visualChannels;
    final List<Integer> audioChannels;
    final int seReduction;
    final List<Integer> fusionChannels;
    int fusionSteps;
    List<Integer> cellChannels;
    final float learningRate;
    final float momentum;
    final float weightDecay;
    final float batchNormMomentum;
    final long seed;

    Copy(NetConfig c) {
      name = c.name;
      frameSize = c.frameSize;
      clipSeconds = c.clipSeconds;
      frameRate = c.frameRate;
      inputAudioChannels = c.inputAudioChannels;
      frontEnd = c.frontEnd;
      visualChannels = c.visualChannels;
      audioChannels = c.audioChannels;
      seReduction = c.seReduction;
      fusionChannels = c.fusionChannels;
      fusionSteps = c.fusionSteps;
      cellChannels = c.cellChannels;
      learningRate = c.learningRate;
      momentum = c.momentum;
      weightDecay = c.weightDecay;
      batchNormMomentum = c.batchNormMomentum;
      seed = c.seed;
    }

    NetConfig build() {
      return new NetConfig(
          name,
          frameSize,
          clipSeconds,
          frameRate,
          inputAudioChannels,
          frontEnd,
          visualChannels,
          audioChannels,
          seReduction,
          fusionChannels,
          fusionSteps,
          cellChannels,
          learningRate,
          momentum,
          weightDecay,
          batchNormMomentum,
          seed);
    }
  }

  /**
   * A tiny configuration for tests that trains in seconds on two CPU cores: 1 s clips at 4 fps,
   * 32x32 frames, 64 mel bands and the interaural phase.
   */
  public static NetConfig tiny() {
    return new NetConfig(
        "tiny",
        32,
        1.0,
        4.0,
        2,
        AudioFrontEndConfig.standard().withInterauralPhase(true),
        List.of(8, 16, 16),
        List.of(16, 32),
        4,
        List.of(64, 64),
        1,
        0.01f,
        0.9f,
        1e-4f,
        0.9f,
        42L);
  }

  /**
   * The paper's clip geometry and optimiser (3 s clips, 6 fps, 256x256 frames, SGD momentum 0.9,
   * learning rate 0.01) with plain convolution stacks of roughly ResNet-18 widths. Not yet the
   * paper's ResNet-18 visual stream; it shows the record expresses paper-sized networks. Like
   * {@link #cpu()} it adds the interaural phase to the paper's log-mel input (the paper's own
   * "+GCC-PHAT" variant adds hand-made interaural channels the same way).
   */
  public static NetConfig paper() {
    return new NetConfig(
        "paper",
        256,
        3.0,
        6.0,
        2,
        AudioFrontEndConfig.standard().withInterauralPhase(true),
        List.of(64, 128, 256, 512, 512),
        List.of(64, 128, 256),
        16,
        List.of(512, 512),
        1,
        0.01f,
        0.9f,
        1e-4f,
        0.99f,
        42L);
  }

  /** Video frames per clip, T. */
  public int framesPerClip() {
    return Math.round((float) (clipSeconds * frameRate));
  }

  /** PCM samples per clip and channel. */
  public int samplesPerClip() {
    return samples(clipSeconds, frontEnd);
  }

  /** Feature channels of the audio front end output (log-mel per channel, then cos/sin IPD). */
  public int audioFeatureChannels() {
    return frontEnd.featureChannels(inputAudioChannels);
  }

  /** Log-mel frames per clip. */
  public int spectrogramFrames() {
    return frontEnd.frames(samplesPerClip());
  }

  /** Side of the visual feature map after all stride-2 layers (SAME padding). */
  public int visualMapSize() {
    return ceilDiv(frameSize, 1 << visualChannels.size());
  }

  /** Length of the flattened per-frame visual feature vector. */
  public int visualFeatureSize() {
    return visualMapSize() * visualMapSize() * visualChannels.get(visualChannels.size() - 1);
  }

  /** Time steps of the audio feature map before pooling to {@link #framesPerClip()}. */
  public int audioTimeSteps() {
    return ceilDiv(spectrogramFrames(), audioStride(audioChannels.size()));
  }

  /** Mel bins left in the audio feature map. */
  public int audioMelSteps() {
    return ceilDiv(frontEnd.melBins(), audioStride(audioChannels.size()));
  }

  /** Length of the per-time-step audio feature vector (mel x channels, flattened). */
  public int audioFeatureSize() {
    return audioMelSteps() * audioChannels.get(audioChannels.size() - 1);
  }

  // The stem halves time and mel; every stage after the first halves them again.
  private static int audioStride(int stages) {
    return 1 << stages;
  }

  private static int samples(double seconds, AudioFrontEndConfig frontEnd) {
    return (int) Math.round(seconds * frontEnd.sampleRate());
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static List<Integer> positiveList(List<Integer> values, String option) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(option + " must not be empty");
    }
    for (Integer v : values) {
      require(v != null && v > 0, option, values);
    }
    return List.copyOf(values);
  }

  private static void require(boolean ok, String option, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid " + option + ": " + value);
    }
  }
}
