package io.earshot.training.model;

import io.earshot.training.tf.ScheduledMomentum;
import io.earshot.training.tf.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Owns a training graph of the {@link SpatialAlignmentNet} and its session: runs optimisation
 * steps, predicts, and exports a SavedModel whose signatures take raw frames and PCM.
 *
 * <p>Loss: mean sigmoid cross-entropy of "audio flipped" (equation 1 of the paper) plus {@code
 * weightDecay * sum(||W||² / 2)} over kernels. Optimiser: SGD with momentum, learning rate fed per
 * step (see {@link ScheduledMomentum}). Not thread-safe; one trainer per thread.
 */
public final class TfTrainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TfTrainer.class);

  private final NetConfig config;
  private final Graph graph;
  private final Session session;
  private final SpatialAlignmentNet net;
  private final Placeholder<TFloat32> labels;
  private final PlaceholderWithDefault<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final Op trainStep;
  private final NetConfig frozen;

  private TfTrainer(NetConfig config, NetConfig frozen) {
    this.config = config;
    this.frozen = frozen;
    Set<String> fixed = frozen == null ? Set.of() : variableNames(config, frozen);
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      net = SpatialAlignmentNet.build(tf, config);
      List<Variable<TFloat32>> trained =
          net.trainable().stream().filter(v -> !fixed.contains(v.op().name())).toList();
      List<Variable<TFloat32>> decayed =
          net.kernels().stream().filter(v -> !fixed.contains(v.op().name())).toList();
      if (frozen != null) {
        checkFrozen(net, fixed, trained);
      }
      labels = tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      learningRate =
          tf.withName("learning_rate")
              .placeholderWithDefault(tf.constant(config.learningRate()), Shape.scalar());
      // With frozen layers the loss reads the inference branch: the frozen batch norms keep their
      // moving statistics, so the new layers learn on the features the model will serve with.
      Operand<TFloat32> crossEntropy =
          tf.withName("cross_entropy")
              .math
              .mean(
                  sigmoidCrossEntropy(
                      tf, frozen == null ? net.trainingLogits() : net.logits(), labels),
                  tf.constant(0));
      loss = tf.withName("loss").math.add(crossEntropy, weightDecay(tf, decayed));
      Op update =
          new ScheduledMomentum(graph, trained, learningRate, config.momentum())
              .minimize(loss, "train");
      // One target: the weight update and the moving batch-norm statistics of the same batch.
      List<Op> all = new ArrayList<>(frozen == null ? net.statisticUpdates() : List.of());
      all.add(update);
      trainStep = tf.withControlDependencies(all).withName("train_step").noOp();
      session = initializedSession(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    LOG.info(
        "built {} network: {} parameters, T={}, {} samples/clip",
        config.name(),
        net.parameterCount(),
        config.framesPerClip(),
        config.samplesPerClip());
  }

  // Runs the variables' initialisers (He-normal kernels, zero biases, batch-norm 1/0, zero
  // momentum); a SavedModel loaded later restores variables instead and never runs them.
  private static Session initializedSession(Graph graph) {
    Session session = new Session(graph);
    try {
      session.initialize();
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** Builds the graph for {@code config} and initialises its variables. */
  public static TfTrainer create(NetConfig config) {
    return new TfTrainer(config, null);
  }

  /**
   * A trainer that trains only the layers {@code config} has and {@code frozen} lacks (e.g. the
   * per-cell head of {@code cpu-cells} over a {@code cpu} model): every variable also in a {@code
   * frozen} network keeps its value, batch-norm statistics included, and the loss is computed on
   * the inference branch, as the model will serve. Start it from a {@code frozen} model with {@link
   * #widenFrom}.
   *
   * @throws IllegalArgumentException if {@code config} does not {@linkplain NetConfig#widens widen}
   *     {@code frozen}, or adds no layer, or adds one with batch normalisation (whose statistics
   *     nothing would update)
   */
  public static TfTrainer createFrozen(NetConfig config, NetConfig frozen) {
    return new TfTrainer(config, java.util.Objects.requireNonNull(frozen, "frozen"));
  }

  /** The names of {@code frozen}'s variables, once {@code config} is checked to extend it. */
  private static Set<String> variableNames(NetConfig config, NetConfig frozen) {
    if (!config.widens(frozen)) {
      throw new IllegalArgumentException(
          "a '"
              + config.name()
              + "' network does not extend a '"
              + frozen.name()
              + "' one: nothing to freeze");
    }
    Set<String> names = new HashSet<>();
    try (Graph g = new Graph()) {
      SpatialAlignmentNet source = SpatialAlignmentNet.build(Ops.create(g), frozen);
      source.variables().forEach(v -> names.add(v.op().name()));
    }
    return names;
  }

  /** Refuses a frozen run that leaves nothing to train, or new batch norms nothing would update. */
  private void checkFrozen(
      SpatialAlignmentNet net, Set<String> fixed, List<Variable<TFloat32>> trained) {
    List<String> newStatistics =
        net.statistics().stream().map(v -> v.op().name()).filter(n -> !fixed.contains(n)).toList();
    if (!newStatistics.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot freeze a '"
              + frozen.name()
              + "' network inside '"
              + config.name()
              + "': its new layers have batch normalisation "
              + newStatistics);
    }
    if (trained.isEmpty()) {
      throw new IllegalArgumentException(
          "a '"
              + config.name()
              + "' network has no layer a '"
              + frozen.name()
              + "' one lacks: with it frozen there is nothing to train");
    }
  }

  /**
   * Runs one optimisation step on {@code batch} with the given learning rate.
   *
   * @return the loss (cross-entropy plus weight decay) before the update
   */
  public float step(ClipBatch batch, float rate) {
    try (TUint8 frames = batch.framesTensor(config);
        TFloat32 audio = batch.audioTensor(config);
        TFloat32 targets = batch.labelsTensor();
        TFloat32 lr = TFloat32.scalarOf(rate);
        Result result =
            session
                .runner()
                .feed(net.frames(), frames)
                .feed(net.audio(), audio)
                .feed(labels, targets)
                .feed(learningRate, lr)
                .addTarget(trainStep)
                .fetch(loss)
                .run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  /**
   * Runs {@code steps} optimisation steps on the same batch at the configured learning rate.
   *
   * @return the loss of every step, in order
   */
  public List<Float> train(ClipBatch batch, int steps) {
    List<Float> losses = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      losses.add(step(batch, config.learningRate()));
    }
    return losses;
  }

  /** Flip probabilities for {@code batch}, one per clip (inference branch). */
  public float[] predict(ClipBatch batch) {
    return fetch(net.flipProbability(), batch);
  }

  /**
   * Evaluates a float operand of this trainer's graph, feeding {@code batch}'s frames and audio
   * when it is not null; e.g. an embedding or a variable's value.
   */
  float[] fetch(Operand<TFloat32> output, ClipBatch batch) {
    if (batch == null) {
      try (Result result = session.runner().fetch(output).run()) {
        return Tensors.toFloatArray(result.get(0));
      }
    }
    try (TUint8 frames = batch.framesTensor(config);
        TFloat32 audio = batch.audioTensor(config);
        Result result =
            session
                .runner()
                .feed(net.frames(), frames)
                .feed(net.audio(), audio)
                .fetch(output)
                .run()) {
      return Tensors.toFloatArray(result.get(0));
    }
  }

  /**
   * Exports the current weights as a SavedModel with the {@value ModelSignatures#FLIP} and {@value
   * ModelSignatures#EMBED} signatures (tag {@value ModelSignatures#SERVE_TAG}). The graph contains
   * the audio front end and frame normalisation, so serving feeds decoded frames and PCM.
   */
  public void export(Path directory) throws IOException {
    Signature flip =
        Signature.builder(ModelSignatures.FLIP)
            .input(ModelSignatures.FRAMES, net.frames())
            .input(ModelSignatures.AUDIO, net.audio())
            .output(ModelSignatures.FLIP_PROBABILITY, net.flipProbability())
            .build();
    Signature embed =
        Signature.builder(ModelSignatures.EMBED)
            .input(ModelSignatures.FRAMES, net.frames())
            .input(ModelSignatures.AUDIO, net.audio())
            .output(ModelSignatures.AUDIO_EMBEDDING, net.audioEmbedding())
            .output(ModelSignatures.VISUAL_EMBEDDING, net.visualEmbedding())
            .build();
    SavedModelBundle.exporter(directory.toString())
        .withTags(ModelSignatures.SERVE_TAG)
        .withFunction(SessionFunction.create(flip, session))
        .withFunction(SessionFunction.create(embed, session))
        .export();
    LOG.info("exported {} network to {}", config.name(), directory);
  }

  /** Saves all variables (weights, momentum, batch-norm statistics) under a checkpoint prefix. */
  public void saveCheckpoint(Path prefix) {
    session.save(prefix.toString());
  }

  /** Restores variables saved by {@link #saveCheckpoint} into this trainer's graph. */
  public void restoreCheckpoint(Path prefix) {
    session.restore(prefix.toString());
  }

  /**
   * Starts this trainer from a checkpoint of {@code source}, a network this one {@linkplain
   * NetConfig#widens widens}: every weight and batch-norm statistic of {@code source} is copied
   * into the variable of the same name; a fusion kernel spanning fewer time steps goes to the
   * centre of this one's, its other time steps zero; a layer {@code source} lacks keeps its initial
   * value (a per-cell head's last layer is zero). The widened network then scores every clip as
   * {@code source} did. Momentum starts at zero, as in a fresh run.
   *
   * @throws IllegalArgumentException if this network does not widen {@code source}
   */
  public void widenFrom(Path prefix, NetConfig source) {
    if (!config.widens(source)) {
      throw new IllegalArgumentException(
          "a '" + config.name() + "' network cannot start from a '" + source.name() + "' model");
    }
    List<Variable<TFloat32>> targets = net.variables();
    // The source network alone, without an optimiser: restoring it reads weights and statistics
    // and ignores whatever momentum the checkpoint holds (all of it, or a frozen run's part).
    try (Graph sourceGraph = new Graph()) {
      SpatialAlignmentNet from = SpatialAlignmentNet.build(Ops.create(sourceGraph), source);
      try (Session sourceSession = new Session(sourceGraph)) {
        sourceSession.restore(prefix.toString());
        copyInto(targets, from, sourceSession, source);
      }
    }
    LOG.info("started {} network from a {} model's weights", config.name(), source.name());
  }

  /**
   * Assigns each of {@code from}'s values (read from {@code sourceSession}) to the target of its
   * name.
   */
  private void copyInto(
      List<Variable<TFloat32>> targets,
      SpatialAlignmentNet from,
      Session sourceSession,
      NetConfig source) {
    java.util.Map<String, Variable<TFloat32>> sources = new java.util.HashMap<>();
    from.variables().forEach(v -> sources.put(v.op().name(), v));
    java.util.Set<String> unused = new HashSet<>(sources.keySet());
    targets.forEach(v -> unused.remove(v.op().name()));
    if (!unused.isEmpty()) {
      throw new IllegalStateException(
          "this '"
              + config.name()
              + "' network has no place for '"
              + source.name()
              + "' "
              + unused);
    }
    Ops tf = Ops.create(graph).withSubScope("widen");
    Session.Runner runner = session.runner();
    List<TFloat32> values = new ArrayList<>();
    try {
      for (Variable<TFloat32> target : targets) {
        Variable<TFloat32> variable = sources.get(target.op().name());
        if (variable == null) {
          // A layer the source lacks (a per-cell head): it keeps its initial value.
          continue;
        }
        float[] current;
        try (Result result = sourceSession.runner().fetch(variable).run()) {
          current = Tensors.toFloatArray(result.get(0));
        }
        float[] widened = widen(target.op().name(), current, variable.shape(), target.shape());
        TFloat32 value = Tensors.floats(target.shape(), widened);
        values.add(value);
        Placeholder<TFloat32> feed =
            tf.placeholder(TFloat32.class, Placeholder.shape(target.shape()));
        runner.feed(feed, value).addTarget(tf.assign(target, feed));
      }
      runner.run();
    } finally {
      values.forEach(TFloat32::close);
    }
  }

  /**
   * {@code values} of shape {@code from} placed in {@code to}: the same shape as is, or a kernel
   * {@code [k, 1, in, out]} centred in {@code [K, 1, in, out]} (K > k, both odd) with zeros around.
   */
  static float[] widen(String name, float[] values, Shape from, Shape to) {
    if (from.equals(to)) {
      return values;
    }
    boolean timeKernels =
        from.numDimensions() == 4
            && to.numDimensions() == 4
            && from.get(1) == 1
            && to.get(1) == 1
            && from.get(2) == to.get(2)
            && from.get(3) == to.get(3)
            && from.get(0) < to.get(0)
            && (to.get(0) - from.get(0)) % 2 == 0;
    if (!timeKernels) {
      throw new IllegalArgumentException(name + " is " + from + ", cannot widen into " + to);
    }
    float[] widened = new float[(int) to.size()];
    long perStep = from.get(2) * from.get(3);
    int offset = (int) ((to.get(0) - from.get(0)) / 2 * perStep);
    System.arraycopy(values, 0, widened, offset, values.length);
    return widened;
  }

  /** The current values of {@code variables} (of this trainer's graph), in order, flattened. */
  public float[][] values(List<Variable<TFloat32>> variables) {
    Session.Runner runner = session.runner();
    variables.forEach(runner::fetch);
    try (Result result = runner.run()) {
      float[][] values = new float[variables.size()][];
      for (int i = 0; i < values.length; i++) {
        values[i] = Tensors.toFloatArray(result.get(i));
      }
      return values;
    }
  }

  /**
   * Sets {@code variables} (of this trainer's graph) to {@code values}, flattened as {@link
   * #values} gives them. The assign ops are built once per variable and reused.
   *
   * @throws IllegalArgumentException if a value's length is not its variable's size
   */
  public void assign(List<Variable<TFloat32>> variables, float[][] values) {
    if (values.length != variables.size()) {
      throw new IllegalArgumentException(
          values.length + " values for " + variables.size() + " variables");
    }
    Session.Runner runner = session.runner();
    List<TFloat32> tensors = new ArrayList<>();
    try {
      for (int i = 0; i < values.length; i++) {
        Variable<TFloat32> variable = variables.get(i);
        if (values[i].length != variable.shape().size()) {
          throw new IllegalArgumentException(
              variable.op().name()
                  + " holds "
                  + variable.shape().size()
                  + " values, not "
                  + values[i].length);
        }
        Assigner assigner =
            assigners.computeIfAbsent(variable.op().name(), n -> assigner(variable));
        TFloat32 value = Tensors.floats(variable.shape(), values[i]);
        tensors.add(value);
        runner.feed(assigner.feed(), value).addTarget(assigner.assign());
      }
      runner.run();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  private record Assigner(Placeholder<TFloat32> feed, Op assign) {}

  private final java.util.Map<String, Assigner> assigners = new java.util.HashMap<>();

  private Assigner assigner(Variable<TFloat32> variable) {
    Ops tf = Ops.create(graph).withSubScope("set");
    Placeholder<TFloat32> feed =
        tf.placeholder(TFloat32.class, Placeholder.shape(variable.shape()));
    return new Assigner(feed, tf.assign(variable, feed));
  }

  /**
   * "Precise" batch-norm statistics: sets every moving mean and variance to the average, over
   * {@code batches}, of the batch statistics the training branch computes with the current weights,
   * instead of the exponential average of the last few dozen steps that training leaves. Needed
   * after weights are changed other than by a step (an average of weights), and less noisy in any
   * case. The weights are not changed.
   *
   * @return the number of batches averaged
   * @throws IllegalArgumentException if {@code batches} is empty
   */
  public int preciseStatistics(Iterable<ClipBatch> batches) {
    List<BatchStatistics> norms = net.batchStatistics();
    double[][] sums = new double[2 * norms.size()][];
    int count = 0;
    for (ClipBatch batch : batches) {
      try (TUint8 frames = batch.framesTensor(config);
          TFloat32 audio = batch.audioTensor(config)) {
        Session.Runner runner =
            session.runner().feed(net.frames(), frames).feed(net.audio(), audio);
        norms.forEach(n -> runner.fetch(n.batchMean()).fetch(n.batchVariance()));
        try (Result result = runner.run()) {
          for (int i = 0; i < sums.length; i++) {
            float[] v = Tensors.toFloatArray(result.get(i));
            if (sums[i] == null) {
              sums[i] = new double[v.length];
            }
            for (int k = 0; k < v.length; k++) {
              sums[i][k] += v[k];
            }
          }
        }
      }
      count++;
    }
    if (count == 0) {
      throw new IllegalArgumentException("no batches to compute batch-norm statistics from");
    }
    List<Variable<TFloat32>> moving = new ArrayList<>();
    float[][] values = new float[sums.length][];
    for (int i = 0; i < norms.size(); i++) {
      moving.add(norms.get(i).movingMean());
      moving.add(norms.get(i).movingVariance());
    }
    for (int i = 0; i < sums.length; i++) {
      values[i] = new float[sums[i].length];
      for (int k = 0; k < values[i].length; k++) {
        values[i][k] = (float) (sums[i][k] / count);
      }
    }
    assign(moving, values);
    return count;
  }

  /** The network inside this trainer's graph. */
  public SpatialAlignmentNet net() {
    return net;
  }

  /** The network whose layers this trainer keeps as they are, or null if it trains every layer. */
  public NetConfig frozen() {
    return frozen;
  }

  /** The configuration the trainer was built from. */
  public NetConfig config() {
    return config;
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      graph.close();
    }
  }

  /**
   * {@code max(x, 0) - x z + log(1 + exp(-|x|))}: the numerically stable form, built from ops that
   * all have C++ gradients.
   */
  private static Operand<TFloat32> sigmoidCrossEntropy(
      Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets) {
    return tf.math.add(
        tf.math.sub(tf.nn.relu(logits), tf.math.mul(logits, targets)),
        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
  }

  private Operand<TFloat32> weightDecay(Ops tf, List<Variable<TFloat32>> kernels) {
    Operand<TFloat32> sum = tf.constant(0f);
    for (Variable<TFloat32> kernel : kernels) {
      sum = tf.math.add(sum, tf.nn.l2Loss(kernel));
    }
    return tf.withName("weight_decay").math.mul(tf.constant(config.weightDecay()), sum);
  }
}
