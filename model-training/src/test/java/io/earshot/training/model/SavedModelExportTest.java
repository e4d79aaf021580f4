package io.earshot.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.earshot.training.tf.Tensors;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

class SavedModelExportTest {

  private static final Logger LOG = LoggerFactory.getLogger(SavedModelExportTest.class);
  private static final NetConfig CONFIG = NetConfig.tiny();

  @TempDir static Path modelDir;

  private static ClipBatch probe;
  private static float[] initialProbabilities;
  private static float[] trainedProbabilities;
  private static float[] trainedAudioEmbedding;
  private static float[] trainedVisualEmbedding;

  @BeforeAll
  static void trainBrieflyAndExport() throws Exception {
    // A few steps so that weights and batch-norm moving statistics differ from their initial
    // values: the export must carry both.
    ToyClipSupplier data = new ToyClipSupplier(CONFIG, 11);
    probe = new ToyClipSupplier(CONFIG, 12).next(6);
    try (TfTrainer untrained = TfTrainer.create(CONFIG)) {
      initialProbabilities = untrained.predict(probe);
    }
    try (TfTrainer trainer = TfTrainer.create(CONFIG)) {
      for (int i = 0; i < 10; i++) {
        trainer.step(data.next(8), CONFIG.learningRate());
      }
      trainedProbabilities = trainer.predict(probe);
      trainedAudioEmbedding = trainer.fetch(trainer.net().audioEmbedding(), probe);
      trainedVisualEmbedding = trainer.fetch(trainer.net().visualEmbedding(), probe);
      trainer.export(modelDir);
    }
  }

  @Test
  void shouldExposeFlipAndEmbedSignaturesWhenLoaded() {
    try (SavedModelBundle model = SavedModelBundle.load(modelDir.toString(), "serve")) {
      Signature flip = model.function(ModelSignatures.FLIP).signature();
      assertThat(flip.inputNames())
          .containsExactlyInAnyOrder(ModelSignatures.FRAMES, ModelSignatures.AUDIO);
      assertThat(flip.outputNames()).containsExactly(ModelSignatures.FLIP_PROBABILITY);
      assertThat(flip.getInputs().get(ModelSignatures.FRAMES).shape.asArray())
          .containsExactly(-1, CONFIG.framesPerClip(), CONFIG.frameSize(), CONFIG.frameSize(), 3);
      assertThat(flip.getInputs().get(ModelSignatures.AUDIO).shape.asArray())
          .containsExactly(-1, CONFIG.samplesPerClip(), 2);
      Signature embed = model.function(ModelSignatures.EMBED).signature();
      assertThat(embed.outputNames())
          .containsExactlyInAnyOrder(
              ModelSignatures.AUDIO_EMBEDDING, ModelSignatures.VISUAL_EMBEDDING);
    }
  }

  @Test
  void shouldGiveTheTrainingGraphsProbabilitiesWhenServingRawFramesAndPcm() {
    try (SavedModelBundle model = SavedModelBundle.load(modelDir.toString(), "serve");
        TUint8 frames = probe.framesTensor(CONFIG);
        TFloat32 audio = probe.audioTensor(CONFIG);
        Result result =
            model
                .function(ModelSignatures.FLIP)
                .call(Map.of(ModelSignatures.FRAMES, frames, ModelSignatures.AUDIO, audio))) {
      float[] served = Tensors.toFloatArray(output(result, ModelSignatures.FLIP_PROBABILITY));
      LOG.info("trained {} served {}", trainedProbabilities, served);
      assertThat(served).hasSize(probe.size());
      double maxChange = 0;
      for (int i = 0; i < served.length; i++) {
        assertThat(served[i]).isCloseTo(trainedProbabilities[i], within(1e-5f));
        maxChange = Math.max(maxChange, Math.abs(served[i] - initialProbabilities[i]));
      }
      // The weights and moving statistics were restored, not re-initialised.
      assertThat(maxChange).isGreaterThan(0.01);
    }
  }

