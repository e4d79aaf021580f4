package io.earshot.flink.inference;

import io.earshot.avro.ClipPrediction;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.SourceTrack;
import io.earshot.avro.TrackingMethod;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.serde.TrustedAvroClasses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Batches clips across streams by size and time and runs the model once per batch, emitting one
 * prediction (and one source track) per clip. No-signal clips skip the model. The pending batch is
 * part of the checkpoint, so a restore neither loses nor repeats clips.
 *
 * <p>The model is owned here: created in {@link #open}, closed in {@link #close}.
 */
public class InferenceFunction extends KeyedProcessFunction<Integer, ClipJob, OutRecord>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  private final String model;
  private final String registryUrl;
  private final int maxBatch;
  private final long maxWaitMillis;
  private transient ClipModel runtime;
  private transient List<ClipJob> pending;
  private transient ListState<ClipJob> pendingState;
  private transient AvroSerializer<ClipPrediction> predictions;
  private transient AvroSerializer<SourceTrack> tracks;
  private transient Counter clips;
  private transient Histogram batchSizes;
  private transient Histogram inferenceMillis;
  private transient Histogram endToEndMillis;
  private transient long timerAt = Long.MIN_VALUE;

  public InferenceFunction(String model, String registryUrl, int maxBatch, long maxWaitMillis) {
    this.model = model;
    this.registryUrl = registryUrl;
    this.maxBatch = maxBatch;
    this.maxWaitMillis = maxWaitMillis;
  }

  @Override
  public void open(OpenContext context) {
    TrustedAvroClasses.install();
    runtime = ClipModel.open(model);
    SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
    predictions = new AvroSerializer<>(registry, false);
    tracks = new AvroSerializer<>(registry, false);
    var group = getRuntimeContext().getMetricGroup();
    clips = group.counter("earshot_clips");
    batchSizes = group.histogram("earshot_batch_size", new DescriptiveStatisticsHistogram(1000));
    inferenceMillis =
        group.histogram("earshot_inference_ms", new DescriptiveStatisticsHistogram(1000));
    endToEndMillis =
        group.histogram("earshot_end_to_end_ms", new DescriptiveStatisticsHistogram(1000));
    group.gauge("earshot_model_info", () -> 1);
    group.addGroup("model_version", runtime.version()).gauge("earshot_model_loaded", () -> 1);
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

  @Override
  public void processElement(ClipJob job, Context ctx, Collector<OutRecord> out) throws Exception {
    if (job.reason != null) {
      emit(job, null, 0, 0, 0, out);
      return;
    }
    pending.add(job);
    if (pending.size() >= maxBatch) {
      flush(out);
    } else if (timerAt == Long.MIN_VALUE) {
      timerAt = ctx.timerService().currentProcessingTime() + maxWaitMillis;
      ctx.timerService().registerProcessingTimeTimer(timerAt);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutRecord> out) {
    timerAt = Long.MIN_VALUE;
    flush(out);
  }

  private void flush(Collector<OutRecord> out) {
    if (pending.isEmpty()) {
      return;
    }
    List<ClipJob> batch = new ArrayList<>(pending);
    pending.clear();
    long start = System.currentTimeMillis();
    List<ClipModel.Scored> scored = runtime.score(batch);
    long end = System.currentTimeMillis();
    batchSizes.update(batch.size());
    inferenceMillis.update(end - start);
    for (int i = 0; i < batch.size(); i++) {
      emit(batch.get(i), scored.get(i), start, end, batch.size(), out);
    }
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
      SourceTrack t =
          SourceTrack.newBuilder()
              .setStreamId(job.streamId)
              .setClipStartMicros(job.startMicros)
              .setClipEndMicros(job.endMicros)
              .setX(s.audioX())
              .setConfidence(Math.max(0, Math.min(1, Math.abs(s.audioX() - 0.5) * 2)))
              .setMethod(TrackingMethod.CLASSICAL)
              .setModelVersion(null)
              .build();
      out.collect(new OutRecord(Topics.TRACKS, job.streamId, tracks.serialize(Topics.TRACKS, t)));
    }
  }

  @Override
  public void close() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
  }
}
