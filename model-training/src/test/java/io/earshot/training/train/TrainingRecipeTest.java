package io.earshot.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.training.release.ModelMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRecipeTest {

  @TempDir Path dir;

  private Path write(String json) throws Exception {
    Path file = dir.resolve("r.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void shouldReadStagesAndLeaveTheLearningRateToTheConfigWhenAStageOmitsIt() throws Exception {
    TrainingRecipe recipe =
        TrainingRecipe.read(
            write(
                """
                {"config": "tiny", "seed": 7, "sceneSeconds": 4, "batch": 4, "evalScenes": 0,
                 "stages": [{"scenes": 4, "epochs": 2, "hop": 1},
                            {"scenes": 6, "epochs": 1, "hop": 2, "learningRate": 0.002}]}
                """));

    assertThat(recipe.seed()).isEqualTo(7L);
    assertThat(recipe.net().name()).isEqualTo("tiny");
    assertThat(recipe.scenes()).isEqualTo(6);
    assertThat(recipe.stages())
        .containsExactly(
            new TrainingRecipe.Stage(4, 2, 1.0, null), new TrainingRecipe.Stage(6, 1, 2.0, 0.002f));
  }

  @Test
  void shouldLetAStageTrainOnAnotherSeedsScenesAndWidenTheNetwork() throws Exception {
    String recipe =
        """
        {"config": "cpu", "seed": 1, "sceneSeconds": 8, "batch": 16, "evalScenes": 0,
         "stages": [{"scenes": 18000, "epochs": 6, "hop": 2},
                    {"scenes": 6000, "epochs": 8, "hop": 2, "seed": 2, "config": "%s"}]}
        """;
    TrainingRecipe widened = TrainingRecipe.read(write(recipe.formatted("cpu-t3")));
    TrainingRecipe.Stage first = widened.stages().get(0);
    TrainingRecipe.Stage second = widened.stages().get(1);
    // Fewer scenes than stage 1 is fine: they are another seed's, new scenes.
    assertThat(widened.seed(first)).isEqualTo(1L);
    assertThat(widened.seed(second)).isEqualTo(2L);
    assertThat(widened.net(first).name()).isEqualTo("cpu");
    assertThat(widened.net(second).name()).isEqualTo("cpu-t3");
    assertThat(widened.net().name()).isEqualTo("cpu-t3");
    assertThat(widened.seed()).isEqualTo(1L);

    // A stage cannot switch to a network the previous model does not fit into.
    assertThatThrownBy(() -> TrainingRecipe.read(write(recipe.formatted("cpu-96"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "stage 2's config 'cpu-96' cannot continue stage 1's 'cpu' model: a stage keeps the"
                + " previous stage's config or widens it");
    assertThatThrownBy(() -> TrainingRecipe.read(write(recipe.formatted("cpu-99"))))
        .hasMessageContaining("stage 2: --config must be cpu, cpu-96, cpu-t3");
    // On the same seed, a stage still may only add scenes.
    assertThatThrownBy(
            () ->
                TrainingRecipe.read(write(recipe.formatted("cpu-t3").replace("\"seed\": 2, ", ""))))
        .hasMessageContaining("stage 2 trains on fewer scenes (6000) than stage 1 (18000)");
  }

  @Test
  void shouldFreezeOnlyAStageWhoseConfigAddsLayers() throws Exception {
    String recipe =
        """
        {"config": "cpu", "seed": 1, "sceneSeconds": 8, "batch": 16, "evalScenes": 0,
         "stages": [{"scenes": 3000, "epochs": 6, "hop": 2%s},
                    {"scenes": 6000, "epochs": 6, "hop": 2, "seed": 2, "config": "%s",
                     "freezeInherited": true},
                    {"scenes": 6000, "epochs": 6, "hop": 2, "seed": 2, "config": "cpu-cells",
                     "learningRate": 0.005}]}
        """;
    TrainingRecipe head = TrainingRecipe.read(write(recipe.formatted("", "cpu-cells")));
    assertThat(head.stages().stream().map(TrainingRecipe.Stage::frozen))
        .containsExactly(false, true, false);
    assertThat(head.net().name()).isEqualTo("cpu-cells");
    // Freezing a stage that adds nothing, or the first stage, leaves nothing to train.
    assertThatThrownBy(() -> TrainingRecipe.read(write(recipe.formatted("", "cpu"))))
        .hasMessageContaining("stage 2 freezes the layers it inherits but adds none");
    assertThatThrownBy(
            () ->
                TrainingRecipe.read(write(recipe.formatted(", \"freezeInherited\": true", "cpu"))))
        .hasMessageContaining("stage 1 freezes the layers it inherits but inherits none");
  }

  @Test
  void shouldLetAStageAverageItsWeightsFromOneOfItsEpochs() throws Exception {
    String recipe =
        """
        {"config": "cpu", "seed": 1, "sceneSeconds": 8, "batch": 16, "evalScenes": 0,
         "stages": [{"scenes": 18000, "epochs": 6, "hop": 2},
                    {"scenes": 18000, "epochs": 5, "hop": 2, "learningRate": 0.005,
                     "averageFrom": %d}]}
        """;
    TrainingRecipe averaged = TrainingRecipe.read(write(recipe.formatted(2)));
    // The same scenes again: averaging continues the previous stage on its own data.
    assertThat(averaged.stages().stream().map(TrainingRecipe.Stage::averagingFrom))
        .containsExactly(0, 2);
    assertThatThrownBy(() -> TrainingRecipe.read(write(recipe.formatted(6))))
        .hasMessageContaining("a stage's averageFrom must be one of its epochs, 1 to 5, got 6");
    assertThatThrownBy(() -> TrainingRecipe.read(write(recipe.formatted(0))))
        .hasMessageContaining("got 0");
  }

  @Test
  void shouldNameTheFileAndTheMistakeWhenTheRecipeIsWrong() throws Exception {
    String base =
        """
        {"config": "tiny", "seed": 7, "sceneSeconds": 4, "batch": 4, "evalScenes": 0, "stages": %s}
        """;

    assertThatThrownBy(
            () ->
                TrainingRecipe.read(
                    write(
                        base.formatted(
                            "[{\"scenes\": 6, \"epochs\": 1, \"hop\": 1},"
                                + " {\"scenes\": 4, \"epochs\": 1, \"hop\": 1}]"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--recipe " + dir.resolve("r.json"))
        .hasMessageContaining("stage 2 trains on fewer scenes (4) than stage 1 (6)");
    assertThatThrownBy(
            () ->
                TrainingRecipe.read(
                    write(base.formatted("[{\"scenes\": 6, \"epoch\": 1, \"hop\": 1}]"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "unknown field 'stages[0].epoch' (known there: scenes, epochs, hop, learningRate, seed,"
                + " config, freezeInherited, averageFrom)");
    assertThatThrownBy(
            () ->
                TrainingRecipe.read(
                    write(base.formatted("[{\"scenes\": 6, \"epochs\": 0, \"hop\": 1}]"))))
        .hasMessageContaining("a stage's epochs must be at least 1, got 0");
    assertThatThrownBy(() -> TrainingRecipe.read(write(base.formatted("[]"))))
        .hasMessageContaining("the recipe has no stages");
    assertThatThrownBy(
            () ->
                TrainingRecipe.read(
                    write(
                        """
                        {"config": "tiny", "sceneSeconds": 4, "batch": 4, "evalScenes": 0,
                         "stages": [{"scenes": 4, "epochs": 1, "hop": 1}]}
                        """)))
        .hasMessageContaining("the recipe names no seed");
    assertThatThrownBy(() -> TrainingRecipe.read(write("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(": expected a JSON object with config, seed,");
    assertThatThrownBy(() -> TrainingRecipe.read(dir.resolve("missing.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--recipe " + dir.resolve("missing.json") + ": no such file");
  }

  @Test
  void shouldDescribeTheShippedModelsTrainingWhenReadFromTheRepository() {
    Path shipped = Path.of("..", "models", "flip-detector-cpu");
    TrainingRecipe recipe =
        TrainingRecipe.read(Path.of("..", "models", "flip-detector-cpu.recipe.json"));
    ModelMetadata meta = ModelMetadata.read(shipped);

    // The recipe in the repository is the one the shipped model came from: same network, seed,
    // batch, scene counts and last stage's epochs and learning rate as its metadata records.
    TrainingRecipe.Stage last = recipe.stages().get(recipe.stages().size() - 1);
    TrainingRecipe.Stage before = recipe.stages().get(recipe.stages().size() - 2);
    java.util.Map<String, Object> training = meta.training();
    assertThat(recipe.net().name()).isEqualTo(meta.config());
    assertThat((String) training.get("data"))
        .startsWith(
            String.format(
                "%d generated scenes of %.0f s, seed %d",
                last.scenes(), recipe.sceneSeconds(), recipe.seed(last)));
    assertThat((String) training.get("initFromData"))
        .startsWith(before.scenes() + " generated scenes");
    assertThat(((Number) training.get("seed")).longValue()).isEqualTo(recipe.seed(last));
    assertThat(training)
        .containsEntry("epochs", last.epochs())
        .containsEntry("batch", recipe.batch());
    assertThat(((Number) training.get("learningRate")).doubleValue())
        .isCloseTo(last.learningRate(), org.assertj.core.data.Offset.offset(1e-6));
  }
}