  @Test
  void shouldGiveTheTrainingGraphsEmbeddingsWhenCallingEmbed() {
    try (SavedModelBundle model = SavedModelBundle.load(modelDir.toString(), "serve");
        TUint8 frames = probe.framesTensor(CONFIG);
        TFloat32 audio = probe.audioTensor(CONFIG);
        Result result =
            model
                .function(ModelSignatures.EMBED)
                .call(Map.of(ModelSignatures.FRAMES, frames, ModelSignatures.AUDIO, audio))) {
      Tensor audioEmbedding = output(result, ModelSignatures.AUDIO_EMBEDDING);
      Tensor visualEmbedding = output(result, ModelSignatures.VISUAL_EMBEDDING);
      assertThat(audioEmbedding.shape().asArray())
          .containsExactly(probe.size(), CONFIG.framesPerClip(), CONFIG.audioFeatureSize());
      assertThat(visualEmbedding.shape().asArray())
          .containsExactly(probe.size(), CONFIG.framesPerClip(), CONFIG.visualFeatureSize());
      assertClose(Tensors.toFloatArray(audioEmbedding), trainedAudioEmbedding);
      assertClose(Tensors.toFloatArray(visualEmbedding), trainedVisualEmbedding);
    }
  }

  @Test
  void shouldServeTheShippedLogMelModelWithTheSameStereoPcmAsTheInterauralPhaseConfig() {
    // The interaural phase is computed inside the graph: the input contract (raw stereo PCM) is
    // the same for models with and without it, so the shipped 2-feature-channel model still serves.
    Path shipped = Path.of("..", "models", "flip-detector-cpu");
    io.earshot.training.release.ModelMetadata meta =
        io.earshot.training.release.ModelMetadata.read(shipped);
    NetConfig shippedConfig = NetConfig.byName(meta.config());
    io.earshot.training.release.InputContract contract = meta.input();
    assertThat(contract.channels()).isEqualTo(shippedConfig.inputAudioChannels());
    assertThat(contract.frames()).isEqualTo(shippedConfig.framesPerClip());
    assertThat(contract.width()).isEqualTo(shippedConfig.frameSize());
    ClipBatch clips = new ToyClipSupplier(shippedConfig, 5).next(2);
    try (SavedModelBundle model = SavedModelBundle.load(shipped.toString(), "serve");
        TUint8 frames = clips.framesTensor(shippedConfig);
        TFloat32 audio = clips.audioTensor(shippedConfig);
        Result result =
            model
                .function(ModelSignatures.FLIP)
                .call(Map.of(ModelSignatures.FRAMES, frames, ModelSignatures.AUDIO, audio))) {
      float[] p = Tensors.toFloatArray(output(result, ModelSignatures.FLIP_PROBABILITY));
      assertThat(p).hasSize(2);
      assertThat(p[0]).isBetween(0f, 1f);
      assertThat(p[1]).isBetween(0f, 1f);
    }
  }

  @Test
  void shouldNotGrowResidentMemoryWhenServing200Calls() {
    try (SavedModelBundle model = SavedModelBundle.load(modelDir.toString(), "serve")) {
      SessionFunction flip = model.function(ModelSignatures.FLIP);
      // Warm up: first calls allocate TF's thread pools and kernel caches.
      callRepeatedly(flip, 20);
      long before = ProcessMemory.rssKb();
      long start = System.nanoTime();
      callRepeatedly(flip, 200);
      double millisPerCall = (System.nanoTime() - start) / 1e6 / 200;
      long after = ProcessMemory.rssKb();
      LOG.info(
          "RSS before 200 flip calls {} MB, after {} MB ({} KB growth), {} ms per call of {} clips",
          before / 1024,
          after / 1024,
          after - before,
          String.format("%.1f", millisPerCall),
          probe.size());
      // Each call moves ~0.4 MB of input; a leak of inputs or results would add ~80 MB here.
      assertThat(after - before).isLessThan(30 * 1024);
    }
  }

  private static void callRepeatedly(SessionFunction flip, int calls) {
    for (int i = 0; i < calls; i++) {
      try (TUint8 frames = probe.framesTensor(CONFIG);
          TFloat32 audio = probe.audioTensor(CONFIG);
          Result result =
              flip.call(Map.of(ModelSignatures.FRAMES, frames, ModelSignatures.AUDIO, audio))) {
        assertThat(result.size()).isEqualTo(1);
      }
    }
  }

  private static Tensor output(Result result, String name) {
    return result
        .get(name)
        .orElseThrow(() -> new AssertionError("no output " + name + " in " + result.keySet()));
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
    }
  }
}
