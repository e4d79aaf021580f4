package io.earshot.flink.inference;

import io.earshot.avro.ClipPrediction;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.ModelRelease;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.SourceTrack;
import io.earshot.avro.TrackingMethod;
import io.earshot.domain.ClassicalFlipDetector;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.serde.TrustedAvroClasses;
import io.earshot.training.data.Clip;
import io.earshot.training.eval.TrackConfidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Batches clips across streams by size and time and runs the model once per batch, emitting one
 * prediction (and one source track) per clip. No-signal clips skip the model. The pending batch is
 * part of the checkpoint, so a restore neither loses nor repeats clips.
 *
 * <p>The model is owned here: created in {@link #open}, closed in {@link #close}.
 */
public class InferenceFunction
    extends KeyedBroadcastProcessFunction<Integer, ClipJob, KafkaBytes, OutRecord>
    implements CheckpointedFunction {

  /** The latest accepted release, so a restarted job serves it again. */
  public static final MapStateDescriptor<String, byte[]> RELEASES =
      new MapStateDescriptor<>("model-release", String.class, byte[].class);

  /** The model family this job serves. */
  public static final String MODEL_NAME = "flip-detector";

  private static final long serialVersionUID = 1L;

  private final String model;
  private final String registryUrl;
  private final int maxBatch;
  private final long maxWaitMillis;
  private final double clipSeconds;
  private final double fps;
  private final int width;
  private final int height;
  private final int sampleRate;
  private transient io.earshot.training.data.ClipSpec shape;
  private transient ClipModel runtime;
  private transient List<ClipJob> pending;
  private transient ListState<ClipJob> pendingState;
  private transient AvroSerializer<ClipPrediction> predictions;
  private transient AvroSerializer<SourceTrack> tracks;
  private transient Counter clips;
  private transient Histogram batchSizes;
  private transient Histogram inferenceMillis;
  private transient Histogram endToEndMillis;
  private transient Counter prepareMicros;
  private transient Counter modelMicros;
  private transient Counter classicalMicros;
  private transient Counter emitMicros;
  // Set in open(): a transient field's initialiser does not run when Flink deserialises the
  // function, it would be 0 and no batch timer would ever be registered.
  private transient long timerAt;
  private transient int threads;
  private transient java.util.Set<String> versionGauges;
  private transient AvroDeserializer<ModelRelease> releases;
  private transient AvroSerializer<DeadLetter> deadLetters;
  private transient Counter rejected;
  private transient Counter swapped;
  private transient String servingSha;
  private transient List<Clip> validationClips;
  private transient io.earshot.training.data.ClipSpec validationSpec;

  /**
   * @param clips the shape the job assembles clips in and decodes their frames to: the model
   *     served, and every release swapped in, must take it (the classical detector takes any)
   */
  public InferenceFunction(
      String model,
      String registryUrl,
      int maxBatch,
      long maxWaitMillis,
      io.earshot.training.data.ClipSpec clips) {
    this.model = model;
    this.registryUrl = registryUrl;
    this.maxBatch = maxBatch;
    this.maxWaitMillis = maxWaitMillis;
    this.clipSeconds = clips.seconds();
    this.fps = clips.fps();
    this.width = clips.width();
    this.height = clips.height();
    this.sampleRate = clips.sampleRate();
  }

  @Override
  public void open(OpenContext context) {
    TrustedAvroClasses.install();
    timerAt = Long.MIN_VALUE;
    // Size TensorFlow's pool to this instance's share of the machine: parallel instances in one
    // TaskManager would otherwise each start a pool as wide as all cores.
    threads =
        Math.max(
            1,
            Runtime.getRuntime().availableProcessors()
                / Math.max(1, getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks()));
    shape = new io.earshot.training.data.ClipSpec(clipSeconds, fps, width, height, sampleRate);
    runtime = ClipModel.open(model, threads);
    if (!runtime.version().equals("classical") && !runtime.spec().equals(shape)) {
      String served = runtime.spec().toString();
      runtime.close();
      throw new IllegalArgumentException(
          "model " + model + " takes clips of " + served + "; the job assembles " + shape);
    }
    SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
    releases = new AvroDeserializer<>(registry, ModelRelease.class);
    deadLetters = new AvroSerializer<>(registry, false);
    predictions = new AvroSerializer<>(registry, false);
    tracks = new AvroSerializer<>(registry, false);
    var group = getRuntimeContext().getMetricGroup();
    clips = group.counter("earshot_clips");
    batchSizes =
        group.histogram("earshot_inference_batch_size", new DescriptiveStatisticsHistogram(1000));
    inferenceMillis =
        group.histogram("earshot_inference_latency_ms", new DescriptiveStatisticsHistogram(1000));
    endToEndMillis =
        group.histogram("earshot_end_to_end_ms", new DescriptiveStatisticsHistogram(1000));
    // Where the operator's time goes, cumulative: clip inputs, the network, the classical tracker,
    // building and serialising the outputs.
    prepareMicros = group.counter("earshot_inference_prepare_micros");
    modelMicros = group.counter("earshot_inference_model_micros");
    classicalMicros = group.counter("earshot_inference_classical_micros");
    emitMicros = group.counter("earshot_inference_emit_micros");
    rejected = group.counter("earshot_model_rejected");
    versionGauges = new java.util.HashSet<>();
    registerVersionGauge(runtime.version());
    swapped = group.counter("earshot_model_swaps");
    group.gauge("earshot_model_loaded_at", () -> loadedAt);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    pendingState =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>("pending-clips", TypeInformation.of(ClipJob.class)));
    pending = new ArrayList<>();
    for (ClipJob j : pendingState.get()) {
      pending.add(j);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    pendingState.update(new ArrayList<>(pending));
  }

  private transient long loadedAt;

  /**
   * A new release: load it beside the serving model, check its files, contract and built-in
   * validation clips, then swap it in between two batches. A bad release is rejected with a dead
   * letter and a metric while the old model keeps serving.
   */
  @Override
  public void processBroadcastElement(KafkaBytes record, Context ctx, Collector<OutRecord> out)
      throws Exception {
    ModelRelease release;
    try {
      release = releases.deserialize(record.topic, record.value);
    } catch (RuntimeException e) {
      reject(null, "unreadable model release: " + e.getMessage(), record, out);
      return;
    }
    if (!MODEL_NAME.equals(release.getModelName()) || release.getSha256().equals(servingSha)) {
      return;
    }
    String problem = accept(release);
    if (problem != null) {
      reject(release, problem, record, out);
      return;
    }
    BroadcastState<String, byte[]> state = ctx.getBroadcastState(RELEASES);
    state.put(MODEL_NAME, record.value);
  }

  private String accept(ModelRelease release) {
    ClipModel candidate;
    try {
      candidate =
          ClipModel.openRelease(
              java.net.URI.create(release.getUri()), release.getSha256(), threads);
    } catch (RuntimeException e) {
      return "cannot load " + release.getVersion() + ": " + e.getMessage();
    }
    try {
      io.earshot.training.data.ClipSpec spec = candidate.spec();
      if (!spec.equals(shape)) {
        candidate.close();
        return "input contract "
            + spec
            + " differs from the clips this job assembles and decodes frames to, "
            + shape
            + "; deploy it with a job restart";
      }
      if (validationClips == null || !spec.equals(validationSpec)) {
        validationClips = ModelValidation.clips(spec);
        validationSpec = spec;
      }
      String failure = ModelValidation.check(candidate.scorer(), validationClips);
      if (failure != null) {
        candidate.close();
        return release.getVersion() + " " + failure;
      }
    } catch (RuntimeException e) {
      candidate.close();
      return "cannot validate " + release.getVersion() + ": " + e.getMessage();
    }
    // The swap is atomic for the data path: this operator is single-threaded and batches are
    // scored wholly by one model, so no clip is lost or scored twice.
    ClipModel old = runtime;
    runtime = candidate;
    servingSha = release.getSha256();
    loadedAt = System.currentTimeMillis();
    swapped.inc();
    registerVersionGauge(candidate.version());
    old.close();
    return null;
  }

  /**
   * {@code earshot_model_active{model_version=...}}: 1 for the version serving now, 0 for versions
   * served before (Flink metric groups cannot be removed, so old versions report 0).
   */
  private void registerVersionGauge(String version) {
    if (versionGauges.add(version)) {
      getRuntimeContext()
          .getMetricGroup()
          .addGroup("model_version", version)
          .gauge("earshot_model_active", () -> runtime.version().equals(version) ? 1 : 0);
    }
  }

  private void reject(
      ModelRelease release, String reason, KafkaBytes record, Collector<OutRecord> out) {
    rejected.inc();
    DeadLetter d =
        DeadLetter.newBuilder()
            .setStage("model-hot-swap")
            .setReason("model release rejected: " + reason)
            .setSourceTopic(record.topic)
            .setSourcePartition(record.partition)
            .setSourceOffset(record.offset)
            .setStreamId(release == null ? null : release.getModelName())
            .setTimestampMillis(Instant.now())
            .build();
    out.collect(
        new OutRecord(
            Topics.DEAD_LETTER,
            release == null ? null : release.getModelName(),
            deadLetters.serialize(Topics.DEAD_LETTER, d)));
  }

  @Override
  public void processElement(ClipJob job, ReadOnlyContext ctx, Collector<OutRecord> out)
      throws Exception {
    if (servingSha == null) {
      // After a restart: serve the release accepted before, if any.
      byte[] accepted = ctx.getBroadcastState(RELEASES).get(MODEL_NAME);
      servingSha = "";
      if (accepted != null) {
        ModelRelease r = releases.deserialize(Topics.MODELS, accepted);
        if (accept(r) != null) {
          servingSha = "";
        }
      }
    }
    if (job.reason != null) {
      emit(job, null, 0, 0, 0, out);
      return;
    }
    pending.add(job);
    // Fires on the final watermark of a bounded input, where processing-time timers no longer
    // run: the last partial batch is scored before the job finishes. Same timestamp, one timer.
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
    if (pending.size() >= maxBatch) {
      flush(out);
    } else if (timerAt == Long.MIN_VALUE) {
      timerAt = ctx.timerService().currentProcessingTime() + maxWaitMillis;
      ctx.timerService().registerProcessingTimeTimer(timerAt);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutRecord> out) {
    if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME) {
      timerAt = Long.MIN_VALUE;
    }
    flush(out);
  }

  private void flush(Collector<OutRecord> out) {
    if (pending.isEmpty()) {
      return;
    }
    List<ClipJob> batch = new ArrayList<>(pending);
    pending.clear();
    long start = System.currentTimeMillis();
    List<ClipModel.Scored> scored = runtime.score(batch, shape);
    long end = System.currentTimeMillis();
    ClipModel.Timings t = runtime.lastTimings();
    prepareMicros.inc(t.prepareNanos() / 1000);
    modelMicros.inc(t.modelNanos() / 1000);
    classicalMicros.inc(t.classicalNanos() / 1000);
    batchSizes.update(batch.size());
    inferenceMillis.update(end - start);
    long emitStart = System.nanoTime();
    for (int i = 0; i < batch.size(); i++) {
      emit(batch.get(i), scored.get(i), start, end, batch.size(), out);
    }
    emitMicros.inc((System.nanoTime() - emitStart) / 1000);
  }

  private void emit(
      ClipJob job, ClipModel.Scored s, long start, long end, int batch, Collector<OutRecord> out) {
    long now = System.currentTimeMillis();
    ClipPrediction p =
        ClipPrediction.newBuilder()
            .setStreamId(job.streamId)
            .setClipStartMicros(job.startMicros)
            .setClipEndMicros(job.endMicros)
            .setStatus(s == null ? PredictionStatus.NO_SIGNAL : PredictionStatus.SCORED)
            .setFlipProbability(s == null ? null : s.flipProbability())
            .setReason(job.reason)
            .setModelVersion(runtime.version())
            .setNewestIngestTimeMillis(Instant.ofEpochMilli(job.newestIngestMillis))
            .setInferenceStartMillis(Instant.ofEpochMilli(s == null ? now : start))
            .setInferenceEndMillis(Instant.ofEpochMilli(s == null ? now : end))
            .setBatchSize(Math.max(1, batch))
            .build();
    clips.inc();
    if (s != null && job.newestIngestMillis > 0) {
      endToEndMillis.update(now - job.newestIngestMillis);
    }
    out.collect(
        new OutRecord(
            Topics.PREDICTIONS, job.streamId, predictions.serialize(Topics.PREDICTIONS, p)));
    if (s != null) {
      // A model with a tracker reads the position out of its audio embedding (held-out generated
      // scenes: 6.6 % of frame width against 12.4 % for the classical fused estimate, see
      // TrackingEvaluation); otherwise the classical estimate, fused with visual salience.
      boolean learned = !Double.isNaN(s.learnedX());
      SourceTrack t =
          SourceTrack.newBuilder()
              .setStreamId(job.streamId)
              .setClipStartMicros(job.startMicros)
              .setClipEndMicros(job.endMicros)
              .setX(learned ? s.learnedX() : fusedX(s))
              .setConfidence(trackConfidence(s))
              .setMethod(learned ? TrackingMethod.LEARNED : TrackingMethod.FUSED)
              .setModelVersion(learned ? runtime.version() : null)
              .build();
      out.collect(new OutRecord(Topics.TRACKS, job.streamId, tracks.serialize(Topics.TRACKS, t)));
    }
  }

  /**
   * A track's confidence, 0..1: the probability that its position is within 10 % of the frame width
   * of a visible sounding object ({@link TrackConfidence}). A learned position takes its calibrated
   * tracker's; a FUSED position the classical positions' calibration fitted on generated scenes
   * ({@link TrackConfidence#fused()}). A learned position from a tracker fitted before calibration
   * keeps how lateral the interaural estimate is.
   */
  static double trackConfidence(ClipModel.Scored s) {
    double c;
    if (Double.isNaN(s.learnedX())) {
      c = TrackConfidence.fused().probability(fusedX(s), s.audioX(), s.visualX());
    } else if (!Double.isNaN(s.learnedConfidence())) {
      c = s.learnedConfidence();
    } else {
      c = Math.abs(s.audioX() - 0.5) * 2;
    }
    return Math.max(0, Math.min(1, c));
  }

  /** Where the sound is without a learned tracker ({@link ClassicalFlipDetector#fusedPosition}). */
  static double fusedX(ClipModel.Scored s) {
    return ClassicalFlipDetector.fusedPosition(s.audioX(), s.visualX());
  }

  @Override
  public void close() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
  }
}
