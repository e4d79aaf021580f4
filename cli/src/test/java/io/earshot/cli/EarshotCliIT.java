package io.earshot.cli;

import static io.earshot.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's commands, run in-process as a user would type them. */
@ExtendWith(SharedStack.class)
class EarshotCliIT {

  @TempDir Path dir;

  @Test
  void shouldListEveryCommandWithDescriptionWhenAskedForHelp() {
    CliRun help = run("--help");

    assertThat(help.exit()).isZero();
    for (String command :
        new String[] {
          "demo", "stack", "ingest", "monitor", "generate", "dataset", "bench", "test"
        }) {
      assertThat(help.out()).containsPattern("(?m)^\\s+" + command + "\\s+\\S+");
      assertThat(run(command, "--help").exit()).as(command + " --help").isZero();
    }
    assertThat(run("bench", "ingest", "--help").out()).contains("ffmpeg");
  }

  @Test
  void shouldExitWithBadInputCodeAndOneLineWhenFileIsMissing() {
    CliRun r = run("ingest", dir.resolve("missing.mp4").toString(), "--stream-id", "x");

    assertThat(r.exit()).isEqualTo(EarshotCli.EXIT_BAD_INPUT);
    assertThat(r.err().strip()).startsWith("earshot: input file not found").doesNotContain("\n");
  }

  @Test
  void shouldRejectInvalidOptionNamingItWhenStreamIdIsBad() {
    CliRun r = run("ingest", "x.mp4", "--stream-id", "has space");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--stream-id");
  }

  @Test
  void shouldRejectMonitorOptionNamingItWhenValueIsInvalid() {
    CliRun r = run("monitor", "--set", "flip-threshold=high", "--http-port", "0");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("earshot: flip-threshold must be a number");
  }

  @Test
  void shouldIngestSampleIntoStackWhenRunFromCommandLine(LocalStack stack) throws Exception {
    Path sample = SampleVideo.write(dir.resolve("s.mp4"), 4, -1, 3);

    CliRun r =
        run(
            "ingest",
            sample.toString(),
            "--stream-id",
            "cli-it",
            "--bootstrap-servers",
            stack.bootstrapServers(),
            "--registry-url",
            stack.registryUrl(),
            "--metrics-port",
            "0");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("ingested .* as stream 'cli-it': 2[3-5] frames, [89] audio windows");
    assertThat(r.err()).containsPattern("ingest metrics at http://127\\.0\\.0\\.1:\\d+/metrics");
    StreamReadback.Result back =
        StreamReadback.read(
            stack.bootstrapServers(),
            stack.registryUrl(),
            "cli-it",
            23,
            java.time.Duration.ofSeconds(20));
    assertThat(back.frames()).hasSizeBetween(23, 25);
  }

  @Test
  void shouldDetectTheSampleSwapAndPrintDelayAndUrlsWhenDemoRuns() {
    CliRun r =
        run(
            "demo",
            "--shots",
            "3",
            "--swap-at",
            "9",
            "--kafka-port",
            "0",
            "--registry-port",
            "0",
            "--http-port",
            "0",
            "--metrics-port",
            "0");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Matcher m =
        Pattern.compile("detected: FLIPPED ([0-9.]+) s after the swapped audio").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isLessThan(8);
    assertThat(r.out()).contains("False alarms before the swap: none");
    assertThat(r.out()).containsPattern("operator page +http://127\\.0\\.0\\.1:\\d+/");
    assertThat(r.out()).containsPattern("job metrics +http://127\\.0\\.0\\.1:\\d+/metrics");
  }

  @Test
  void shouldExitWithClearMessageWhenDemoPortIsTaken() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliRun r =
          run(
              "demo",
              "--kafka-port",
              "0",
              "--registry-port",
              "0",
              "--http-port",
              String.valueOf(taken.getLocalPort()),
              "--metrics-port",
              "0");

