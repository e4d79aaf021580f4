package io.earshot.cli;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.IngestResult;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.connectors.media.MediaInputException;
import io.earshot.domain.Pcm;
import io.earshot.stack.LocalStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./earshot demo}: the main job on embedded defaults. Today that is the foundation: a local
 * broker and registry, a generated stereo sample (or your own input) ingested as a stream, and a
 * report read back from Kafka showing that what is heard follows what is seen. The inference job
 * and the monitor join this command as they land.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run Earshot on embedded defaults: local stack, a generated sample (or --input) ingested as"
            + " a live stream, and what arrived in Kafka.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--input", description = "Monitor this file or URL instead of the sample.")
  String input;

  @Option(
      names = "--stream-id",
      defaultValue = "demo-1",
      description = "Stream id (default ${DEFAULT-VALUE}).")
  String streamId;

  @Option(names = "--seconds", defaultValue = "14", description = "Length of the generated sample.")
  double seconds;

  @Option(names = "--fast", description = "Ingest as fast as possible instead of in real time.")
  boolean fast;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Broker port (0 = any free).")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Registry port (0 = any free).")
  int registryPort;

  @Option(names = "--follow", description = "Keep the stack running until Ctrl-C.")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    return run(System.out);
  }

  int run(PrintStream out) throws Exception {
    out.println("Earshot demo: starting the local stack (Kafka KRaft broker + schema registry)...");
    try (LocalStack stack = LocalStack.start(kafkaPort, registryPort, null)) {
      out.printf("  Kafka %s   registry %s%n", stack.bootstrapServers(), stack.registryUrl());
      Path source;
      Path temp = null;
      if (input == null) {
        temp = Files.createTempDirectory("earshot-demo-");
        source = SampleVideo.write(temp.resolve("sample.mp4"), seconds, -1, 7);
        out.printf(
            "  generated a %.0f s stereo sample: an orange disc drifts across the frame and its"
                + " sound is panned with it%n",
            seconds);
      } else {
        source = null;
      }
      String what = source != null ? source.toString() : input;
      IngestOptions options = IngestOptions.defaults(what, streamId).withRealtime(!fast);
      out.printf(
          "  ingesting %s as stream '%s'%s...%n",
          input != null ? input : "the sample", streamId, fast ? "" : " in real time");
      IngestResult result;
      try (KafkaIngestSink sink =
              new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl());
          IngestCommand.Progress progress = new IngestCommand.Progress(what)) {
        result = new MediaIngestor(options, sink, progress).run();
      } catch (MediaInputException e) {
        out.println("earshot demo: " + e.getMessage());
        return EarshotCli.EXIT_BAD_INPUT;
      }
      StreamReadback.Result back =
          StreamReadback.read(
              stack.bootstrapServers(),
              stack.registryUrl(),
              streamId,
              result.frames(),
              Duration.ofSeconds(30));
      report(out, result, back);
      if (temp != null) {
        Files.deleteIfExists(source);
        Files.deleteIfExists(temp);
      }
      if (follow) {
        out.println("\nThe stack keeps running; Ctrl-C to stop.");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
        forever.await();
      }
      boolean complete =
          back.frames().size() == result.frames() && back.windows().size() == result.windows();
      return complete ? 0 : 1;
    }
  }

  private static void report(PrintStream out, IngestResult result, StreamReadback.Result back) {
    out.printf(
        "%nRead back from Kafka: %d/%d frames on av.video.frames, %d/%d windows on"
            + " av.audio.windows%n",
        back.frames().size(), result.frames(), back.windows().size(), result.windows());
    if (!back.status().isEmpty()) {
      StreamMetadata last = back.status().get(back.status().size() - 1);
      out.printf(
          "Stream status on av.streams: %s (source %dx%d, %d ch at %d Hz -> %dx%d frames, %d Hz)%n",
          last.getStatus(),
          nz(last.getSourceWidth()),
          nz(last.getSourceHeight()),
          nz(last.getSourceChannels()),
          nz(last.getSourceSampleRate()),
          last.getFrameWidth(),
          last.getFrameHeight(),
          last.getSampleRate());
    }
    // Where is the bright object, and which side is louder? One row per second.
    List<double[]> pairs = new ArrayList<>();
    out.printf(
        "%n  %6s  %-23s  %-9s  %s%n", "time", "object x (0=left)", "L-R level", "louder side");
    long lastSecond = Long.MIN_VALUE;
    for (double[] p : seenAndHeard(back)) {
      double x = p[1];
      double ild = p[2];
      pairs.add(new double[] {x, ild});
      long second = (long) p[0] / 1_000_000;
      if (second != lastSecond) {
        lastSecond = second;
        int pos = (int) Math.round(x * 20);
        String bar = ".".repeat(pos) + "O" + ".".repeat(20 - pos);
        out.printf(
            "  %5.1fs  %s %.2f  %+6.1f dB  %s%n",
            p[0] / 1e6, bar, x, ild, ild > 1 ? "right" : ild < -1 ? "left" : "centre");
      }
    }
    if (pairs.size() > 3) {
      out.printf(
          "%nCorrelation between where the object is seen and where it is heard: %+.2f over %d"
              + " frames%n(positive: right channel louder when the object is on the right, as it"
              + " should be; a swapped stream gives a negative value)%n",
          correlation(pairs), pairs.size());
    }
  }

  /** Correlation of seen object x with L-R level difference over the stream's frames. */
  static double seenVersusHeard(StreamReadback.Result back) {
    List<double[]> pairs = new ArrayList<>();
    for (double[] p : seenAndHeard(back)) {
      pairs.add(new double[] {p[1], p[2]});
    }
    return pairs.size() < 4 ? Double.NaN : correlation(pairs);
  }

  /** Per frame with a visible object and audio: [pts µs, object x, right-left level dB]. */
  static List<double[]> seenAndHeard(StreamReadback.Result back) {
    List<double[]> out = new ArrayList<>();
    for (VideoFrame f : back.frames()) {
      double x = brightObjectX(f);
      AudioWindow w = windowAt(back.windows(), f.getPtsMicros());
      if (!Double.isNaN(x) && w != null) {
        out.add(new double[] {f.getPtsMicros(), x, levelDifferenceDb(w)});
      }
    }
    return out;
  }

  /** Right minus left level in dB. */
  static double levelDifferenceDb(AudioWindow w) {
    short[] pcm = Pcm.fromS16le(w.getPcm().array());
    double l = Pcm.rms(pcm, w.getChannels(), 0);
    double r = Pcm.rms(pcm, w.getChannels(), 1);
    return 20 * Math.log10((r + 1e-9) / (l + 1e-9));
  }

  private static int nz(Integer v) {
    return v == null ? 0 : v;
  }

  private static AudioWindow windowAt(List<AudioWindow> windows, long pts) {
    for (AudioWindow w : windows) {
      long end = w.getStartPtsMicros() + w.getFrameCount() * 1_000_000L / w.getSampleRate();
      if (pts >= w.getStartPtsMicros() && pts < end) {
        return w;
      }
    }
    return null;
  }

  /** Mean x (0..1) of saturated warm pixels, NaN when none. */
  static double brightObjectX(VideoFrame f) {
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(f.getImage().array()));
      long sum = 0;
      long n = 0;
      for (int y = 0; y < img.getHeight(); y += 2) {
        for (int x = 0; x < img.getWidth(); x += 2) {
          int rgb = img.getRGB(x, y);
          int r = (rgb >> 16) & 0xff;
          int g = (rgb >> 8) & 0xff;
          int b = rgb & 0xff;
          if (r > 180 && r - b > 100 && g > 60) {
            sum += x;
            n++;
          }
        }
      }
      return n < 5 ? Double.NaN : (sum / (double) n) / img.getWidth();
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  static double correlation(List<double[]> pairs) {
    double mx = 0;
    double my = 0;
    for (double[] p : pairs) {
      mx += p[0];
      my += p[1];
    }
    mx /= pairs.size();
    my /= pairs.size();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (double[] p : pairs) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
      syy += (p[1] - my) * (p[1] - my);
    }
    return sxy / Math.sqrt(sxx * syy + 1e-12);
  }
}
