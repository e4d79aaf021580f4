package io.earshot.training.model;

import io.earshot.training.tf.ScopeTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;

/**
 * Layer builders with a variable store, so that the same network can be built twice in one graph (a
 * training branch with batch statistics, an inference branch with moving statistics) over one set
 * of variables.
 *
 * <p>Variables are named by layer path (e.g. {@code visual/conv0/kernel}) whichever branch creates
 * them first; ops are named under the scope of the branch that builds them. Only ops with a
 * registered C++ gradient are used (Conv2D, FusedBatchNormV3, BiasAdd, MatMul, Relu, Sigmoid, Mean,
 * Mul, Reshape, ConcatV2, AvgPool, StridedSlice), because graph-mode gradients in TF Java come from
 * the C++ gradient registry.
 */
final class Layers {

  private static final float BATCH_NORM_EPSILON = 1e-3f;

  private final ScopeTree variableScopes;
  private final long seed;
  private final float batchNormMomentum;
  private final Map<String, Variable<TFloat32>> store = new HashMap<>();
  private final List<Variable<TFloat32>> trainable = new ArrayList<>();
  private final List<Variable<TFloat32>> kernels = new ArrayList<>();
  private final List<Variable<TFloat32>> statistics = new ArrayList<>();
  private final List<Op> statisticUpdates = new ArrayList<>();
  private final List<BatchStatistics> batchStatistics = new ArrayList<>();
  private int initializers;

  /**
   * @param variableRoot ops at the graph's root scope, used to create variables
   * @param seed seed of the weight initialisers
   * @param batchNormMomentum decay of the moving mean and variance
   */
  private final java.util.Map<String, Long> flops = new java.util.LinkedHashMap<>();

  Layers(Ops variableRoot, long seed, float batchNormMomentum) {
    this.variableScopes = new ScopeTree(variableRoot);
    this.seed = seed;
    this.batchNormMomentum = batchNormMomentum;
  }

  /**
   * Conv2D (SAME padding, no bias), batch normalisation, optional ReLU.
   *
   * @param tf scopes of the branch being built
   * @param path layer path, e.g. {@code visual/conv0}
   * @param training batch statistics (and moving-average updates) if true, moving statistics if
   *     false
   */
  Operand<TFloat32> convBn(
      ScopeTree tf,
      String path,
      Operand<TFloat32> input,
      int kernelSize,
      int outChannels,
      int strideHeight,
      int strideWidth,
      boolean relu,
      boolean training) {
    return convBn(
        tf,
        path,
        input,
        kernelSize,
        kernelSize,
        outChannels,
        strideHeight,
        strideWidth,
        relu,
        training);
  }

  /** {@link #convBn} with a {@code kernelHeight x kernelWidth} kernel. */
  Operand<TFloat32> convBn(
      ScopeTree tf,
      String path,
      Operand<TFloat32> input,
      int kernelHeight,
      int kernelWidth,
      int outChannels,
      int strideHeight,
      int strideWidth,
      boolean relu,
      boolean training) {
    long inChannels = input.shape().get(3);
    if (inChannels < 0) {
      throw new IllegalArgumentException(path + ": input channels must be known: " + input.shape());
    }
    Ops ops = tf.at(path);
    Variable<TFloat32> kernel =
        kernel(path, Shape.of(kernelHeight, kernelWidth, inChannels, outChannels));
    Operand<TFloat32> conv =
        ops.nn.conv2d(
            input, kernel, List.of(1L, (long) strideHeight, (long) strideWidth, 1L), "SAME");
    Shape out = conv.shape();
    if (out.numDimensions() == 4 && out.get(1) > 0 && out.get(2) > 0) {
      // Multiply-adds x 2 per input row; both branches share weights, so put, not add.
      flops.put(
          path,
          2L * out.get(1) * out.get(2) * kernelHeight * kernelWidth * inChannels * outChannels);
    }
    Operand<TFloat32> normalized = batchNorm(tf, path + "/bn", conv, training);
    return relu ? ops.nn.relu(normalized) : normalized;
  }

