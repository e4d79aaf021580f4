package io.earshot.flink.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class JobConfigTest {

  @Test
  void shouldCheckpointToFilesystemDirectoryWhenDefaultsAreUsed() {
    JobConfig config = JobConfig.defaults();

    Configuration storage = SpatialInferenceJob.checkpointStorage(config);

    assertThat(config.checkpointDir()).startsWith("file:/").endsWith("/earshot-checkpoints");
    assertThat(storage.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
    assertThat(storage.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo(config.checkpointDir());
  }

  @Test
  void shouldTakeCheckpointDirectoryWhenGivenAsOption() {
    JobConfig config =
        JobConfig.from(
            new String[] {"--checkpoint-dir", "s3://bucket/earshot", "--max-batch", "8"});

    assertThat(config.checkpointDir()).isEqualTo("s3://bucket/earshot");
    assertThat(config.maxBatch()).isEqualTo(8);
    assertThat(config.withModel("classical").checkpointDir()).isEqualTo("s3://bucket/earshot");
  }

  @Test
  void shouldRejectBlankCheckpointDirectoryNamingTheOption() {
    assertThatThrownBy(() -> JobConfig.from(new String[] {"--checkpoint-dir", " "}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--checkpoint-dir");
  }
}
