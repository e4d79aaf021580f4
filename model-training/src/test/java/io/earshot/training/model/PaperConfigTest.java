package io.earshot.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.training.tf.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** The paper config is real: it trains a step and exports on CPU with a batch of one. */
class PaperConfigTest {

  @TempDir Path dir;

  @Test
  void shouldTrainOneStepAndExportWhenPaperSized() throws Exception {
    NetConfig paper = NetConfig.paper();
    Random random = new Random(7);
    int frameBytes = paper.framesPerClip() * paper.frameSize() * paper.frameSize() * 3;
    byte[] frames = new byte[frameBytes];
    random.nextBytes(frames);
    float[] audio = new float[paper.samplesPerClip() * 2];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (float) (random.nextGaussian() * 0.1);
    }
    ClipBatch batch = new ClipBatch(1, frames, audio, new float[] {1f});
    Path export = dir.resolve("paper");
    float loss;
    try (TfTrainer trainer = TfTrainer.create(paper)) {
      loss = trainer.step(batch, 0.001f);
      trainer.export(export);
    }

    assertThat(loss).isFinite().isPositive();
    assertThat(Files.exists(export.resolve("saved_model.pb"))).isTrue();
    try (SavedModelBundle bundle =
            SavedModelBundle.load(export.toString(), ModelSignatures.SERVE_TAG);
        TUint8 f = Tensors.bytes(Shape.of(1, paper.framesPerClip(), 256, 256, 3), frames);
        TFloat32 a = Tensors.floats(Shape.of(1, paper.samplesPerClip(), 2), audio);
        Result r =
            bundle
                .function(ModelSignatures.FLIP)
                .call(Map.of(ModelSignatures.FRAMES, f, ModelSignatures.AUDIO, a))) {
      float p = Tensors.toFloatArray(r.get(ModelSignatures.FLIP_PROBABILITY).orElseThrow())[0];
      assertThat(p).isBetween(0f, 1f);
    }
  }
}
