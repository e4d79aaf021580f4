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
            "unknown field 'stages[0].epoch' (known there: scenes, epochs, hop, learningRate)");
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
    assertThat(recipe.config()).isEqualTo(meta.config());
    assertThat((String) training.get("data"))
        .startsWith(
            String.format(
                "%d generated scenes of %.0f s, seed %d",
                last.scenes(), recipe.sceneSeconds(), recipe.seed()));
    assertThat((String) training.get("initFromData"))
        .startsWith(before.scenes() + " generated scenes");
    assertThat(((Number) training.get("seed")).longValue()).isEqualTo(recipe.seed());
    assertThat(training)
        .containsEntry("epochs", last.epochs())
        .containsEntry("batch", recipe.batch());
    assertThat(((Number) training.get("learningRate")).doubleValue())
        .isCloseTo(last.learningRate(), org.assertj.core.data.Offset.offset(1e-6));
  }
}
