package io.earshot.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightAverageTest {

  @TempDir Path dir;

  @Test
  void shouldAverageSamplesAndContinueTheSameAverageAfterALoad() throws IOException {
    float[][] first = {{1f, 2f}, {10f}};
    float[][] second = {{3f, -2f}, {20f}};
    float[][] third = {{5f, 3f}, {0f}};
    WeightAverage average = WeightAverage.of(first);
    assertThatThrownBy(average::mean).hasMessageContaining("no weights sampled");

    average.add(first);
    average.add(second);
    assertThat(average.count()).isEqualTo(2);
    assertThat(average.mean()).isDeepEqualTo(new float[][] {{2f, 0f}, {15f}});

    // Saved, loaded and continued: the same as never having stopped.
    Path file = dir.resolve("average.bin");
    average.save(file);
    assertThat(dir.resolve("average.bin.tmp")).doesNotExist();
    WeightAverage loaded = WeightAverage.load(file, first);
    loaded.add(third);
    average.add(third);
    assertThat(loaded.count()).isEqualTo(3);
    assertThat(loaded.mean()).isDeepEqualTo(average.mean());
    assertThat(loaded.mean()).isDeepEqualTo(new float[][] {{3f, 1f}, {10f}});
  }

  @Test
  void shouldRefuseWeightsOfAnotherShape() throws IOException {
    WeightAverage average = WeightAverage.of(new float[][] {{1f, 2f}, {3f}});
    assertThatThrownBy(() -> average.add(new float[][] {{1f, 2f}}))
        .hasMessageContaining("1 variables, the average holds 2");
    assertThatThrownBy(() -> average.add(new float[][] {{1f, 2f}, {3f, 4f}}))
        .hasMessageContaining("variable 1 has 2 values, not 1");

    Path file = dir.resolve("average.bin");
    average.add(new float[][] {{1f, 2f}, {3f}});
    average.save(file);
    assertThatThrownBy(() -> WeightAverage.load(file, new float[][] {{1f, 2f}, {3f, 4f}}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("variable 1 has 1 values, the network's 2");
    Path other = Files.writeString(dir.resolve("other.bin"), "not an average");
    assertThatThrownBy(() -> WeightAverage.load(other, new float[][] {{1f}}))
        .hasMessageContaining("is not a weight average");
  }
}
