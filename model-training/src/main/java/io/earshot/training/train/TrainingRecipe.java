package io.earshot.training.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earshot.training.model.NetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A staged training run on generated scenes, written down so that one {@code ./earshot train
 * --recipe FILE} command reproduces a model: every stage generates scenes up to its count (scene
 * {@code i} depends only on the seed and {@code i}, so each stage's scenes contain the previous
 * stage's of the same seed) and continues the previous stage's model on them. A stage may name its
 * own seed (new scenes instead of more of the same) and its own config, one that {@linkplain
 * NetConfig#widens widens} the previous stage's network.
 *
 * @param description what the recipe makes, for people reading the file
 * @param config network config name ({@link NetConfig#byName}) of the stages that name none
 * @param seed seed of scene generation, sampling and labels of the stages that name none; the
 *     held-out scenes evaluated after the last stage derive from it
 * @param sceneSeconds length of each generated scene
 * @param batch clips per step
 * @param evalScenes held-out scenes evaluated after the last stage (0 = none)
 * @param stages in order; stage 1 starts from fresh weights
 */
public record TrainingRecipe(
    String description,
    String config,
    Long seed,
    double sceneSeconds,
    int batch,
    int evalScenes,
    List<Stage> stages) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One stage.
   *
   * @param scenes generated scenes this stage trains on (the first {@code scenes} of the seed)
   * @param epochs passes over their training clips
   * @param hop seconds between training clip starts
   * @param learningRate peak learning rate, or null for the config's
   * @param seed seed of this stage's scenes, or null for the recipe's
   * @param config network config of this stage, or null for the recipe's
   * @param freezeInherited true to train only the layers this stage's config adds to the previous
   *     stage's (e.g. the per-cell head of {@code cpu-cells} after {@code cpu}); null or false to
   *     train every layer
   * @param averageFrom the first epoch (1-based) whose weights this stage averages ({@code
   *     --average-from}), or null for the usual schedule and best epoch
   */
  public record Stage(
      int scenes,
      int epochs,
      double hop,
      Float learningRate,
      Long seed,
      String config,
      Boolean freezeInherited,
      Integer averageFrom) {

    /** A stage on the recipe's seed and config. */
    public Stage(int scenes, int epochs, double hop, Float learningRate) {
      this(scenes, epochs, hop, learningRate, null, null, null, null);
    }

    /** The epoch this stage averages weights from, 0 when it does not average. */
    public int averagingFrom() {
      return averageFrom == null ? 0 : averageFrom;
    }

    /** Whether this stage trains only the layers its config adds. */
    public boolean frozen() {
      return Boolean.TRUE.equals(freezeInherited);
    }

    /** This stage's seed, or {@code recipeSeed} when it names none. */
    long seedOr(long recipeSeed) {
      return seed != null ? seed : recipeSeed;
    }

    /** This stage's config name, or {@code recipeConfig} when it names none. */
    String configOr(String recipeConfig) {
      return config != null ? config : recipeConfig;
    }

    public Stage {
      if (scenes < 1) {
        throw new IllegalArgumentException("a stage's scenes must be at least 1, got " + scenes);
      }
      if (epochs < 1) {
        throw new IllegalArgumentException("a stage's epochs must be at least 1, got " + epochs);
      }
      if (!(hop > 0)) {
        throw new IllegalArgumentException("a stage's hop must be positive seconds, got " + hop);
      }
      if (learningRate != null && !(learningRate > 0 && Float.isFinite(learningRate))) {
        throw new IllegalArgumentException(
            "a stage's learningRate must be a positive number, got " + learningRate);
      }
      if (averageFrom != null && (averageFrom < 1 || averageFrom > epochs)) {
        throw new IllegalArgumentException(
            String.format(
                "a stage's averageFrom must be one of its epochs, 1 to %d, got %d",
                epochs, averageFrom));
      }
    }
  }

  public TrainingRecipe {
    if (config == null) {
      throw new IllegalArgumentException("the recipe names no config");
    }
    NetConfig previousNet = NetConfig.byName(config);
    if (seed == null) {
      throw new IllegalArgumentException("the recipe names no seed");
    }
    if (!(sceneSeconds > 0)) {
      throw new IllegalArgumentException("sceneSeconds must be positive, got " + sceneSeconds);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    if (evalScenes < 0) {
      throw new IllegalArgumentException("evalScenes must be 0 or more, got " + evalScenes);
    }
    if (stages == null || stages.isEmpty()) {
      throw new IllegalArgumentException("the recipe has no stages");
    }
    stages = List.copyOf(stages);
    for (int k = 0; k < stages.size(); k++) {
      Stage stage = stages.get(k);
      NetConfig stageNet;
      try {
        stageNet = NetConfig.byName(stage.configOr(config));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("stage " + (k + 1) + ": " + e.getMessage(), e);
      }
      if (stage.frozen() && (k == 0 || stageNet.equals(previousNet))) {
        throw new IllegalArgumentException(
            String.format(
                "stage %d freezes the layers it inherits but %s: freezeInherited needs a stage"
                    + " whose config adds layers to the previous stage's (cpu-cells after cpu)",
                k + 1, k == 0 ? "inherits none (the first stage starts fresh)" : "adds none"));
      }
      if (k > 0 && !stageNet.widens(previousNet)) {
        throw new IllegalArgumentException(
            String.format(
                "stage %d's config '%s' cannot continue stage %d's '%s' model: a stage keeps the"
                    + " previous stage's config or widens it (cpu-t3 after cpu)",
                k + 1, stageNet.name(), k, previousNet.name()));
      }
      previousNet = stageNet;
    }
    for (int k = 1; k < stages.size(); k++) {
      boolean sameScenes = stages.get(k).seedOr(seed) == stages.get(k - 1).seedOr(seed);
      if (sameScenes && stages.get(k).scenes() < stages.get(k - 1).scenes()) {
        throw new IllegalArgumentException(
            "stage "
                + (k + 1)
                + " trains on fewer scenes ("
                + stages.get(k).scenes()
                + ") than stage "
                + k
                + " ("
                + stages.get(k - 1).scenes()
                + "): stages of one seed may only add scenes");
      }
    }
  }

  /** The network the recipe makes: its last stage's. */
  public NetConfig net() {
    return net(stages.get(stages.size() - 1));
  }

  /** The network {@code stage} trains. */
  public NetConfig net(Stage stage) {
    return NetConfig.byName(stage.configOr(config));
  }

  /** The seed of {@code stage}'s scenes, sampling and labels. */
  public long seed(Stage stage) {
    return stage.seedOr(seed);
  }

  /** The last stage's scene count: what the finished model was trained on. */
  public int scenes() {
    return stages.get(stages.size() - 1).scenes();
  }

  /**
   * Reads a recipe file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong in it
   */
  public static TrainingRecipe read(Path file) {
    try {
      JsonNode tree = JSON.readTree(Files.readString(file));
      if (tree == null || !tree.isObject()) {
        throw new IllegalArgumentException(
            "expected a JSON object with config, seed, sceneSeconds, batch, evalScenes and stages");
      }
      // Unknown fields first: Jackson builds a record before it reports them, so a misspelt
      // "epoch" would otherwise surface as "epochs must be at least 1, got 0".
      unknownFields(tree, TrainingRecipe.class, "");
      JsonNode stages = tree.path("stages");
      for (int k = 0; k < stages.size(); k++) {
        unknownFields(stages.get(k), Stage.class, "stages[" + k + "].");
      }
      return JSON.treeToValue(tree, TrainingRecipe.class);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--recipe " + file + ": no such file");
    } catch (JsonProcessingException e) {
      String message =
          e.getCause() instanceof IllegalArgumentException invalid
              ? invalid.getMessage()
              : (e instanceof JsonMappingException m && !m.getPath().isEmpty()
                      ? path(m) + ": "
                      : "")
                  + e.getOriginalMessage();
      throw new IllegalArgumentException("--recipe " + file + ": " + message, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--recipe " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recipe " + file, e);
    }
  }

  private static void unknownFields(JsonNode node, Class<? extends Record> type, String where) {
    if (!node.isObject()) {
      return; // the mapping says what it expected instead
    }
    List<String> known =
        java.util.Arrays.stream(type.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName)
            .toList();
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw new IllegalArgumentException(
                    "unknown field '"
                        + where
                        + name
                        + "' (known there: "
                        + String.join(", ", known)
                        + ")");
              }
            });
  }

  /** Where in the file a mapping error is, as {@code stages[1].epochs}. */
  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