  /**
   * FusedBatchNormV3 over the last axis with learned scale and offset.
   *
   * <p>In training mode it normalises with the batch's statistics and records assign ops that move
   * the moving mean and variance towards them ({@link #statisticUpdates()}; the trainer runs them
   * with every step). In inference mode it uses the moving statistics, so a single clip is scored
   * the same whatever else is in its batch.
   */
  Operand<TFloat32> batchNorm(
      ScopeTree tf, String path, Operand<TFloat32> input, boolean training) {
    long channels = input.shape().get(input.shape().numDimensions() - 1);
    Ops ops = tf.at(path);
    Variable<TFloat32> scale = constant(path, "gamma", channels, 1f, true);
    Variable<TFloat32> offset = constant(path, "beta", channels, 0f, true);
    Variable<TFloat32> movingMean = constant(path, "moving_mean", channels, 0f, false);
    Variable<TFloat32> movingVariance = constant(path, "moving_variance", channels, 1f, false);
    // Fused batch norm wants 4-D input; [B, N] becomes [B, 1, 1, N].
    boolean flat = input.shape().numDimensions() == 2;
    Operand<TFloat32> x =
        flat ? ops.reshape(input, ops.constant(new int[] {-1, 1, 1, (int) channels})) : input;
    FusedBatchNorm<TFloat32, TFloat32> bn =
        ops.nn.fusedBatchNorm(
            x,
            scale,
            offset,
            movingMean,
            movingVariance,
            FusedBatchNorm.epsilon(BATCH_NORM_EPSILON),
            FusedBatchNorm.isTraining(training));
    if (training) {
      batchStatistics.add(
          new BatchStatistics(movingMean, movingVariance, bn.batchMean(), bn.batchVariance()));
      // moving = moving - (1 - momentum) * (moving - batch): the usual exponential average.
      // batchVariance is already Bessel-corrected by the op.
      Operand<TFloat32> rate = ops.constant(1f - batchNormMomentum);
      statisticUpdates.add(
          ops.assign(
              movingMean,
              ops.math.sub(
                  movingMean, ops.math.mul(rate, ops.math.sub(movingMean, bn.batchMean())))));
      statisticUpdates.add(
          ops.assign(
              movingVariance,
              ops.math.sub(
                  movingVariance,
                  ops.math.mul(rate, ops.math.sub(movingVariance, bn.batchVariance())))));
    }
    Operand<TFloat32> y = bn.y();
    return flat ? ops.reshape(y, ops.constant(new int[] {-1, (int) channels})) : y;
  }

  /**
   * Conv2D (SAME padding, stride 1) with a bias and no batch normalisation, optional ReLU; with
   * {@code zeroKernel} the kernel starts at zero (a new layer whose output must start at zero, e.g.
   * a head added to a trained network).
   */
  Operand<TFloat32> conv(
      ScopeTree tf,
      String path,
      Operand<TFloat32> input,
      int kernelHeight,
      int kernelWidth,
      int outChannels,
      boolean relu,
      boolean zeroKernel) {
    long inChannels = input.shape().get(3);
    if (inChannels < 0) {
      throw new IllegalArgumentException(path + ": input channels must be known: " + input.shape());
    }
    Ops ops = tf.at(path);
    Shape shape = Shape.of(kernelHeight, kernelWidth, inChannels, outChannels);
    Variable<TFloat32> kernel = kernel(path, shape, zeroKernel);
    Variable<TFloat32> bias = constant(path, "bias", outChannels, 0f, true);
    Operand<TFloat32> conv = ops.nn.conv2d(input, kernel, List.of(1L, 1L, 1L, 1L), "SAME");
    Shape out = conv.shape();
    if (out.numDimensions() == 4 && out.get(1) > 0 && out.get(2) > 0) {
      flops.put(
          path,
          2L * out.get(1) * out.get(2) * kernelHeight * kernelWidth * inChannels * outChannels);
    }
    Operand<TFloat32> y = ops.math.add(conv, bias);
    return relu ? ops.nn.relu(y) : y;
  }

  /** {@code x W + b} for {@code x} of shape {@code [batch, in]}. */
  Operand<TFloat32> dense(ScopeTree tf, String path, Operand<TFloat32> input, int outUnits) {
    long inUnits = input.shape().get(1);
    if (inUnits < 0) {
      throw new IllegalArgumentException(path + ": input units must be known: " + input.shape());
    }
    Ops ops = tf.at(path);
    Variable<TFloat32> kernel = kernel(path, Shape.of(inUnits, outUnits));
    Variable<TFloat32> bias = constant(path, "bias", outUnits, 0f, true);
    flops.put(path, 2L * inUnits * outUnits);
    return ops.math.add(ops.linalg.matMul(input, kernel), bias);
  }

