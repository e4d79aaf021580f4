package io.earshot.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.Split;
import io.earshot.training.eval.BinaryMetrics;
import io.earshot.training.model.ClipBatch;
import io.earshot.training.model.ModelSignatures;
import io.earshot.training.model.NetConfig;
import io.earshot.training.model.TfTrainer;
import io.earshot.training.release.InputContract;
import io.earshot.training.release.ModelFiles;
import io.earshot.training.release.ModelMetadata;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Trains the spatial alignment network on a {@link ClipDataset}: graph-mode SGD with momentum,
 * linear warm-up then cosine learning-rate decay, weight decay, validation after every epoch,
 * checkpoints (resumable), a progress bar with loss and validation accuracy, and a training-curve
 * PNG. Ends by exporting the best-validation weights as a SavedModel with Earshot metadata.
 *
 * <p>Labels are drawn afresh each epoch: every training clip is decoded once, kept aligned (in a
 * file) and gets a random swap (the label) and a random joint mirroring per epoch (see {@link
 * ClipCache}).
 */
public final class TrainingRun {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Per-epoch record of the history file. */
  public record Epoch(
      int epoch, int steps, double trainLoss, double valAccuracy, double valAuc, double seconds) {}

  /** Outcome of a run. */
  public record Outcome(Path modelDir, double valAccuracy, double valAuc, List<Epoch> history) {}

  private final TrainingOptions options;
  private final ClipDataset dataset;
  private final String dataDescription;

  public TrainingRun(TrainingOptions options, ClipDataset dataset, String dataDescription) {
    this.options = options;
    this.dataset = dataset;
    this.dataDescription = dataDescription;
  }

  /** The clip shape a network config consumes. */
  public static ClipSpec clipSpec(NetConfig c) {
    return new ClipSpec(
        c.clipSeconds(), c.frameRate(), c.frameSize(), c.frameSize(), c.frontEnd().sampleRate());
  }

  public Outcome run() throws IOException {
    NetConfig config = options.config();
    Path out = Files.createDirectories(options.out());
    Path checkpoints = Files.createDirectories(out.resolve("checkpoints"));
    Start initFrom = options.initFrom() == null ? null : startingPoint(options.initFrom(), config);
    RunIdentity identity = identity(initFrom);
    boolean resuming = options.resume() && Files.exists(out.resolve("history.json"));
    if (resuming) {
      // Checked before the clips load (minutes on a big run), so a wrong option fails at once.
      checkResumable(out, identity);
    } else {
      identity.write(out);
    }
    int rows = config.framesPerClip() * config.frameSize();
    int width = config.frameSize();
    int audioFloats = config.samplesPerClip() * 2;
    try (ClipCache train =
            new ClipCache(out.resolve("clips-train.cache"), rows, width, audioFloats);
        ClipCache validation =
            new ClipCache(out.resolve("clips-validation.cache"), rows, width, audioFloats)) {
      load(train, validation, out);
      return train(out, checkpoints, initFrom, resuming, train, validation);
    }
  }

  /** This run's identity, as its run file and its model's metadata record it. */
  private RunIdentity identity(Start initFrom) {
    return new RunIdentity(
        options.config().name(),
        dataDescription,
        dataset.config().hopSeconds(),
        options.seed(),
        options.batchSize(),
        (double) options.learningRate(),
        options.epochs(),
        initFrom == null ? "" : initFrom.metadata().version(),
        options.freezeInherited() ? initFrom.metadata().config() : "",
        options.averageFrom());
  }