      assertThat(r.exit()).isEqualTo(DemoCommand.EXIT_START_FAILED);
      assertThat(r.out())
          .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is taken")
          .contains("--http-port");
    }
  }

  @Test
  void shouldGenerateScenesAndReadThemAsClipsWhenRunFromCommandLine() throws Exception {
    Path out = dir.resolve("generated");

    CliRun gen =
        run("generate", "--out", out.toString(), "--count", "3", "--seconds", "4", "--seed", "2");
    CliRun data =
        run("dataset", "--videos", out.toString(), "--report", dir.resolve("r.json").toString());

    assertThat(gen.exit()).as(gen.err()).isZero();
    assertThat(gen.out()).contains("generated 3 scenes");
    assertThat(java.nio.file.Files.exists(out.resolve("scene-00002.mp4"))).isTrue();
    assertThat(java.nio.file.Files.exists(out.resolve("scene-00002.json"))).isTrue();
    assertThat(data.exit()).as(data.err()).isZero();
    assertThat(data.out()).contains("read 3 clips").contains("train");
    assertThat(java.nio.file.Files.readString(dir.resolve("r.json"))).contains("\"splits\"");
  }

  @Test
  void shouldWriteEveryScoredClipWithEachScorersProbabilityWhenEvaluateIsAskedForClips()
      throws Exception {
    Path model = Path.of("..", "models", "flip-detector-cpu").toAbsolutePath().normalize();
    Path csv = dir.resolve("clips/held-out.csv");

    CliRun eval =
        run(
            "evaluate",
            "--model",
            model.toString(),
            "--generate",
            "2",
            "--seconds",
            "6",
            "--seed",
            "1000009",
            "--out",
            dir.resolve("eval.json").toString(),
            "--clips-out",
            csv.toString());

    assertThat(eval.exit()).as(eval.err()).isZero();
    java.util.List<String> lines = java.nio.file.Files.readAllLines(csv);
    assertThat(lines.get(0))
        .startsWith("video,start_s,swapped,decidable,slice,tellable,network flip-detector ")
        .endsWith(",classical (ILD + ITD vs motion/salience),chance");
    java.util.List<String[]> rows =
        lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
    Matcher table =
        Pattern.compile("network flip-detector \\S+\\s+(\\d+)\\s+([0-9.]+)%").matcher(eval.out());
    assertThat(table.find()).as(eval.out()).isTrue();
    assertThat(rows).hasSize(Integer.parseInt(table.group(1))).isNotEmpty();
    int right = 0;
    int tellable = 0;
    java.util.Map<String, int[]> bySlice = new java.util.HashMap<>();
    for (String[] row : rows) {
      assertThat(row).hasSize(9);
      assertThat(row[0]).matches("scene-0000[01]\\.mp4");
      assertThat(row[2]).isIn("0", "1");
      assertThat(row[3]).isIn("0", "1");
      assertThat(row[4])
          .isIn(
              "no-visible-source",
              "centred",
              "edge",
              "mirror-wrong-kind",
              "mirror-occupied",
              "mirror-free");
      assertThat(row[5]).isIn("0", "1");
      tellable += row[5].equals("1") ? 1 : 0;
      double network = Double.parseDouble(row[6]);
      assertThat(network).isBetween(0.0, 1.0);
      boolean ok = (network >= 0.5) == row[2].equals("1");
      right += ok ? 1 : 0;
      int[] slice = bySlice.computeIfAbsent(row[4], k -> new int[2]);
      slice[0]++;
      slice[1] += ok ? 1 : 0;
    }
    // The rows are the clips the table's accuracy was measured on.
    assertThat(100.0 * right / rows.size())
        .isCloseTo(Double.parseDouble(table.group(2)), org.assertj.core.data.Offset.offset(0.051));
    // The per-slice table and JSON agree with the rows' slices.
    assertThat(eval.out()).contains("accuracy by kind of clip");
    // The readable report is written next to the JSON, the same text as printed.
    String report = java.nio.file.Files.readString(dir.resolve("eval.txt"));
    assertThat(report).contains("accuracy by kind of clip").contains("track confidence, all ");
    assertThat(eval.out()).contains(report).contains("written " + dir.resolve("eval.txt"));
    com.fasterxml.jackson.databind.JsonNode slices =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("eval.json").toFile())
            .path("results")
            .path(0)
            .path("slices");
    assertThat(slices.size()).isEqualTo(bySlice.size());
    bySlice.forEach(
        (slice, counts) -> {
          assertThat(slices.path(slice).path("clips").asInt()).as(slice).isEqualTo(counts[0]);
          assertThat(slices.path(slice).path("accuracy").asDouble())
              .as(slice)
              .isCloseTo((double) counts[1] / counts[0], org.assertj.core.data.Offset.offset(1e-9));
        });
    assertThat(eval.out()).contains("written " + csv);
    // The ideal observer's ceiling counts the rows it could tell, in the report and the JSON.
    assertThat(eval.out())
        .contains("tells " + tellable + " of the " + rows.size() + " clips and guesses the rest: ");
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("eval.json").toFile())
                .path("results")
                .path(0)
                .path("tellableClips")
                .asInt())
        .isEqualTo(tellable);
    // The shipped model's calibrated track confidence, checked on the same clips.
    Matcher trust =
        Pattern.compile("track confidence, all (\\d+) clips .*Brier score ([0-9.]+), ROC AUC")
            .matcher(eval.out());
    assertThat(trust.find()).as(eval.out()).isTrue();
    assertThat(Integer.parseInt(trust.group(1))).isEqualTo(rows.size());
    assertThat(Double.parseDouble(trust.group(2))).isBetween(0.0, 1.0);
    assertThat(java.nio.file.Files.readString(dir.resolve("eval.json")))
        .contains("\"trackConfidence\"")
        .contains("\"lateralBrier\"");
    // The shipped FUSED track confidence (tracks of models without a learned tracker), too.
    Matcher fused =
        Pattern.compile("FUSED track confidence .*, all (\\d+) clips .*Brier score ([0-9.]+), ROC")
            .matcher(eval.out());
    assertThat(fused.find()).as(eval.out()).isTrue();
    assertThat(Integer.parseInt(fused.group(1))).isEqualTo(rows.size());
    assertThat(Double.parseDouble(fused.group(2))).isBetween(0.0, 1.0);
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("eval.json").toFile())
                .path("fusedTrackConfidence")
                .path("clips")
                .asInt())
        .isEqualTo(rows.size());
  }

  @Test
  void shouldFitTheFusedTrackConfidenceOnEveryEvaluatedClipWhenAskedTo() throws Exception {
    Path videos = dir.resolve("fused-fit");
    Path file = dir.resolve("fused-confidence.json");
    CliRun gen =
        run(
            "generate",
            "--out",
            videos.toString(),
            "--count",
            "3",
            "--seconds",
            "6",
            "--seed",
            "5");
    assertThat(gen.exit()).as(gen.err()).isZero();

    CliRun eval =
        run(
            "evaluate",
            "--model",
            "classical",
            "--size",
            "64",
            "--videos",
            videos.toString(),
            "--seed",
            "5",
            "--out",
            dir.resolve("fused-eval.json").toString(),
            "--fit-fused-confidence",
            file.toString());

    assertThat(eval.exit()).as(eval.err()).isZero();
    Matcher table = Pattern.compile("classical \\(ILD[^)]*\\)\\s+(\\d+)\\s").matcher(eval.out());
    assertThat(table.find()).as(eval.out()).isTrue();
    var written =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(file.toFile(), io.earshot.training.eval.TrackConfidence.FusedFile.class);
    // Fitted on every evaluated clip, with the inputs the job gives it, and checked on a fifth.
    assertThat(written.confidence().fitClips()).isEqualTo(Integer.parseInt(table.group(1)));
    assertThat(written.features()).isEqualTo(io.earshot.training.eval.TrackConfidence.FEATURES);
    assertThat(written.confidence().validationBrier()).isBetween(0.0, 1.0);
    assertThat(eval.out())
        .contains("FUSED track confidence fitted on ")
        .contains("written " + file);
    // Fitting replaces the check of the shipped one.
    assertThat(eval.out()).doesNotContain("FUSED track confidence (for models");
  }

  @Test
  void shouldTrainOnTheFirstNScenesAndCompleteMissingOnesWhenResumedAfterAKilledGeneration()
      throws Exception {
    Path out = dir.resolve("resumed");
    // A larger run's scenes of the same seed are already in the data directory.
    CliRun more =
        run(
            "generate",
            "--out",
            out.resolve("data").toString(),
            "--count",
            "5",
            "--seconds",
            "4",
            "--seed",
            "2");
    assertThat(more.exit()).as(more.err()).isZero();

    CliRun first =
        trainSmall("--generate", "3", "--seed", "2", "--config", "tiny", "--out", out.toString());

    assertThat(first.exit()).as(first.err()).isZero();
    java.util.Map<String, Object> training =
        io.earshot.training.release.ModelMetadata.read(out.resolve("model")).training();
    // 3 scenes of 4 s give 4 clips each (tiny's 1 s clips, 1 s hop): 12, not the 20 of all 5.
    assertThat(
            ((Number) training.get("trainClips")).intValue()
                + ((Number) training.get("validationClips")).intValue())
        .isEqualTo(12);

    // As if generation had been killed: one scene is gone when training is resumed.
    java.nio.file.Files.delete(out.resolve("data/scene-00002.mp4"));
    CliRun resumed =
        run(
            "train",
            "--generate",
            "3",
            "--seed",
            "2",
            "--config",
            "tiny",
            "--resume",
            "--out",
            out.toString(),
            "--seconds",
            "4",
            "--epochs",
            "2",
            "--batch",
            "4",
            "--eval-scenes",
            "0");

    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(out.resolve("data/scene-00002.mp4")).isNotEmptyFile();
    assertThat(resumed.err()).contains("epoch 2/2").doesNotContain("epoch 1/2");
    assertThat(
            io.earshot.training.release.ModelMetadata.read(out.resolve("model"))
                .training()
                .get("trainClips"))
        .isEqualTo(training.get("trainClips"));
  }

  @Test
  void shouldFineTuneATrainedModelAndRefuseAnotherNetworksWeightsWhenStartedFromIt()
      throws Exception {
    Path base = dir.resolve("base");
    CliRun first = trainSmall("--generate", "6", "--config", "tiny", "--out", base.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    String baseVersion =
        io.earshot.training.release.ModelMetadata.read(base.resolve("model")).version();

    CliRun tuned =
        trainSmall(
            "--generate",
            "6",
            "--seed",
            "2",
            "--config",
            "tiny",
            "--init-from",
            base.resolve("model").toString(),
            "--learning-rate",
            "0.002",
            "--out",
            dir.resolve("tuned").toString());

    assertThat(tuned.exit()).as(tuned.err()).isZero();
    java.util.Map<String, Object> training =
        io.earshot.training.release.ModelMetadata.read(dir.resolve("tuned/model")).training();
    assertThat(training)
        .containsEntry("initFrom", baseVersion)
        .containsEntry("learningRate", 0.002);

    CliRun wrong =
        trainSmall(
            "--generate",
            "6",
            "--config",
            "cpu-logmel",
            "--init-from",
            base.resolve("model").toString(),
            "--out",
            dir.resolve("wrong").toString());
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err().strip())
        .startsWith("earshot: --init-from")
        .contains("holds a 'tiny' network but this run trains 'cpu-logmel'")
        .doesNotContain("\n");
    // Said before generating anything.
    assertThat(java.nio.file.Files.exists(dir.resolve("wrong/data"))).isFalse();
  }

  @Test
  void shouldChainRecipeStagesAndKeepFinishedOnesWhenTheSameCommandRunsAgain() throws Exception {
    Path recipe = dir.resolve("tiny.recipe.json");
    java.nio.file.Files.writeString(
        recipe,
        """
        {"description": "two tiny stages", "config": "tiny", "seed": 5, "sceneSeconds": 4,
         "batch": 4, "evalScenes": 0,
         "stages": [{"scenes": 4, "epochs": 1, "hop": 1},
                    {"scenes": 6, "epochs": 1, "hop": 2, "learningRate": 0.002}]}
        """);
    Path out = dir.resolve("recipe-run");

    CliRun first = run("train", "--recipe", recipe.toString(), "--out", out.toString());

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.err())
        .contains("epoch 1/1")
        .contains("recipe stage 1 of 2: 4 scenes, 1 epochs")
        .contains("recipe stage 2 of 2: 6 scenes, 1 epochs, hop 2.0 s, learning rate 0.002");
    var stage1 = io.earshot.training.release.ModelMetadata.read(out.resolve("stage-1/model"));
    var stage2 = io.earshot.training.release.ModelMetadata.read(out.resolve("model"));
    // Stage 2 continued stage 1's model, on the first 6 scenes of the same seed.
    assertThat(stage1.training())
        .containsEntry("data", "4 generated scenes of 4 s, seed 5 (recipe stage 1 of 2)")
        .doesNotContainKey("initFrom");
    assertThat(stage2.training())
        .containsEntry("data", "6 generated scenes of 4 s, seed 5 (recipe stage 2 of 2)")
        .containsEntry("initFrom", stage1.version())
        .containsEntry("learningRate", 0.002);
    assertThat(java.nio.file.Files.exists(out.resolve("data/scene-00005.mp4"))).isTrue();
    assertThat(java.nio.file.Files.exists(out.resolve("data/scene-00006.mp4"))).isFalse();

    CliRun again = run("train", "--recipe", recipe.toString(), "--out", out.toString());

    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.err())
        .contains("recipe stage 1 of 2: 4 scenes, 1 epochs, hop 1.0 s, learning rate")
        .contains(": done in an earlier run, continuing from " + out.resolve("stage-1/model"))
        .doesNotContain("epoch 1/1");
    assertThat(io.earshot.training.release.ModelMetadata.read(out.resolve("model")).version())
        .isEqualTo(stage2.version());

    // A stage finished before descriptions dropped the recipe's file name is still recognised.
    Path stage1Meta = out.resolve("stage-1/model/earshot-model.json");
    java.nio.file.Files.writeString(
        stage1Meta,
        java.nio.file.Files.readString(stage1Meta)
            .replace("(recipe stage 1 of 2)", "(recipe tiny.recipe.json, stage 1 of 2)"));
    assertThat(java.nio.file.Files.readString(stage1Meta))
        .contains("seed 5 (recipe tiny.recipe.json, stage 1 of 2)");
    CliRun older = run("train", "--recipe", recipe.toString(), "--out", out.toString());
    assertThat(older.exit()).as(older.err()).isZero();
    assertThat(older.err())
        .contains(": done in an earlier run, continuing from " + out.resolve("stage-1/model"))
        .doesNotContain("epoch 1/1");

    // A run directory from another recipe is refused, not silently continued.
    String tiny = java.nio.file.Files.readString(recipe);
    java.nio.file.Files.writeString(recipe, tiny.replace("\"scenes\": 4,", "\"scenes\": 5,"));
    CliRun other = run("train", "--recipe", recipe.toString(), "--out", out.toString());
    assertThat(other.exit()).isEqualTo(2);
    assertThat(other.err().strip())
        .isEqualTo(
            "earshot: "
                + out.resolve("stage-1/model")
                + " holds a model that is not this recipe's stage 1 (data: 4 generated scenes of"
                + " 4 s, seed 5 (recipe stage 1 of 2) vs 5 generated scenes of 4 s, seed 5 (recipe"
                + " stage 1 of 2); the model's value first): give a fresh --out");
    // So is one whose stages match in everything but the network.
    java.nio.file.Files.writeString(
        recipe, tiny.replace("\"config\": \"tiny\"", "\"config\": \"cpu\""));
    CliRun otherNet = run("train", "--recipe", recipe.toString(), "--out", out.toString());
    assertThat(otherNet.exit()).isEqualTo(2);
    assertThat(otherNet.err())
        .contains("holds a model that is not this recipe's stage 1 (config: tiny vs cpu;");

    CliRun mixed =
        run("train", "--recipe", recipe.toString(), "--epochs", "3", "--out", out.toString());
    assertThat(mixed.exit()).isEqualTo(2);
    assertThat(mixed.err().strip())
        .isEqualTo(
            "earshot: --epochs cannot be given with --recipe, which sets it: edit a copy of the"
                + " recipe");
  }

  @Test
  void shouldTrainARecipeStageOnAnotherSeedsScenesKeptApart() throws Exception {
    Path recipe = dir.resolve("seeds.recipe.json");
    java.nio.file.Files.writeString(
        recipe,
        """
        {"description": "new scenes in stage 2", "config": "tiny", "seed": 5, "sceneSeconds": 4,
         "batch": 4, "evalScenes": 0,
         "stages": [{"scenes": 4, "epochs": 1, "hop": 1},
                    {"scenes": 3, "epochs": 1, "hop": 2, "seed": 6}]}
        """);
    Path out = dir.resolve("seeds-run");

    CliRun first = run("train", "--recipe", recipe.toString(), "--out", out.toString());

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.err()).contains("recipe stage 2 of 2: 3 scenes, 1 epochs, hop 2.0 s,");
    assertThat(first.err()).containsPattern("recipe stage 2 of 2: [^\\n]*, seed 6\\b");
    var stage1 = io.earshot.training.release.ModelMetadata.read(out.resolve("stage-1/model"));
    var stage2 = io.earshot.training.release.ModelMetadata.read(out.resolve("model"));
    assertThat(stage2.training())
        .containsEntry("data", "3 generated scenes of 4 s, seed 6 (recipe stage 2 of 2)")
        .containsEntry("initFrom", stage1.version());
    assertThat(((Number) stage2.training().get("seed")).longValue()).isEqualTo(6L);
    // Each seed's scenes in their own directory: the recipe's seed keeps the plain name.
    assertThat(java.nio.file.Files.exists(out.resolve("data/scene-00003.mp4"))).isTrue();
    assertThat(java.nio.file.Files.exists(out.resolve("data-seed-6/scene-00002.mp4"))).isTrue();
    assertThat(java.nio.file.Files.exists(out.resolve("data-seed-6/scene-00003.mp4"))).isFalse();

    CliRun again = run("train", "--recipe", recipe.toString(), "--out", out.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.err())
        .contains(": done in an earlier run, continuing from " + out.resolve("stage-1/model"))
        .doesNotContain("epoch 1/1");
    assertThat(io.earshot.training.release.ModelMetadata.read(out.resolve("model")).version())
        .isEqualTo(stage2.version());
  }

  /** {@code earshot train args...} on a few short scenes for one epoch, without a held-out set. */
  private static CliRun trainSmall(String... args) {
    String[] small = {"--seconds", "4", "--epochs", "1", "--batch", "4", "--eval-scenes", "0"};
    String[] all = new String[1 + args.length + small.length];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    System.arraycopy(small, 0, all, 1 + args.length, small.length);
    return run(all);
  }
}
