package io.earshot.training.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {

  @TempDir Path dir;

  private static final InputContract CONTRACT = new InputContract(3, 6, 18, 64, 64, 16_000, 2);

  private Path model() throws Exception {
    Path m = Files.createDirectories(dir.resolve("m"));
    Files.writeString(m.resolve("saved_model.pb"), "graph");
    Files.createDirectories(m.resolve("variables"));
    Files.writeString(m.resolve("variables/variables.index"), "index");
    ModelMetadata meta =
        new ModelMetadata(
            1,
            "flip-detector",
            "v1",
            "cpu",
            "2026-11-22T00:00:00Z",
            CONTRACT,
            "flip",
            "embed",
            Map.of("seed", 1),
            Map.of("accuracy", 0.97),
            Map.of());
    meta.withFiles(ModelFiles.hashes(m)).write(m);
    return m;
  }

  @Test
  void shouldAcceptAnIntactModelWithTheExpectedContract() throws Exception {
    Path m = model();
    ModelMetadata meta = ModelFiles.verify(m, CONTRACT);
    assertThat(meta.files()).containsOnlyKeys("saved_model.pb", "variables/variables.index");
    assertThat(ModelFiles.digest(meta.files())).hasSize(64);
  }

  @Test
  void shouldNameEveryProblemWhenFilesOrContractDiffer() throws Exception {
    Path m = model();
    Files.writeString(m.resolve("saved_model.pb"), "tampered");
    Files.delete(m.resolve("variables/variables.index"));
    Files.writeString(m.resolve("extra.bin"), "x");

    assertThatThrownBy(() -> ModelFiles.verify(m, new InputContract(3, 6, 18, 112, 112, 16_000, 2)))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("file saved_model.pb changed")
        .hasMessageContaining("missing file variables/variables.index")
        .hasMessageContaining("unexpected file extra.bin")
        .hasMessageContaining("frame size 64x64 vs 112x112");
  }

  @Test
  void shouldExplainWhenDirectoryIsNotAModel() {
    assertThatThrownBy(() -> ModelFiles.verify(dir, CONTRACT))
        .hasMessageContaining("earshot-model.json is missing");
    assertThat(CONTRACT.differences(CONTRACT)).isEqualTo(List.of());
  }
}
