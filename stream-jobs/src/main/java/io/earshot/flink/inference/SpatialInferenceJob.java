package io.earshot.flink.inference;

import io.earshot.domain.Topics;
import io.earshot.serde.TrustedAvroClasses;
import io.earshot.training.data.ClipSpec;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Flink job: frames and audio windows in, one flip prediction and one source track per clip out.
 *
 * <p>Inputs: {@value Topics#VIDEO_FRAMES}, {@value Topics#AUDIO_WINDOWS} (Avro through the
 * registry). Outputs: {@value Topics#PREDICTIONS}, {@value Topics#TRACKS}, {@value
 * Topics#DEAD_LETTER}, through one exactly-once (transactional) Kafka sink.
 *
 * <p>Run: {@code ./earshot job} against the local stack, or submit the stream-jobs jar with this
 * class as entry point and {@code --bootstrap-servers ... --registry-url ... --model DIR}.
 */
public final class SpatialInferenceJob {

  public static final String SOURCE_UID = "media-source";
  public static final String DECODE_UID = "decode";
  public static final String ASSEMBLY_UID = "clip-assembly";
  public static final String INFERENCE_UID = "inference";
  public static final String SINK_UID = "kafka-sink";
  public static final String MODELS_UID = "model-releases";

  private SpatialInferenceJob() {}

  /** The Kafka source of frames and audio windows. */
  public static KafkaSource<KafkaBytes> source(JobConfig config) {
    var builder =
        KafkaSource.<KafkaBytes>builder()
            .setBootstrapServers(config.bootstrapServers())
            .setTopics(Topics.VIDEO_FRAMES, Topics.AUDIO_WINDOWS)
            .setGroupId(config.groupId())
            .setStartingOffsets(
                OffsetsInitializer.committedOffsets(
                    org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
            .setDeserializer(new KafkaBytes.Schema())
            .setProperty("isolation.level", "read_committed");
    if (config.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /** Model releases, from the compacted models topic (latest release per model name). */
  public static KafkaSource<KafkaBytes> models(JobConfig config) {
    var builder =
        KafkaSource.<KafkaBytes>builder()
            .setBootstrapServers(config.bootstrapServers())
            .setTopics(Topics.MODELS)
            .setGroupId(config.groupId() + "-models")
            // Every instance reads from the end: the configured model serves until a new release.
            .setStartingOffsets(OffsetsInitializer.latest())
            .setDeserializer(new KafkaBytes.Schema())
            .setProperty("isolation.level", "read_committed");
    if (config.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /** The transactional sink for every output topic. */
  public static KafkaSink<OutRecord> sink(JobConfig config) {
    Properties p = new Properties();
    p.put("transaction.timeout.ms", "600000");
    return KafkaSink.<OutRecord>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setRecordSerializer(new OutRecord.Serializer())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(config.transactionalIdPrefix())
        .setKafkaProducerConfig(p)
        .build();
  }

  /** Wires the job onto {@code env}; tests call this with the MiniCluster's environment. */
  public static void defineWorkflow(
      StreamExecutionEnvironment env, JobConfig config, ClipSpec spec) {
    defineWorkflow(env, config, spec, null);
  }

  /**
   * As {@link #defineWorkflow(StreamExecutionEnvironment, JobConfig, ClipSpec)}, with a function
   * applied to assembled clips before inference (tests inject failures there).
   */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      JobConfig config,
      ClipSpec spec,
      org.apache.flink.api.common.functions.MapFunction<ClipJob, ClipJob> beforeInference) {
    env.configure(checkpointStorage(config));
    DataStream<KafkaBytes> raw =
        env.fromSource(
                source(config),
                // Event time is the ingest wall clock, comparable across streams; idle
                // partitions do not hold the watermark back.
                WatermarkStrategy.<KafkaBytes>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((r, ts) -> r.timestamp)
                    .withIdleness(Duration.ofSeconds(10)),
                "media")
            .uid(SOURCE_UID);
    SingleOutputStreamOperator<MediaEvent> events =
        raw.process(new DecodeFunction(config.registryUrl(), spec)).uid(DECODE_UID).name("decode");
    DataStream<ClipJob> clips =
        events
            .keyBy(e -> e.streamId)
            .process(
                new ClipAssemblyFunction(
                    spec.seconds(), config.hopSeconds(), spec.frames(), config.stallSeconds()))
            .uid(ASSEMBLY_UID)
            .name("clip-assembly");
    if (beforeInference != null) {
      clips = clips.map(beforeInference).uid("before-inference").name("before-inference");
    }
    int parallelism = env.getParallelism() > 0 ? env.getParallelism() : 1;
    var modelReleases =
        env.fromSource(models(config), WatermarkStrategy.noWatermarks(), "model-releases")
            .uid(MODELS_UID)
            .broadcast(InferenceFunction.RELEASES);
    DataStream<OutRecord> results =
        clips
            .keyBy(j -> Math.floorMod(j.streamId.hashCode(), Math.max(1, parallelism)))
            .connect(modelReleases)
            .process(
                new InferenceFunction(
                    config.model(),
                    config.registryUrl(),
                    config.maxBatch(),
                    config.maxWaitMillis(),
                    spec))
            .uid(INFERENCE_UID)
            .name("inference");
    results
        .union(events.getSideOutput(DecodeFunction.DEAD_LETTERS))
        .sinkTo(sink(config))
        .uid(SINK_UID)
        .name("kafka-sink");
  }

  /**
   * Checkpoints go to {@link JobConfig#checkpointDir()}, never to the JobManager's memory: that
   * storage fails a checkpoint whose subtask state passes 5 MB (the clip assembly's buffers of
   * about ten live streams), and each failed checkpoint restarts the job.
   */
  public static Configuration checkpointStorage(JobConfig config) {
    Configuration c = new Configuration();
    c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir());
    return c;
  }

  /** Builds the environment with checkpointing for exactly-once output. */
  public static StreamExecutionEnvironment environment(JobConfig config) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(config.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
    return env;
  }

  /** The clip shape the configured model needs. */
  public static ClipSpec clipSpec(JobConfig config) {
    try (ClipModel m = ClipModel.open(config.model())) {
      return m.spec();
    }
  }

  public static void main(String[] args) throws Exception {
    TrustedAvroClasses.install();
    JobConfig config = JobConfig.from(args);
    StreamExecutionEnvironment env = environment(config);
    defineWorkflow(env, config, clipSpec(config));
    env.execute("earshot-spatial-inference");
  }
}
