package io.earshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.StreamState;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.IngestResult;
import io.earshot.domain.Pcm;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.Ports;
import io.earshot.training.scene.GroundTruth;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of the whole system, as a broadcast engineer would run it: live sources
 * served by ffmpeg in real time over TCP MPEG-TS on loopback, two of them with their channels
 * swapped at a known moment, one clean for over two minutes, all at once through ingest, the
 * broker, the inference job (MiniCluster, shipped model) and the FlipMonitor with correction on.
 *
 * <p>Each swapped stream must be reported FLIPPED within 5 s of the moment its swapped audio
 * reached the ingester; its corrected audio must be the ingested audio swapped back sample for
 * sample once FLIPPED, and follow the scene's true source positions again (right louder when the
 * source is on the right); the clean stream must raise no SUSPECT or FLIPPED alert.
 */
class LiveSwapAcceptanceIT {

  /** The model shipped in the repository, as the demo uses it. */
  static final Path SHIPPED =
      Path.of("..", "models", "flip-detector-cpu").toAbsolutePath().normalize();

  @TempDir Path dir;

  /** A programme served live: where, when its channels swap (negative: never). */
  record Live(String streamId, SceneGenerator.Programme programme, int port, Process ffmpeg) {}

  @Test
  void shouldAlertWithinFiveSecondsCorrectTheAudioAndStayQuietOnCleanStreamWhenServedLive()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    SceneGenerator generator =
        new SceneGenerator(SceneSpec.defaults().withSeconds(8).singleDrySource(), 77);
    Map<String, double[]> plan = new LinkedHashMap<>(); // stream -> {shots, swap near}
    plan.put("live-swap-a-" + run, new double[] {6, 18});
    plan.put("live-swap-b-" + run, new double[] {6, 26});
    plan.put("live-clean-" + run, new double[] {16, -1}); // 128 s
    Map<String, SceneGenerator.Programme> programmes = new LinkedHashMap<>();
    long seed = 500;
    for (var e : plan.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".mp4");
      int shots = (int) e.getValue()[0];
      double swap = -1;
      if (e.getValue()[1] >= 0) {
        // Swap where it is observable: a source clearly off centre for the next 4 s (a centred
        // or unseen source sounds the same either way round), with 6 s of programme after it.
        swap = Double.NaN;
        while (!(swap + 6 <= shots * 8.0)) {
          assertThat(seed++).as("a seed with an observable moment to swap").isLessThan(530);
          swap =
              generator
                  .generateProgramme(file, shots, seed, -1)
                  .decidableMomentAfter(e.getValue()[1], 4, 0.2);
        }
      }
      programmes.put(e.getKey(), generator.generateProgramme(file, shots, seed++, swap));
    }

    Map<String, ConcurrentLinkedQueue<AudioWindow>> ingested = new ConcurrentHashMap<>();
    List<Live> sources = new ArrayList<>();
    Map<String, CompletableFuture<IngestResult>> ingests = new HashMap<>();
    try (LivePipeline pipeline =
            LivePipeline.start(LivePipeline.Settings.ephemeral(SHIPPED.toString()), System.out);
        PipelineWatcher watcher =
            new PipelineWatcher(
                pipeline.stack().bootstrapServers(), pipeline.stack().registryUrl(), e -> {})) {
      for (var e : programmes.entrySet()) {
        int port = Ports.freeLoopbackPort();
        Process ffmpeg = serveLive(e.getValue().video(), port, dir.resolve(e.getKey() + ".log"));
        sources.add(new Live(e.getKey(), e.getValue(), port, ffmpeg));
        ConcurrentLinkedQueue<AudioWindow> windows = new ConcurrentLinkedQueue<>();
        ingested.put(e.getKey(), windows);
        ingests.put(
            e.getKey(),
            pipeline.ingest(
                IngestOptions.defaults("tcp://127.0.0.1:" + port, e.getKey())
                    .withReconnect(true, 0, Duration.ofSeconds(5)),
                windows::add));
      }
      // Sources end when their programme does; then the last clips drain through the job.
      for (Live live : sources) {
        assertThat(live.ffmpeg().waitFor(200, TimeUnit.SECONDS))
            .as("ffmpeg serving " + live.streamId())
            .isTrue();
      }
      Thread.sleep(6_000);
      assertThat(pipeline.failure()).as("components still running").isNull();

      Path report = Path.of("target", "live-acceptance");
      Files.createDirectories(report);
      List<AssertionError> failures = new ArrayList<>();
      for (Live live : sources) {
        try {
          checkStream(pipeline, watcher, live, List.copyOf(ingested.get(live.streamId())), report);
        } catch (AssertionError e) {
          failures.add(e);
        }
      }
      if (!failures.isEmpty()) {
        AssertionError all = new AssertionError(failures.size() + " stream(s) failed: " + failures);
        failures.forEach(all::addSuppressed);
        throw all;
      }
    } finally {
      for (Live live : sources) {
        live.ffmpeg().destroyForcibly();
      }
    }
  }

  /** Checks one stream; measured figures are printed as "LIVE ..." lines. */
  private void checkStream(
      LivePipeline pipeline,
      PipelineWatcher watcher,
      Live live,
      List<AudioWindow> windows,
      Path report)
      throws Exception {
    String id = live.streamId();
    SceneGenerator.Programme p = live.programme();
    writeTimeline(report.resolve(id + ".tsv"), watcher, id, windows);
    assertThat(windows).as(id + " ingested audio").isNotEmpty();
    long firstPts = windows.get(0).getStartPtsMicros();
    assertThat(firstPts).as(id + ": the ingester joined at the start").isLessThan(500_000);
    List<PipelineWatcher.Event> predictions = watcher.predictions(id);
    long scored =
        predictions.stream()
            .filter(e -> e.prediction().getStatus() == PredictionStatus.SCORED)
            .count();
    assertThat(scored)
        .as(id + ": scored clips, one per 0.5 s of media")
        .isGreaterThanOrEqualTo((long) ((p.seconds() - 4) * 2));
    List<PipelineWatcher.Event> alarms =
        watcher.alerts(id).stream()
            .filter(
                e ->
                    e.alert().getToState() == StreamState.FLIPPED
                        || e.alert().getToState() == StreamState.SUSPECT)
            .toList();
    if (p.swapFromSeconds() < 0) {
      System.out.printf(
          "LIVE %s: %.0f s unswapped, %d clips scored, FLIPPED alerts: %d, SUSPECT"
              + " warnings: %d%n",
          id,
          p.seconds(),
          scored,
          alarms.stream().filter(e -> e.alert().getToState() == StreamState.FLIPPED).count(),
          alarms.stream().filter(e -> e.alert().getToState() == StreamState.SUSPECT).count());
      // FLIPPED pages the operator (StreamChannelsFlipped); SUSPECT is a warning state.
      assertThat(alarms)
          .as(id + ": a clean stream raises no FLIPPED alert")
          .noneMatch(e -> e.alert().getToState() == StreamState.FLIPPED);
      return;
    }
    long swapPts = firstPts + (long) (p.swapFromSeconds() * 1e6);
    double swapWall = DemoCommand.wallClockOf(windows, swapPts);
    assertThat(swapWall).as(id + ": an ingested window contains the swap moment").isNotNaN();
    PipelineWatcher.Event flipped =
        alarms.stream()
            .filter(e -> e.alert().getToState() == StreamState.FLIPPED)
            .findFirst()
            .orElseThrow(() -> new AssertionError(id + ": no FLIPPED alert after the swap"));
    double delay = (flipped.receivedMillis() - swapWall) / 1000.0;
    System.out.printf(
        "LIVE %s: swapped at %.1f s of media; FLIPPED alert received %.2f s after the swapped"
            + " audio reached the ingester (clip starting %.1f s, confidence %.2f)%n",
        id,
        p.swapFromSeconds(),
        delay,
        (flipped.alert().getClipStartMicros() - firstPts) / 1e6,
        flipped.alert().getConfidence());
    assertThat(alarms)
        .as(id + ": no FLIPPED before the swap")
        .noneMatch(
            e -> e.receivedMillis() < swapWall && e.alert().getToState() == StreamState.FLIPPED);
    assertThat(delay).as(id + ": seconds from swap to FLIPPED").isBetween(0.0, 5.0);

    checkCorrectedAudio(
        pipeline, id, windows, p, firstPts, swapPts, flipped.alert().getSinceMillis());
  }

  /** Per clip and alert of one stream, for reading a failure (kept in target/live-acceptance). */
  private static void writeTimeline(
      Path file, PipelineWatcher watcher, String id, List<AudioWindow> windows) throws IOException {
    long firstPts = windows.isEmpty() ? 0 : windows.get(0).getStartPtsMicros();
    StringBuilder out = new StringBuilder("received_ms\tkind\tclip_start_s\tvalue\n");
    for (PipelineWatcher.Event e : watcher.events()) {
      if (!e.streamId().equals(id)) {
        continue;
      }
      if (e.prediction() != null) {
        out.append(
            String.format(
                "%d\tclip\t%.2f\t%s%n",
                e.receivedMillis(),
                (e.prediction().getClipStartMicros() - firstPts) / 1e6,
                e.prediction().getFlipProbability() == null
                    ? e.prediction().getStatus()
                    : String.format("%.3f", e.prediction().getFlipProbability())));
      } else {
        out.append(
            String.format(
                "%d\talert\t%s\t%s->%s %.2f%n",
                e.receivedMillis(),
                e.alert().getClipStartMicros() == null
                    ? "-"
                    : String.format("%.2f", (e.alert().getClipStartMicros() - firstPts) / 1e6),
                e.alert().getFromState(),
                e.alert().getToState(),
                e.alert().getConfidence()));
      }
    }
    Files.writeString(file, out);
  }

  private void checkCorrectedAudio(
      LivePipeline pipeline,
      String id,
      List<AudioWindow> ingested,
      SceneGenerator.Programme p,
      long firstPts,
      long swapPts,
      java.time.Instant flippedSince)
      throws Exception {
    Map<Long, AudioWindow> corrected = new HashMap<>();
    for (AudioWindow w : readAll(pipeline, Topics.CORRECTED_AUDIO, id)) {
      corrected.put(w.getStartPtsMicros(), w);
    }
    assertThat(corrected).as(id + ": corrected audio").isNotEmpty();
    int swappedBack = 0;
    List<double[]> heard = new ArrayList<>(); // {true x, ILD ingested, ILD corrected}
    for (AudioWindow in : ingested) {
      AudioWindow out = corrected.get(in.getStartPtsMicros());
      // Windows ingested a second after the monitor turned FLIPPED are all corrected.
      if (out == null
          || in.getStartPtsMicros() < swapPts
          || in.getIngestTimeMillis().toEpochMilli() < flippedSince.toEpochMilli() + 1000) {
        continue;
      }
      short[] original = Pcm.fromS16le(in.getPcm().array());
      short[] fixed = Pcm.fromS16le(out.getPcm().array());
      short[] expected = Pcm.swapLeftRight(original, 2);
      assertThat(fixed).as(id + " window at " + in.getStartPtsMicros()).isEqualTo(expected);
      swappedBack++;
      double t = (in.getStartPtsMicros() - firstPts) / 1e6 + 0.25;
      double x = sourceX(p, t);
      if (!Double.isNaN(x) && Math.abs(x - 0.5) > 0.1) {
        heard.add(new double[] {x, ild(original), ild(fixed)});
      }
    }
    assertThat(swappedBack).as(id + ": windows swapped back after FLIPPED").isGreaterThan(10);
    // The physics: after correction the louder channel is on the side where the source is seen.
    double ingestedCorr = correlation(heard, 1);
    double correctedCorr = correlation(heard, 2);
    System.out.printf(
        "LIVE %s: %d windows corrected; correlation(source x, R-L level) ingested %+.2f,"
            + " corrected %+.2f over %d windows%n",
        id, swappedBack, ingestedCorr, correctedCorr, heard.size());
    assertThat(heard.size()).isGreaterThan(5);
    assertThat(correctedCorr).isGreaterThan(0.5);
    assertThat(ingestedCorr).isLessThan(-0.5);
  }

  /** x (0..1) of the programme's visible sounding source at time t, NaN if none. */
  private static double sourceX(SceneGenerator.Programme p, double t) {
    int shot = (int) Math.floor(t / p.truths().get(0).seconds());
    if (shot < 0 || shot >= p.truths().size()) {
      return Double.NaN;
    }
    GroundTruth g = p.truths().get(shot);
    int frame = (int) Math.floor((t - shot * g.seconds()) * g.fps());
    if (frame >= g.frames().size()) {
      return Double.NaN;
    }
    for (GroundTruth.ObjectTruth o : g.frames().get(frame).objects()) {
      if (o.sounding() && o.visible()) {
        return o.cx();
      }
    }
    return Double.NaN;
  }

  private static double ild(short[] pcm) {
    return 20 * Math.log10((Pcm.rms(pcm, 2, 1) + 1e-9) / (Pcm.rms(pcm, 2, 0) + 1e-9));
  }

  private static double correlation(List<double[]> rows, int col) {
    double mx = 0;
    double my = 0;
    for (double[] r : rows) {
      mx += r[0];
      my += r[col];
    }
    mx /= rows.size();
    my /= rows.size();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (double[] r : rows) {
      sxy += (r[0] - mx) * (r[col] - my);
      sxx += (r[0] - mx) * (r[0] - mx);
      syy += (r[col] - my) * (r[col] - my);
    }
    return sxy / Math.sqrt(sxx * syy + 1e-12);
  }

  private static List<AudioWindow> readAll(LivePipeline pipeline, String topic, String key) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.stack().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "acceptance-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<AudioWindow> out = new ArrayList<>();
    try (KafkaConsumer<String, AudioWindow> c =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
            new AvroDeserializer<>(
                new SchemaRegistryClient(pipeline.stack().registryUrl()), AudioWindow.class))) {
      c.subscribe(List.of(topic));
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < 3_000_000_000L) {
        for (ConsumerRecord<String, AudioWindow> r : c.poll(Duration.ofMillis(200))) {
          quietSince = System.nanoTime();
          if (key.equals(r.key())) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }

  /**
   * ffmpeg plays the file in real time ({@code -re}) as MPEG-TS on a TCP port it listens on; the
   * ingester connects as a live client.
   */
  private static Process serveLive(Path video, int port, Path log) throws IOException {
    List<String> cmd =
        List.of(
            "ffmpeg",
            "-v",
            "error",
            "-nostdin",
            "-re",
            "-i",
            video.toString(),
            "-c",
            "copy",
            "-muxdelay",
            "0",
            "-muxpreload",
            "0",
            "-f",
            "mpegts",
            "tcp://127.0.0.1:" + port + "?listen=1");
    try {
      return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start ffmpeg (./earshot test installs it): " + e.getMessage(), e);
    }
  }
}
