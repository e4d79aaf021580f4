package io.earshot.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.earshot.training.release.ModelMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What makes two training runs the same run: checkpoints may only be resumed, and a finished recipe
 * stage only kept, by a run with the same identity. A run writes its identity to {@value
 * #FILE_NAME} in its directory when it starts, and into its model's metadata when it ends.
 *
 * <p>A null field is not compared: metadata written before a field existed leaves it unknown, and a
 * resumed run leaves {@code epochs} open (resuming with more epochs extends a run), and {@code
 * initFrom} too unless it names a model (its weights come from the checkpoint, so {@code --resume}
 * need not repeat {@code --init-from}; a recipe stage, which always does, is checked).
 *
 * @param config network config name
 * @param data description of the training data
 * @param hopSeconds distance between clip starts within a video
 * @param seed the run's seed
 * @param batch clips per step
 * @param learningRate peak learning rate
 * @param epochs passes over the training clips
 * @param initFrom version of the model the run started from, {@code ""} for fresh weights
 * @param frozen config of the layers the run kept frozen ({@code --freeze-inherited}), {@code ""}
 *     when it trained them all
 * @param averageFrom the first epoch whose weights the run averages ({@code --average-from}), 0
 *     when it does not average; null when unknown (runs from before averaging existed)
 */
public record RunIdentity(
    String config,
    String data,
    Double hopSeconds,
    Long seed,
    Integer batch,
    Double learningRate,
    Integer epochs,
    String initFrom,
    String frozen,
    Integer averageFrom) {

  /** A run that does not average its weights. */
  public RunIdentity(
      String config,
      String data,
      Double hopSeconds,
      Long seed,
      Integer batch,
      Double learningRate,
      Integer epochs,
      String initFrom,
      String frozen) {
    this(config, data, hopSeconds, seed, batch, learningRate, epochs, initFrom, frozen, 0);
  }

  /** A run that trains every layer. */
  public RunIdentity(
      String config,
      String data,
      Double hopSeconds,
      Long seed,
      Integer batch,
      Double learningRate,
      Integer epochs,
      String initFrom) {
    this(config, data, hopSeconds, seed, batch, learningRate, epochs, initFrom, "");
  }

  /** The file a run keeps its identity in, next to its checkpoints. */
  public static final String FILE_NAME = "run.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The identity of a finished run, from its model's metadata. */
  public static RunIdentity of(ModelMetadata meta) {
    Map<String, Object> t = meta.training();
    return new RunIdentity(
        meta.config(),
        t.get("data") instanceof String s ? s : null,
        t.get("hopSeconds") instanceof Number n ? n.doubleValue() : null,
        t.get("seed") instanceof Number n ? n.longValue() : null,
        t.get("batch") instanceof Number n ? n.intValue() : null,
        t.get("learningRate") instanceof Number n ? n.doubleValue() : null,
        t.get("epochs") instanceof Number n ? n.intValue() : null,
        t.get("initFrom") instanceof String s ? s : "",
        t.get("frozen") instanceof String s ? s : "",
        t.get("averageFrom") instanceof Number n ? n.intValue() : 0);
  }

  /** This identity with another data description. */
  public RunIdentity withData(String description) {
    return new RunIdentity(
        config,
        description,
        hopSeconds,
        seed,
        batch,
        learningRate,
        epochs,
        initFrom,
        frozen,
        averageFrom);
  }

  /** This identity without the fields a resumed run may change or leave unsaid. */
  public RunIdentity forResume() {
    String start = initFrom == null || initFrom.isEmpty() ? null : initFrom;
    return new RunIdentity(
        config, data, hopSeconds, seed, batch, learningRate, null, start, frozen, averageFrom);
  }

  /**
   * The fields where the two identities disagree, each as {@code "name: theirs vs ours"}; empty
   * when they are the same run.
   */
  public List<String> differences(RunIdentity theirs) {
    List<String> out = new ArrayList<>();
    compare(out, "config", theirs.config, config);
    compare(out, "data", theirs.data, data);
    compare(out, "hop (s)", theirs.hopSeconds, hopSeconds);
    compare(out, "seed", theirs.seed, seed);
    compare(out, "batch", theirs.batch, batch);
    compare(out, "learning rate", theirs.learningRate, learningRate);
    compare(out, "epochs", theirs.epochs, epochs);
    compare(
        out,
        "started from",
        theirs.initFrom == null ? null : describeStart(theirs.initFrom),
        initFrom == null ? null : describeStart(initFrom));
    compare(
        out,
        "frozen layers",
        theirs.frozen == null ? null : describeFrozen(theirs.frozen),
        frozen == null ? null : describeFrozen(frozen));
    compare(out, "weights averaged from epoch", theirs.averageFrom, averageFrom);
    return out;
  }

  private static String describeFrozen(String config) {
    return config.isEmpty() ? "none" : "those of '" + config + "'";
  }

  private static String describeStart(String version) {
    return version.isEmpty() ? "fresh weights" : "model " + version;
  }

  private static void compare(List<String> out, String name, Object theirs, Object ours) {
    if (theirs == null || ours == null) {
      return;
    }
    boolean same =
        theirs instanceof Double a && ours instanceof Double b
            ? Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))
            : Objects.equals(theirs, ours);
    if (!same) {
      out.add(name + ": " + theirs + " vs " + ours);
    }
  }

  void write(Path dir) {
    try {
      JSON.writeValue(dir.resolve(FILE_NAME).toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + FILE_NAME + " in " + dir, e);
    }
  }

  static RunIdentity read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    try {
      return JSON.readValue(file.toFile(), RunIdentity.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + " is not a readable run identity (" + e.getMessage() + "): give a fresh --out", e);
    }
  }
}