  /**
   * Refuses to resume checkpoints written by a different run: restoring them would either fail deep
   * in TensorFlow (another network) or silently continue another schedule on other data.
   * Checkpoints from before run files existed are resumed unchecked.
   */
  private static void checkResumable(Path out, RunIdentity identity) {
    if (!Files.exists(out.resolve(RunIdentity.FILE_NAME))) {
      LOG.warn(
          "{} has no {}: resuming its checkpoints without checking they come from this run",
          out,
          RunIdentity.FILE_NAME);
      return;
    }
    // Null fields are not compared: the resumed run's open ones (epochs, an unsaid start).
    List<String> differences = identity.forResume().differences(RunIdentity.read(out));
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(
          String.format(
              "cannot resume %s: its checkpoints come from a different run (%s; the"
                  + " checkpoints' value first): resume with the options it was started with, or"
                  + " give a fresh --out",
              out, String.join("; ", differences)));
    }
  }

  private Outcome train(
      Path out,
      Path checkpoints,
      Start initFrom,
      boolean resuming,
      ClipCache train,
      ClipCache validation)
      throws IOException {
    NetConfig config = options.config();
    if (train.size() < options.batchSize()) {
      throw new IllegalArgumentException(
          "only "
              + train.size()
              + " training clips (need at least one batch of "
              + options.batchSize()
              + "): give more or longer videos");
    }
    int stepsPerEpoch = train.size() / options.batchSize();
    int totalSteps = stepsPerEpoch * options.epochs();
    List<Epoch> history = new ArrayList<>();
    List<double[]> losses = new ArrayList<>();
    int startEpoch = 0;
    double bestAcc = -1;
    double bestAuc = Double.NaN;
    // 0: the starting model's weights (a run with --init-from that no epoch improved on).
    int bestEpoch = -1;
    Double startAcc = null;
    Path startFile = out.resolve(START_FILE);
    if (!resuming) {
      Files.deleteIfExists(startFile);
    }
    Path best = checkpoints.resolve("best");
    try (TfTrainer trainer =
        options.freezeInherited()
            ? TfTrainer.createFrozen(config, NetConfig.byName(initFrom.metadata().config()))
            : TfTrainer.create(config)) {
      if (initFrom != null && !resuming) {
        restoreWeights(trainer, initFrom);
        LOG.info(
            "starting from the weights of model {} ({})",
            initFrom.metadata().version(),
            initFrom.directory());
        // Scored first on the same validation clips, so the run exports the starting weights
        // unless an epoch does better on them: continuing a model must not make it worse.
        double[] start = validate(trainer, validation);
        if (!Double.isNaN(start[0])) {
          startAcc = start[0];
          bestAcc = start[0];
          bestAuc = start[1];
          bestEpoch = 0;
          trainer.saveCheckpoint(best);
          JSON.writeValue(startFile.toFile(), Map.of("valAccuracy", start[0], "valAuc", start[1]));
          System.err.printf(
              "starting point: validation accuracy %.1f%% (AUC %.3f) on %d clips%n",
              100 * start[0], start[1], validation.size());
        }
      }
      if (resuming) {
        Epoch[] done = JSON.readValue(out.resolve("history.json").toFile(), Epoch[].class);
        if (done.length > 0 && done[0].steps() != stepsPerEpoch) {
          throw new IllegalArgumentException(
              String.format(
                  "cannot resume %s: its epochs took %d steps but the %d training clips here make"
                      + " %d steps of %d: the training data changed since it started; restore"
                      + " the data it was started on, or give a fresh --out",
                  out, done[0].steps(), train.size(), stepsPerEpoch, options.batchSize()));
        }
        history.addAll(List.of(done));
        startEpoch = done.length;
        trainer.restoreCheckpoint(checkpoints.resolve("last"));
        if (Files.exists(startFile)) {
          Map<?, ?> start = JSON.readValue(startFile.toFile(), Map.class);
          startAcc = ((Number) start.get("valAccuracy")).doubleValue();
          bestAcc = startAcc;
          bestAuc = ((Number) start.get("valAuc")).doubleValue();
          bestEpoch = 0;
        }
        for (Epoch e : history) {
          if (e.valAccuracy() > bestAcc) {
            bestAcc = e.valAccuracy();
            bestAuc = e.valAuc();
            bestEpoch = e.epoch();
          }
        }
        LOG.info("resumed after epoch {} (best validation accuracy {})", startEpoch, bestAcc);
      }
      int frameBytes = train.frameBytes();
      int audioFloats = train.audioSamples();
      ClipCache.Reader reader = train.reader();
      List<Variable<TFloat32>> weights = trainer.net().trainable();
      Path averageFile = checkpoints.resolve(AVERAGE_FILE);
      WeightAverage average = null;
      if (options.averages()) {
        float[][] current = trainer.values(weights);
        average =
            resuming && Files.exists(averageFile)
                ? WeightAverage.load(averageFile, current)
                : WeightAverage.of(current);
      }
      if (!resuming) {
        Files.deleteIfExists(averageFile);
      }
      for (int epoch = startEpoch; epoch < options.epochs(); epoch++) {
        long t0 = System.nanoTime();
        Random random = new Random(options.seed() * 1_000_003L + epoch);
        int[] order = shuffled(train.size(), random);
        double lossSum = 0;
        try (ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName(String.format("epoch %d/%d", epoch + 1, options.epochs()))
                .setInitialMax(stepsPerEpoch)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(1000)
                .build()) {
          for (int s = 0; s < stepsPerEpoch; s++) {
            int b = options.batchSize();
            byte[] f = new byte[b * frameBytes];
            float[] a = new float[b * audioFloats];
            float[] labels = new float[b];
            for (int i = 0; i < b; i++) {
              int idx = order[s * b + i];
              boolean swapped = random.nextBoolean();
              boolean mirror = random.nextBoolean();
              reader.read(idx).copyFrames(f, i * frameBytes, mirror);
              reader.copyAudio(a, i * audioFloats, swapped ^ mirror);
              labels[i] = swapped ? 1f : 0f;
            }
            int step = epoch * stepsPerEpoch + s;
            float lr =
                options.averages()
                    ? averagingRate(options.learningRate(), step, options.warmupSteps())
                    : learningRate(options.learningRate(), step, totalSteps, options.warmupSteps());
            float loss = trainer.step(new ClipBatch(b, f, a, labels), lr);
            if (!Float.isFinite(loss)) {
              throw new IllegalStateException(
                  "training diverged at step "
                      + step
                      + " (loss "
                      + loss
                      + "): lower the learning rate");
            }
            lossSum += loss;
            losses.add(new double[] {step, loss});
            if (average != null
                && epoch + 1 >= options.averageFrom()
                && sampleStep(s, stepsPerEpoch)) {
              average.add(trainer.values(weights));
            }
            bar.step();
            bar.setExtraMessage(
                String.format(
                    " loss %.3f lr %.4f%s",
                    lossSum / (s + 1),
                    lr,
                    history.isEmpty()
                        ? ""
                        : String.format(
                            " val acc %.1f%%",
                            100 * history.get(history.size() - 1).valAccuracy())));
          }
        }
        double[] val = validate(trainer, validation);
        Epoch e =
            new Epoch(
                epoch + 1,
                stepsPerEpoch,
                lossSum / stepsPerEpoch,
                val[0],
                val[1],
                (System.nanoTime() - t0) / 1e9);
        history.add(e);
        trainer.saveCheckpoint(checkpoints.resolve("last"));
        if (average != null && average.count() > 0) {
          average.save(averageFile);
        }
        // A run that averages exports the average, not one of the epochs it averages over.
        if (average == null && val[0] > bestAcc) {
          bestAcc = val[0];
          bestAuc = val[1];
          bestEpoch = epoch + 1;
          trainer.saveCheckpoint(best);
        }
        JSON.writeValue(out.resolve("history.json").toFile(), history);
        System.err.printf(
            "epoch %d: loss %.4f, validation accuracy %.1f%% (AUC %.3f) on %d clips, %.0f s%n",
            e.epoch(),
            e.trainLoss(),
            100 * e.valAccuracy(),
            e.valAuc(),
            validation.size(),
            e.seconds());
        chart(history, losses, out.resolve("training-curve.png"));
      }
      if (average != null) {
        averaged = average(trainer, weights, average, train, validation, out);
        boolean keepStart = startAcc != null && !(averaged.valAccuracy() > startAcc);
        Path averagedDir = out.resolve(AVERAGED_MODEL_DIR);
        deleteRecursively(averagedDir);
        if (keepStart) {
          // The starting model goes to model/; the average is kept beside it to evaluate.
          trainer.export(averagedDir);
          writeMetadata(
              averagedDir,
              config,
              initFrom,
              averaged.valAccuracy(),
              averaged.valAuc(),
              train.size(),
              validation.size(),
              startAcc,
              options.epochs());
          System.err.printf(
              "the averaged weights did not beat the starting model's validation accuracy"
                  + " (%.1f%%): %s keeps the starting weights, %s holds the averaged ones%n",
              100 * startAcc, out.resolve("model"), averagedDir);
          trainer.restoreCheckpoint(best);
        } else {
          bestAcc = averaged.valAccuracy();
          bestAuc = averaged.valAuc();
          bestEpoch = options.epochs();
        }
      } else if (Files.exists(checkpoints.resolve("best.index"))) {
        trainer.restoreCheckpoint(best);
      }
      Path modelDir = out.resolve("model");
      deleteRecursively(modelDir);
      trainer.export(modelDir);
      if (bestEpoch == 0 && averaged == null) {
        System.err.printf(
            "no epoch beat the starting model's validation accuracy (%.1f%%): the exported model"
                + " keeps its weights%n",
            100 * bestAcc);
      }
      writeMetadata(
          modelDir,
          config,
          initFrom,
          bestAcc,
          bestAuc,
          train.size(),
          validation.size(),
          startAcc,
          bestEpoch);
      return new Outcome(modelDir, bestAcc, bestAuc, history);
    }
  }

  /** The starting model's validation accuracy and AUC, in a run directory (--init-from runs). */
  static final String START_FILE = "start.json";

  /** The running weight average of a run that averages, beside its checkpoints. */
  static final String AVERAGE_FILE = "average.bin";

  /** What the averaged weights scored, in the run directory of a run that averages. */
  static final String AVERAGED_FILE = "averaged.json";

  /**
   * Where a run that averages exports the averaged weights when they did not beat the starting
   * model on validation (and the starting weights go to model/), so they can still be evaluated.
   */
  public static final String AVERAGED_MODEL_DIR = "averaged-model";

  /** Training batches whose statistics the averaged weights' batch norms are set from. */
  static final int STATISTIC_BATCHES = 200;

  /** The weights a run averaged, and what they scored. */
  record Averaged(
      int fromEpoch, int samples, int statisticBatches, double valAccuracy, double valAuc) {}

  private Averaged averaged;

  /**
   * Sets the trainer's weights to {@code average}'s mean, its batch-norm statistics to those of up
   * to {@value #STATISTIC_BATCHES} training batches (drawn, swapped and mirrored as training does)
   * under those weights, validates it, and records the result in {@value #AVERAGED_FILE}.
   */
  private Averaged average(
      TfTrainer trainer,
      List<Variable<TFloat32>> weights,
      WeightAverage average,
      ClipCache train,
      ClipCache validation,
      Path out)
      throws IOException {
    trainer.assign(weights, average.mean());
    ClipCache.Reader reader = train.reader();
    int trainClips = train.size();
    int b = options.batchSize();
    int batches = Math.min(STATISTIC_BATCHES, trainClips / b);
    Random random = new Random(options.seed() * 1_000_003L - 1);
    int[] order = shuffled(trainClips, random);
    int frameBytes = train.frameBytes();
    int audioFloats = train.audioSamples();
    List<ClipBatch> sample = new ArrayList<>();
    for (int s = 0; s < batches; s++) {
      byte[] f = new byte[b * frameBytes];
      float[] a = new float[b * audioFloats];
      for (int i = 0; i < b; i++) {
        boolean mirror = random.nextBoolean();
        reader.read(order[s * b + i]).copyFrames(f, i * frameBytes, mirror);
        reader.copyAudio(a, i * audioFloats, random.nextBoolean() ^ mirror);
      }
      sample.add(new ClipBatch(b, f, a, null));
    }
    trainer.preciseStatistics(sample);
    double[] val = validate(trainer, validation);
    Averaged result = new Averaged(options.averageFrom(), average.count(), batches, val[0], val[1]);
    JSON.writeValue(out.resolve(AVERAGED_FILE).toFile(), result);
    System.err.printf(
        "weights averaged over %d samples from epoch %d on, batch-norm statistics from %d"
            + " batches: validation accuracy %.1f%% (AUC %.3f) on %d clips%n",
        result.samples(), result.fromEpoch(), batches, 100 * val[0], val[1], validation.size());
    return result;
  }

  /** Metadata key: the config whose layers a run kept frozen, absent when it trained them all. */
  static final String FROZEN = "frozen";

  /** A model whose weights a run starts from, checked against the run's network. */
  public record Start(Path directory, ModelMetadata metadata) {}

  /**
   * Checks that the model in {@code dir} is intact (its sha256 digests) and was built from the same
   * network config as this run, so its variables restore one for one into the training graph, or
   * from one this run's config {@linkplain NetConfig#widens widens}.
   */
  public static Start startingPoint(Path dir, NetConfig config) {
    ModelMetadata meta;
    try {
      meta = ModelFiles.verify(dir, null);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--init-from " + dir + " is not a usable Earshot model: " + e.getMessage(), e);
    }
    if (!config.name().equals(meta.config()) && !widens(config, meta.config())) {
      throw new IllegalArgumentException(
          String.format(
              "--init-from %s holds a '%s' network but this run trains '%s': pass --config %s or"
                  + " start from a '%s' model",
              dir, meta.config(), config.name(), meta.config(), config.name()));
    }
    return new Start(dir, meta);
  }

  /**
   * Restores a checked model's variables into the trainer: an exported SavedModel's variables are a
   * checkpoint of the training graph it came from (weights, momentum, batch-norm statistics).
   */
  static void restoreWeights(TfTrainer trainer, Start start) {
    Path prefix = start.directory().resolve("variables").resolve("variables");
    // A run with frozen layers saved momentum for its new layers only, so a plain restore into a
    // trainer of every layer would miss the rest; the copy by name takes weights and statistics.
    boolean partialMomentum = start.metadata().training().get(FROZEN) != null;
    boolean same = trainer.config().name().equals(start.metadata().config());
    if (same && !partialMomentum) {
      trainer.restoreCheckpoint(prefix);
    } else {
      trainer.widenFrom(
          prefix, same ? trainer.config() : NetConfig.byName(start.metadata().config()));
    }
  }

  private static boolean widens(NetConfig config, String source) {
    try {
      return config.widens(NetConfig.byName(source));
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }

  private void load(ClipCache train, ClipCache validation, Path out) {
    long t0 = System.nanoTime();
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("load clips")
            .setInitialMax(dataset.videos().size())
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
            .build()) {
      int[] done = {0};
      int videos = dataset.videos().size();
      dataset.forEach(
          Split.TRAIN,
          0,
          train::add,
          n -> {
            bar.stepTo(++done[0]);
            if (done[0] == Math.min(20, videos)) {
              checkDisk(train.bytesOnDisk(), done[0], videos, out, usableSpace(out));
            }
          });
      dataset.forEach(Split.VALIDATION, 0, validation::add, n -> bar.stepTo(++done[0]));
    }
    LOG.info(
        "loaded {} training and {} validation clips in {} s; skipped: {}",
        train.size(),
        validation.size(),
        Math.round((System.nanoTime() - t0) / 1e9),
        dataset.report().skipped().size());
  }

  /**
   * Fails before the disk fills: the clips of the first {@code loaded} videos (already written),
   * scaled to all {@code videos}, must fit in the free space of the run directory's disk.
   */
  static void checkDisk(long bytesSoFar, int loaded, int videos, Path out, long usable) {
    double need = bytesSoFar / (double) loaded * videos;
    double more = need - bytesSoFar;
    long gib = 1L << 30;
    if (more > usable - gib) {
      throw new IllegalStateException(
          String.format(
              "the decoded clips of %d videos need about %.1f GiB next to %s (%.0f MiB per video"
                  + " so far) but its disk has %.1f GiB free: free some space, pass an --out on a"
                  + " larger disk, or train on fewer or shorter videos",
              videos,
              need / gib,
              out,
              bytesSoFar / (double) loaded / (1 << 20),
              usable / (double) gib));
    }
  }

  private static long usableSpace(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the free space of " + dir + ": " + e, e);
    }
  }

  /** The rate of a run that averages weights: linear warm-up, then constant at {@code base}. */
  static float averagingRate(float base, int step, int warmup) {
    return step < warmup ? base * (step + 1) / warmup : base;
  }

  /**
   * True after the steps at which a run that averages samples its weights: {@value
   * TrainingOptions#AVERAGE_SAMPLES_PER_EPOCH} evenly spaced steps of each epoch, the last one
   * among them (all steps of a shorter epoch).
   */
  static boolean sampleStep(int step, int stepsPerEpoch) {
    int k = TrainingOptions.AVERAGE_SAMPLES_PER_EPOCH;
    return (long) (step + 1) * k / stepsPerEpoch > (long) step * k / stepsPerEpoch
        || stepsPerEpoch < k;
  }

  static float learningRate(float base, int step, int total, int warmup) {
    if (step < warmup) {
      return base * (step + 1) / warmup;
    }
    double progress = (step - warmup) / (double) Math.max(1, total - warmup);
    return (float) (base * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
  }

  private static int[] shuffled(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** [accuracy, AUC] on the validation clips (their labels are fixed by the dataset). */
  static double[] validate(TfTrainer trainer, ClipCache clips) {
    if (clips.size() == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    BinaryMetrics m = new BinaryMetrics();
    int batch = 32;
    int frameBytes = clips.frameBytes();
    int audioFloats = clips.audioSamples();
    ClipCache.Reader reader = clips.reader();
    for (int from = 0; from < clips.size(); from += batch) {
      int n = Math.min(batch, clips.size() - from);
      byte[] f = new byte[n * frameBytes];
      float[] a = new float[n * audioFloats];
      for (int i = 0; i < n; i++) {
        reader.read(from + i).copyFrames(f, i * frameBytes, false);
        reader.copyAudio(a, i * audioFloats, clips.swapped(from + i));
      }
      float[] p = trainer.predict(new ClipBatch(n, f, a, null));
      for (int i = 0; i < n; i++) {
        m.add(clips.swapped(from + i), p[i]);
      }
    }
    return new double[] {m.accuracy(), m.rocAuc()};
  }

  private void writeMetadata(
      Path modelDir,
      NetConfig config,
      Start initFrom,
      double acc,
      double auc,
      int trainClips,
      int valClips,
      Double startAcc,
      int bestEpoch) {
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("data", dataDescription);
    training.put("seed", options.seed());
    training.put("epochs", options.epochs());
    training.put("batch", options.batchSize());
    training.put("trainClips", trainClips);
    training.put("validationClips", valClips);
    training.put("learningRate", options.learningRate());
    training.put("hopSeconds", dataset.config().hopSeconds());
    if (initFrom != null) {
      training.put("initFrom", initFrom.metadata().version());
      training.put("initFromData", initFrom.metadata().training().get("data"));
    }
    if (options.freezeInherited()) {
      training.put(FROZEN, initFrom.metadata().config());
    }
    if (startAcc != null) {
      training.put("startValidationAccuracy", startAcc);
    }
    // The epoch whose weights were exported: 0 for the starting model's, the last one when
    // there were no validation clips to choose by.
    training.put("exportedEpoch", bestEpoch >= 0 ? bestEpoch : options.epochs());
    if (averaged != null) {
      training.put("averageFrom", averaged.fromEpoch());
      training.put("averagedSamples", averaged.samples());
      training.put("averagedValidationAccuracy", averaged.valAccuracy());
      // Whether model/ holds the average (or the starting weights, which it did not beat).
      training.put("averagedExported", bestEpoch == options.epochs() || startAcc == null);
    }
    training.put("weightDecay", config.weightDecay());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("validation_accuracy", acc);
    metrics.put("validation_roc_auc", auc);
    String version =
        config.name() + "-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
    ModelMetadata meta =
        new ModelMetadata(
            1,
            "flip-detector",
            version,
            config.name(),
            Instant.now().toString(),
            new InputContract(
                config.clipSeconds(),
                config.frameRate(),
                config.framesPerClip(),
                config.frameSize(),
                config.frameSize(),
                config.frontEnd().sampleRate(),
                config.inputAudioChannels()),
            ModelSignatures.FLIP,
            ModelSignatures.EMBED,
            training,
            metrics,
            Map.of());
    meta.withFiles(ModelFiles.hashes(modelDir)).write(modelDir);
  }

  private static void chart(List<Epoch> history, List<double[]> losses, Path png) {
    try {
      XYChart chart =
          new XYChartBuilder()
              .width(900)
              .height(500)
              .title("Earshot training")
              .xAxisTitle("step")
              .yAxisTitle("loss / validation accuracy")
              .build();
      int window = Math.max(1, losses.size() / 200);
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i + window <= losses.size(); i += window) {
        double sum = 0;
        for (int k = i; k < i + window; k++) {
          sum += losses.get(k)[1];
        }
        xs.add(losses.get(i + window - 1)[0]);
        ys.add(sum / window);
      }
      if (!xs.isEmpty()) {
        chart
            .addSeries("training loss", xs, ys)
            .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
      }
      List<Double> ex = new ArrayList<>();
      List<Double> ey = new ArrayList<>();
      for (Epoch e : history) {
        ex.add((double) e.epoch() * e.steps());
        ey.add(e.valAccuracy());
      }
      XYSeries acc = chart.addSeries("validation accuracy", ex, ey);
      acc.setLineColor(new Color(0, 140, 70));
      BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not draw the training curve: {}", e.toString());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
