package io.earshot.training.model;

import io.earshot.training.tf.AudioFrontEnd;
import io.earshot.training.tf.FrameNormalizer;
import io.earshot.training.tf.ScopeTree;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The two-stream spatial alignment network of "Telling Left from Right" (section 4), built into a
 * TensorFlow graph.
 *
 * <ul>
 *   <li>Visual stream: frames {@code uint8 [B, T, H, W, 3]} are normalised in the graph and passed
 *       one by one through 3x3 stride-2 convolutions; each frame's feature map is
 *       <em>flattened</em>, not pooled, because the task needs where things are (the paper found
 *       pooling before fusion fails here).
 *   <li>Audio stream: PCM {@code float32 [B, samples, 2]} goes through the in-graph log-mel front
 *       end with left and right stacked as input channels (plus cos and sin of the interaural phase
 *       per mel band when the config asks for it), a stride-2 stem and residual blocks with
 *       squeeze-and-excitation; mel and channel axes are flattened per time step and the time axis
 *       is average-pooled to the T video frames.
 *   <li>Fusion: per-time-step concatenation of both vectors, convolutions over {@code [B, T, 1, C]}
 *       spanning {@code fusionSteps} time steps (1 in the paper: 1x1 temporal convolutions), mean
 *       over time, one logit: is the audio left/right-flipped?
 *   <li>Optionally ({@link NetConfig#cellChannels()}) a per-cell head whose mean score over the
 *       visual map's cells and time is added to that logit.
 * </ul>
 *
 * <p>Every convolution is followed by batch normalisation (FusedBatchNormV3, the version with a C++
 * gradient). The graph therefore holds two branches over the same variables: a training branch that
 * normalises with batch statistics and updates moving averages ({@link #trainingLogits()}, {@link
 * #statisticUpdates()}), and an inference branch that uses the moving averages ({@link #logits()},
 * {@link #flipProbability()}, the embeddings), which is what gets exported.
 */
public final class SpatialAlignmentNet {

  private final NetConfig config;
  private final Placeholder<TUint8> frames;
  private final Placeholder<TFloat32> audio;
  private final Operand<TFloat32> trainingLogits;
  private final Operand<TFloat32> visualEmbedding;
  private final Operand<TFloat32> audioEmbedding;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> flipProbability;
  private final List<Variable<TFloat32>> trainable;
  private final List<Variable<TFloat32>> kernels;
  private final List<Variable<TFloat32>> statistics;
  private final List<Op> statisticUpdates;

  /** What one branch of the network produces. */
  private record Branch(
      Operand<TFloat32> visual, Operand<TFloat32> audio, Operand<TFloat32> logits) {}

  private SpatialAlignmentNet(NetConfig config, Ops tf) {
    this.config = config;
    int t = config.framesPerClip();
    frames =
        tf.withName(ModelSignatures.FRAMES)
            .placeholder(
                TUint8.class,
                Placeholder.shape(Shape.of(-1, t, config.frameSize(), config.frameSize(), 3)));
    audio =
        tf.withName(ModelSignatures.AUDIO)
            .placeholder(
                TFloat32.class,
                Placeholder.shape(
                    Shape.of(-1, config.samplesPerClip(), config.inputAudioChannels())));

    // Preprocessing has no variables and no mode: both branches share it.
    Operand<TFloat32> pixels = FrameNormalizer.imageNet().apply(tf, frames);
    Operand<TFloat32> logMel = logMel(tf);

    Layers layers = new Layers(tf, config.seed(), config.batchNormMomentum());
    Branch training =
        branch(new ScopeTree(tf.withSubScope("training")), layers, pixels, logMel, true);
    Branch inference =
        branch(new ScopeTree(tf.withSubScope("inference")), layers, pixels, logMel, false);

    trainingLogits = training.logits();
    visualEmbedding = tf.withName(ModelSignatures.VISUAL_EMBEDDING).identity(inference.visual());
    audioEmbedding = tf.withName(ModelSignatures.AUDIO_EMBEDDING).identity(inference.audio());
    logits = tf.withName("logits").identity(inference.logits());
    flipProbability = tf.withName(ModelSignatures.FLIP_PROBABILITY).math.sigmoid(logits);
    trainable = layers.trainable();
    layerFlops = layers.flops();
    kernels = layers.kernels();
    statistics = layers.statistics();
    statisticUpdates = layers.statisticUpdates();
    batchStatistics = layers.batchStatistics();
  }

  private final List<BatchStatistics> batchStatistics;

  private final java.util.Map<String, Long> layerFlops;

  /**
   * Floating-point operations per clip of the inference branch: convolutions, matrix products and
   * the STFT/mel front end (2 x multiply-adds); element-wise ops are not counted. The visual stream
   * runs once per frame.
   */
  public long flopsPerClip() {
    long total = 0;
    for (java.util.Map.Entry<String, Long> e : layerFlops.entrySet()) {
      total +=
          e.getKey().startsWith("visual") ? e.getValue() * config.framesPerClip() : e.getValue();
    }
    var fe = config.frontEnd();
    long frames = config.spectrogramFrames();
    long bins = fe.frequencyBins();
    total +=
        config.inputAudioChannels()
            * (2L * frames * fe.nFft() * 2 * bins + 2L * frames * bins * fe.melBins());
    if (fe.interauralPhase()) {
      // Cross-spectrum real, imaginary and |L||R| pooled into the mel bands.
      total += 3 * 2L * frames * bins * fe.melBins();
    }
    if (fe.gccPhat()) {
      // The unit cross-spectrum (re and im) times the [2K, lags] kernel; lags = mel bins.
      total += 2L * frames * 2 * bins * fe.melBins();
    }
    return total;
  }

  /** Adds the network to the graph of {@code tf}. */
  public static SpatialAlignmentNet build(Ops tf, NetConfig config) {
    return new SpatialAlignmentNet(config, tf);
  }

  private Operand<TFloat32> logMel(Ops tf) {
    Operand<TFloat32> logMel = AudioFrontEnd.features(tf, audio, config.frontEnd());
    // Pin the static shape: the front end computes it dynamically, the layers need it known.
    return tf.reshape(
        logMel,
        tf.constant(
            new int[] {
              -1,
              config.spectrogramFrames(),
              config.frontEnd().melBins(),
              config.audioFeatureChannels()
            }));
  }

  private Branch branch(
      ScopeTree tf,
      Layers layers,
      Operand<TFloat32> pixels,
      Operand<TFloat32> logMel,
      boolean training) {
    Operand<TFloat32> visual = visualStream(tf, layers, pixels, training);
    Operand<TFloat32> sound = audioStream(tf, layers, logMel, training);
    return new Branch(visual, sound, fusion(tf, layers, visual, sound, training));
  }

  private Operand<TFloat32> visualStream(
      ScopeTree tf, Layers layers, Operand<TFloat32> pixels, boolean training) {
    Operand<TFloat32> x = pixels;
    List<Integer> channels = config.visualChannels();
    for (int i = 0; i < channels.size(); i++) {
      x = layers.convBn(tf, "visual_net/conv" + i, x, 3, channels.get(i), 2, 2, true, training);
    }
    // [B*T, h, w, c] -> [B, T, h*w*c]: position stays in the vector.
    Ops ops = tf.at("visual_net");
    return ops.reshape(
        x, ops.constant(new int[] {-1, config.framesPerClip(), config.visualFeatureSize()}));
  }

  private Operand<TFloat32> audioStream(
      ScopeTree tf, Layers layers, Operand<TFloat32> logMel, boolean training) {
    // Input batch norm per audio channel: puts log power on a trainable, data-derived scale.
    Operand<TFloat32> x = layers.batchNorm(tf, "audio_net/input_bn", logMel, training);
    List<Integer> channels = config.audioChannels();
    x = layers.convBn(tf, "audio_net/stem", x, 3, channels.get(0), 2, 2, true, training);
    for (int i = 0; i < channels.size(); i++) {
      if (i > 0) {
        x = layers.convBn(tf, "audio_net/down" + i, x, 3, channels.get(i), 2, 2, true, training);
      }
      x = residualSeBlock(tf, layers, "audio_net/block" + i, x, channels.get(i), training);
    }
    // [B, F', M', C] -> [B, F', 1, M'*C]; crop F' to T*k and average-pool k steps per frame.
    int steps = config.audioTimeSteps();
    int t = config.framesPerClip();
    int k = steps / t;
    Ops ops = tf.at("audio_net/pool");
    Operand<TFloat32> perStep =
        ops.reshape(x, ops.constant(new int[] {-1, steps, 1, config.audioFeatureSize()}));
    Operand<TFloat32> cropped =
        ops.stridedSlice(
            perStep, Indices.all(), Indices.sliceTo(t * k), Indices.all(), Indices.all());
    Operand<TFloat32> pooled =
        ops.nn.avgPool(
            cropped, List.of(1L, (long) k, 1L, 1L), List.of(1L, (long) k, 1L, 1L), "VALID");
    return ops.reshape(pooled, ops.constant(new int[] {-1, t, config.audioFeatureSize()}));
  }

  /** conv-bn-relu, conv-bn, squeeze-and-excitation rescaling, identity skip, relu. */
  private Operand<TFloat32> residualSeBlock(
      ScopeTree tf,
      Layers layers,
      String path,
      Operand<TFloat32> input,
      int channels,
      boolean training) {
    Operand<TFloat32> y =
        layers.convBn(tf, path + "/conv_a", input, 3, channels, 1, 1, true, training);
    y = layers.convBn(tf, path + "/conv_b", y, 3, channels, 1, 1, false, training);
    Ops ops = tf.at(path + "/se");
    Operand<TFloat32> squeezed = ops.math.mean(y, ops.constant(new int[] {1, 2}));
    int bottleneck = Math.max(1, channels / config.seReduction());
    Operand<TFloat32> excite =
        ops.nn.relu(layers.dense(tf, path + "/se_reduce", squeezed, bottleneck));
    Operand<TFloat32> gates =
        ops.math.sigmoid(layers.dense(tf, path + "/se_expand", excite, channels));
    Operand<TFloat32> scaled =
        ops.math.mul(y, ops.reshape(gates, ops.constant(new int[] {-1, 1, 1, channels})));
    return ops.nn.relu(ops.math.add(scaled, input));
  }

  private Operand<TFloat32> fusion(
      ScopeTree tf,
      Layers layers,
      Operand<TFloat32> visualEmbedding,
      Operand<TFloat32> audioEmbedding,
      boolean training) {
    Ops ops = tf.at("fusion");
    int t = config.framesPerClip();
    Operand<TFloat32> visual =
        ops.reshape(
            visualEmbedding, ops.constant(new int[] {-1, t, 1, config.visualFeatureSize()}));
    Operand<TFloat32> sound =
        ops.reshape(audioEmbedding, ops.constant(new int[] {-1, t, 1, config.audioFeatureSize()}));
    // tf.concat builds ConcatV2, which has a C++ gradient (Concat v1 has none).
    Operand<TFloat32> x = ops.concat(List.of(visual, sound), ops.constant(3));
    List<Integer> channels = config.fusionChannels();
    for (int i = 0; i < channels.size(); i++) {
      // [B, T, 1, C]: a kernel of fusionSteps x 1 spans that many time steps (SAME padding).
      x =
          layers.convBn(
              tf,
              "fusion/conv" + i,
              x,
              config.fusionSteps(),
              1,
              channels.get(i),
              1,
              1,
              true,
              training);
    }
    Operand<TFloat32> overTime =
        ops.math.mean(x, ops.constant(new int[] {1, 2}), Mean.keepDims(false));
    Operand<TFloat32> logit =
        ops.reshape(
            layers.dense(tf, "fusion/classifier", overTime, 1), ops.constant(new int[] {-1}));
    if (config.cellChannels().isEmpty()) {
      return logit;
    }
    return ops.math.add(logit, cellScores(tf, layers, visualEmbedding, audioEmbedding));
  }

  /** Time steps the per-cell head's first layer spans, so that an object's motion shows. */
  static final int CELL_STEPS = 3;

  /**
   * The per-cell head ({@link NetConfig#cellChannels()}): each cell of the visual map, its features
   * plus a projection of its position in the frame, is added to the sound's features of the same
   * time steps ({@link #CELL_STEPS} of them) and goes through small 1x1 layers of its own to one
   * score; the mean over cells and time is a logit. The last layer starts at zero, so a head added
   * to a trained network starts by changing nothing.
   */
  private Operand<TFloat32> cellScores(
      ScopeTree tf,
      Layers layers,
      Operand<TFloat32> visualEmbedding,
      Operand<TFloat32> audioEmbedding) {
    Ops ops = tf.at("fusion/cells");
    int t = config.framesPerClip();
    int side = config.visualMapSize();
    int cells = side * side;
    int depth = config.visualChannels().get(config.visualChannels().size() - 1);
    List<Integer> widths = config.cellChannels();
    int width = widths.get(0);
    // [B, T, h*w*c] -> [B, T, h*w, c]: cell r*w + col, as the visual stream flattened it.
    Operand<TFloat32> visual =
        ops.reshape(visualEmbedding, ops.constant(new int[] {-1, t, cells, depth}));
    Operand<TFloat32> sound =
        ops.reshape(audioEmbedding, ops.constant(new int[] {-1, t, 1, config.audioFeatureSize()}));
    // Each cell's centre, x and y in [-1, 1], as a [1, 1, cells, 2] input.
    float[] centres = new float[cells * 2];
    for (int r = 0; r < side; r++) {
      for (int c = 0; c < side; c++) {
        centres[2 * (r * side + c)] = (2f * c + 1) / side - 1;
        centres[2 * (r * side + c) + 1] = (2f * r + 1) / side - 1;
      }
    }
    Operand<TFloat32> position =
        ops.reshape(ops.constant(centres), ops.constant(new int[] {1, 1, cells, 2}));
    Operand<TFloat32> x =
        ops.nn.relu(
            ops.math.add(
                ops.math.add(
                    layers.conv(
                        tf, "fusion/cells/visual", visual, CELL_STEPS, 1, width, false, false),
                    layers.conv(
                        tf, "fusion/cells/audio", sound, CELL_STEPS, 1, width, false, false)),
                layers.conv(tf, "fusion/cells/position", position, 1, 1, width, false, false)));
    for (int i = 1; i < widths.size(); i++) {
      x = layers.conv(tf, "fusion/cells/conv" + i, x, 1, 1, widths.get(i), true, false);
    }
    Operand<TFloat32> scores = layers.conv(tf, "fusion/cells/score", x, 1, 1, 1, false, true);
    return ops.math.mean(scores, ops.constant(new int[] {1, 2, 3}), Mean.keepDims(false));
  }

  /** The configuration the graph was built from. */
  public NetConfig config() {
    return config;
  }

  /** Input: {@code uint8 [batch, T, H, W, 3]}. */
  public Placeholder<TUint8> frames() {
    return frames;
  }

  /** Input: {@code float32 [batch, samples, channels]}. */
  public Placeholder<TFloat32> audio() {
    return audio;
  }

  /** {@code float32 [batch, T, visualFeatureSize]}: flattened per-frame visual features. */
  public Operand<TFloat32> visualEmbedding() {
    return visualEmbedding;
  }

  /** {@code float32 [batch, T, audioFeatureSize]}: audio features pooled to the frame rate. */
  public Operand<TFloat32> audioEmbedding() {
    return audioEmbedding;
  }

  /**
   * {@code float32 [batch]}: logit of "the audio channels are swapped", from the inference branch
   * (moving batch-norm statistics).
   */
  public Operand<TFloat32> logits() {
    return logits;
  }

  /** {@code float32 [batch]}: logits of the training branch (batch statistics), for the loss. */
  public Operand<TFloat32> trainingLogits() {
    return trainingLogits;
  }

  /** {@code float32 [batch]}: sigmoid of the logits. */
  public Operand<TFloat32> flipProbability() {
    return flipProbability;
  }

  /** Convolution and dense kernels (weight decay applies to these). */
  public List<Variable<TFloat32>> kernels() {
    return kernels;
  }

  /** Variables trained by gradient: kernels, biases, batch-norm scales and offsets. */
  public List<Variable<TFloat32>> trainable() {
    return trainable;
  }

  /** Batch-norm moving means and variances (saved with the model, not trained by gradient). */
  public List<Variable<TFloat32>> statistics() {
    return statistics;
  }

  /** Every variable saved with the model: {@link #trainable()}, then {@link #statistics()}. */
  public List<Variable<TFloat32>> variables() {
    List<Variable<TFloat32>> all = new java.util.ArrayList<>(trainable);
    all.addAll(statistics);
    return all;
  }

  /** Assign ops to run with every training step so that the moving statistics follow the data. */
  public List<Op> statisticUpdates() {
    return statisticUpdates;
  }

  /**
   * The training branch's batch norms: the mean and variance of the batch each one normalised with
   * (fetching them runs the training branch up to that layer), beside the moving statistics the
   * inference branch uses.
   */
  public List<BatchStatistics> batchStatistics() {
    return batchStatistics;
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    return trainable.stream().mapToLong(v -> v.shape().size()).sum();
  }
}
