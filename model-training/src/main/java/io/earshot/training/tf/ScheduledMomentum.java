package io.earshot.training.tf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * SGD with momentum whose learning rate is a graph operand, so a schedule can change it per step.
 *
 * <p>tensorflow-framework 1.0.0's {@code Momentum} and {@code Adam} bake the learning rate into the
 * graph as a float constant. This optimizer keeps the framework's machinery ({@link
 * Optimizer#minimize}: gradients via {@code Graph.addGradients}, slot variables, the grouped update
 * op) and only swaps the constant for an operand, typically a {@code PlaceholderWithDefault} fed
 * each step. The update is the same {@code ApplyMomentum} kernel: {@code accum = momentum * accum +
 * grad; var -= lr * accum} (the paper trains with SGD, momentum 0.9, learning rate 0.01).
 *
 * <p>The stock framework optimisers differentiate the loss with respect to <em>every</em> {@code
 * VariableV2} in the graph, which breaks as soon as the graph holds state that is not trained by
 * gradient (batch-norm moving statistics). This one differentiates only with respect to the
 * variables it is given.
 */
public final class ScheduledMomentum extends Optimizer {

  private static final String MOMENTUM_SLOT = "momentum";

  private final List<Output<? extends TType>> trainable;
  private final Operand<TFloat32> learningRate;
  private final float momentum;
  private final Map<String, Variable<?>> accumulators = new HashMap<>();
  private final ScopeTree slotScopes;

  /**
   * @param graph the graph holding the loss and the variables
   * @param trainable the variables to optimise
   * @param learningRate a scalar float operand of that graph
   * @param momentum momentum coefficient in [0, 1)
   */
  public ScheduledMomentum(
      Graph graph,
      List<? extends Operand<?>> trainable,
      Operand<TFloat32> learningRate,
      float momentum) {
    super(graph);
    if (trainable.isEmpty()) {
      throw new IllegalArgumentException("nothing to train");
    }
    this.trainable = trainable.stream().<Output<? extends TType>>map(Operand::asOutput).toList();
    if (!(momentum >= 0f && momentum < 1f)) {
      throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
    }
    this.learningRate = learningRate;
    // Not getTF(): the framework names that one with withName, and a sub-scope of it ignores the
    // requested name.
    this.slotScopes = new ScopeTree(Ops.create(graph).withSubScope(MOMENTUM_SLOT));
    this.momentum = momentum;
  }

  /** Gradients of {@code loss} with respect to the given variables only. */
  @Override
  public <T extends TType> List<GradAndVar<?>> computeGradients(Operand<?> loss) {
    Output<?>[] variables = trainable.toArray(new Output<?>[0]);
    Output<?>[] gradients = graph.addGradients(loss.asOutput(), variables);
    List<GradAndVar<?>> pairs = new ArrayList<>(variables.length);
    for (int i = 0; i < variables.length; i++) {
      if (gradients[i] == null || gradients[i].op() == null) {
        throw new IllegalStateException("no gradient for " + variables[i].op().name());
      }
      pairs.add(pair(gradients[i], variables[i]));
    }
    return pairs;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static GradAndVar<?> pair(Output<?> gradient, Output<?> variable) {
    return new GradAndVar(gradient, variable);
  }

  @Override
  protected void createSlots(List<Output<? extends TType>> variables) {
    for (Output<? extends TType> variable : variables) {
      accumulators.put(variable.op().name(), zeroAccumulator(variable));
    }
  }

  /**
   * A zero-initialised variable named {@code momentum/<variable>}.
   *
   * <p>The framework's {@code Optimizer.createSlot} passes the variable's full name, slashes
   * included, to {@code Ops.withName}, which rejects it: any variable built in a sub-scope breaks
   * the stock {@code Momentum} and {@code Adam}. Hence this optimizer keeps its own slot map.
   */
  private <T extends TType> Variable<T> zeroAccumulator(Output<T> variable) {
    String name = variable.op().name();
    int slash = name.lastIndexOf('/');
    Ops scope = slotScopes.at(slash < 0 ? "" : name.substring(0, slash));
    Ops init = scope.withInitScope();
    Operand<T> zeros =
        init.fill(init.shape(variable), init.dtypes.cast(init.constant(0f), variable.type()));
    return scope.withName(name.substring(slash + 1)).variable(zeros);
  }

  @Override
  protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
    @SuppressWarnings("unchecked")
    Variable<T> accumulator = (Variable<T>) accumulators.get(variable.op().name());
    if (accumulator == null) {
      throw new IllegalStateException("no momentum accumulator for " + variable.op().name());
    }
    return deps.train.applyMomentum(
        variable,
        accumulator,
        deps.dtypes.cast(learningRate, gradient.type()),
        gradient,
        deps.dtypes.cast(deps.constant(momentum), gradient.type()));
  }

  @Override
  public String getOptimizerName() {
    return "ScheduledMomentum";
  }
}