  /** FLOPs per input row of every convolution and dense layer, by layer path. */
  java.util.Map<String, Long> flops() {
    return java.util.Collections.unmodifiableMap(flops);
  }

  /** Variables the optimiser updates. */
  List<Variable<TFloat32>> trainable() {
    return List.copyOf(trainable);
  }

  /** Convolution and dense kernels, the variables weight decay applies to. */
  List<Variable<TFloat32>> kernels() {
    return List.copyOf(kernels);
  }

  /** Moving means and variances: saved with the model, not trained by gradient. */
  List<Variable<TFloat32>> statistics() {
    return List.copyOf(statistics);
  }

  /** Assign ops of the training branch that update the moving statistics. */
  List<Op> statisticUpdates() {
    return List.copyOf(statisticUpdates);
  }

  /** Each training-branch batch norm's batch statistics beside the moving ones they feed. */
  List<BatchStatistics> batchStatistics() {
    return List.copyOf(batchStatistics);
  }

  /**
   * He-normal (truncated at two standard deviations, rescaled to keep variance {@code 2 / fanIn}),
   * where fanIn is the product of all but the last dimension.
   *
   * <p>Not tensorflow-framework's {@code He}: in 1.0.0 its fan-in for convolution kernels is {@code
   * inChannels * kh * kw * inChannels}, which for a 1x1 kernel over 768 channels gives weights 28
   * times too small and a network that does not train.
   */
  private Variable<TFloat32> kernel(String path, Shape shape) {
    return kernel(path, shape, false);
  }

  /**
   * {@link #kernel(String, Shape)}, or with {@code zero} a kernel that starts at zero (weight decay
   * applies to it as to any kernel; it takes no initialiser seed, so the seeds of the other kernels
   * stay as they were).
   */
  private Variable<TFloat32> kernel(String path, Shape shape, boolean zero) {
    String key = path + "/kernel";
    Variable<TFloat32> existing = store.get(key);
    if (existing != null) {
      return checked(existing, shape);
    }
    Ops scope = variableScopes.at(path);
    Ops init = scope.withInitScope();
    Operand<TFloat32> initial;
    if (zero) {
      initial = init.fill(init.constant(shape.asArray()), init.constant(0f));
    } else {
      long fanIn = shape.size() / shape.get(shape.numDimensions() - 1);
      // Truncation at 2 sigma leaves a standard deviation of 0.8796 sigma; scale up to compensate.
      float stddev = (float) (Math.sqrt(2.0 / fanIn) / 0.87962566103423978);
      // Each kernel gets its own stateless seed, so the whole network is reproducible from one
      // seed.
      Operand<TFloat32> unit =
          init.random.statelessTruncatedNormal(
              init.constant(shape), init.constant(new long[] {seed, initializers++}));
      initial = init.math.mul(unit, init.constant(stddev));
    }
    Variable<TFloat32> kernel = scope.withName("kernel").variable(initial);
    store.put(key, kernel);
    kernels.add(kernel);
    trainable.add(kernel);
    return kernel;
  }

  private Variable<TFloat32> constant(
      String path, String name, long size, float value, boolean isTrainable) {
    String key = path + "/" + name;
    Variable<TFloat32> existing = store.get(key);
    if (existing != null) {
      return checked(existing, Shape.of(size));
    }
    Ops scope = variableScopes.at(path);
    Ops init = scope.withInitScope();
    Variable<TFloat32> variable =
        scope
            .withName(name)
            .variable(init.fill(init.constant(new long[] {size}), init.constant(value)));
    store.put(key, variable);
    (isTrainable ? trainable : statistics).add(variable);
    return variable;
  }

  private static Variable<TFloat32> checked(Variable<TFloat32> variable, Shape expected) {
    if (!variable.shape().equals(expected)) {
      throw new IllegalStateException(
          "variable " + variable.op().name() + " is " + variable.shape() + ", needed " + expected);
    }
    return variable;
  }
}
