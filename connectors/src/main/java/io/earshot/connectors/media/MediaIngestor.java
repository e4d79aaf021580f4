package io.earshot.connectors.media;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AV_CHANNEL_ORDER_AMBISONIC;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.ChannelLayout;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.ImageEncoding;
import io.earshot.avro.SampleFormat;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.StreamStatus;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.AudioWindower;
import io.earshot.domain.FrameSampler;
import io.earshot.domain.Pcm;
import io.earshot.serde.TrustedAvroClasses;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one media input with JavaCV (ffmpeg) and turns it into Earshot records: video frames
 * sampled on a steady grid of media time, scaled and JPEG encoded; audio resampled to the target
 * rate as 16-bit PCM with the source's channel order kept (left stays left), cut into fixed
 * windows. Timestamps are the media's, so frames and audio can be aligned downstream.
 *
 * <p>Live network inputs are reopened with exponential backoff when they drop; the stream metadata
 * topic says so. Inputs that cannot work (missing, empty, corrupt, no audio, mono, unsupported
 * layout) fail with a {@link MediaInputException} whose message names the problem, after a FAILED
 * status and a dead letter are published.
 */
public final class MediaIngestor {

  private static final Logger LOG = LoggerFactory.getLogger(MediaIngestor.class);

  /** Records must stay well below Kafka's 1 MB limit; a frame above this is dropped. */
  static final int MAX_IMAGE_BYTES = 900_000;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);
  private static final long AUDIO_MAX_DRIFT_MICROS = 40_000;

  static {
    TrustedAvroClasses.install();
    // ffmpeg's own log goes through SLF4J instead of straight to stderr.
    avutil.av_log_set_level(AV_LOG_ERROR);
    FFmpegLogCallback.set();
  }

  private final IngestOptions options;
  private final IngestSink sink;
  private final Consumer<IngestProgress> progress;
  private volatile boolean stopRequested;

  // Run state, continuous across reconnects.
  private long frameSequence;
  private long windowSequence;
  private long decodedFrames;
  private long oversizeFrames;
  private long firstPts = Long.MIN_VALUE;
  private long lastPts = Long.MIN_VALUE;
  private int reconnects;
  private long startNanos;
  private long lastProgressNanos;
  private StreamMetadata lastMetadata;

  /**
   * @param progress called about twice a second with a snapshot (may be a no-op)
   */
  public MediaIngestor(IngestOptions options, IngestSink sink, Consumer<IngestProgress> progress) {
    this.options = options;
    this.sink = sink;
    this.progress = progress;
  }

  /** Asks a running {@link #run()} to finish after the current frame; safe from any thread. */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Ingests until the input ends (file), gives up (live, after the reconnect limit) or {@link
   * #stop()} is called. Everything produced is flushed to the sink before returning or throwing.
   */
  public IngestResult run() {
    startNanos = System.nanoTime();
    boolean network = InputPolicy.isNetwork(options.input());
    String warning = null;
    int failedAttempts = 0;
    try {
      if (!network) {
        InputPolicy.requireReadableFile(options.input());
      }
      while (!stopRequested) {
        Session session;
        try {
          session = open();
        } catch (MediaInputException e) {
          if (!network || !options.reconnect() || !isTransient(e)) {
            throw e;
          }
          failedAttempts++;
          if (options.maxReconnects() > 0 && failedAttempts > options.maxReconnects()) {
            throw new MediaInputException(
                e.kind(),
                e.getMessage() + " (gave up after " + options.maxReconnects() + " reconnects)",
                e);
          }
          backoff(failedAttempts, e.getMessage());
          continue;
        }
        try (session) {
          failedAttempts = 0;
          publishStatus(StreamStatus.STREAMING, null, session);
          warning = pump(session);
          if (!network || !options.reconnect() || stopRequested || session.reachedEnd(lastPts)) {
            break;
          }
          failedAttempts++;
          backoff(failedAttempts, "live input ended or stalled");
        }
      }
      flushAudio();
      publishStatus(StreamStatus.ENDED, warning, null);
      sink.flush();
      return result(warning);
    } catch (MediaInputException e) {
      flushAudioQuietly();
      publishFailure(e);
      throw e;
    }
  }

  private static boolean isTransient(MediaInputException e) {
    return switch (e.kind()) {
      case UNREACHABLE, UNREADABLE, DECODE_ERROR -> true;
      default -> false;
    };
  }

  private void backoff(int attempt, String why) {
    reconnects++;
    long millis = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(attempt, 10));
    LOG.warn(
        "stream {}: {}; reconnect attempt {} in {} ms", options.streamId(), why, attempt, millis);
    publishStatusMessage(StreamStatus.RECONNECTING, why, attempt);
    sleepInterruptibly(millis);
  }

  // ------------------------------------------------------------------ session

  /** One opened input: the grabber plus what was learnt about the source. */
  private final class Session implements AutoCloseable {
    final FFmpegFrameGrabber grabber;
    final Java2DFrameConverter converter = new Java2DFrameConverter();
    final JpegEncoder jpeg = new JpegEncoder(options.jpegQuality());
    final FrameSampler sampler = new FrameSampler(options.frameRate());
    final int channels;
    final ChannelLayout layout;
    final int width;
    final int height;
    final long durationMicros;
    final int sourceWidth;
    final int sourceHeight;
    final double sourceFps;
    final int sourceRate;

    Session(
        FFmpegFrameGrabber grabber,
        int channels,
        ChannelLayout layout,
        int width,
        int height,
        int sourceRate,
        int sourceWidth,
        int sourceHeight) {
      this.grabber = grabber;
      this.channels = channels;
      this.layout = layout;
      this.width = width;
      this.height = height;
      this.durationMicros = declaredDurationMicros(grabber);
      this.sourceWidth = sourceWidth;
      this.sourceHeight = sourceHeight;
      this.sourceFps = grabber.getFrameRate();
      this.sourceRate = sourceRate;
    }

    boolean reachedEnd(long lastPtsMicros) {
      return durationMicros > 0 && lastPtsMicros >= durationMicros * 0.98 - 1_000_000;
    }

    @Override
    public void close() {
      jpeg.close();
      converter.close();
      try {
        grabber.close();
      } catch (FrameGrabber.Exception e) {
        LOG.debug("closing grabber: {}", e.toString());
      }
    }
  }

  private Session open() {
    String input = options.input();
    boolean network = InputPolicy.isNetwork(input);
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input);
    try {
      grabber.setOption("protocol_whitelist", InputPolicy.protocolWhitelist(input));
      if (network) {
        long micros = options.timeout().toNanos() / 1000;
        // Per-read timeout: a stalled source surfaces as an error instead of a hang. (JavaCV's
        // setTimeout would bound the whole open, including probing, which live sources need.)
        grabber.setOption("rw_timeout", Long.toString(micros));
        // Start monitoring a live source within about a second instead of probing for five.
        grabber.setOption("analyzeduration", "1500000");
        grabber.setOption("probesize", "1000000");
      }
      grabber.setSampleFormat(AV_SAMPLE_FMT_S16);
      grabber.setSampleRate(options.sampleRate());
      grabber.setPixelFormat(AV_PIX_FMT_BGR24);
      try {
        grabber.start();
      } catch (FrameGrabber.Exception e) {
        throw openFailure(e, network);
      }
      String shown = InputPolicy.redact(input);
      if (!grabber.hasVideo()) {
        throw new MediaInputException(
            MediaInputException.Kind.NO_VIDEO,
            shown
                + " has no video track; Earshot compares where sounds are seen with where they"
                + " are heard, so it needs video with stereo audio");
      }
      if (!grabber.hasAudio()) {
        throw new MediaInputException(
            MediaInputException.Kind.NO_AUDIO,
            shown + " has no audio track; flip detection needs stereo audio with the video");
      }
      AudioTrackInfo audio = audioTrackInfo(grabber.getFormatContext());
      int channels = audio.channels();
      ChannelLayout layout;
      if (channels == 1) {
        throw new MediaInputException(
            MediaInputException.Kind.MONO,
            shown
                + " has mono audio (1 channel): flip detection needs stereo, two distinct"
                + " channels (left/right), because it asks whether they were swapped");
      } else if (channels == 2) {
        layout = ChannelLayout.STEREO;
      } else if (channels == 4 && (options.ambisonics() || audio.ambisonic())) {
        layout = ChannelLayout.AMBISONIC_FOA_ACN_SN3D;
      } else {
        throw new MediaInputException(
            MediaInputException.Kind.UNSUPPORTED_LAYOUT,
            shown
                + " has "
                + channels
                + "-channel audio (layout '"
                + audio.description()
                + "'); Earshot takes stereo, or 4-channel first-order ambisonics (ACN/SN3D) with"
                + " --ambisonics");
      }
      int width = options.width();
      int height = options.height();
      int sourceWidth = grabber.getImageWidth();
      int sourceHeight = grabber.getImageHeight();
      if (height == 0) {
        int sw = Math.max(1, sourceWidth);
        int sh = Math.max(1, sourceHeight);
        height = Math.max(16, (int) Math.round(width * (double) sh / sw / 2) * 2);
      }
      grabber.setImageWidth(width);
      grabber.setImageHeight(height);
      return new Session(
          grabber, channels, layout, width, height, audio.sampleRate(), sourceWidth, sourceHeight);
    } catch (RuntimeException e) {
      try {
        grabber.close();
      } catch (FrameGrabber.Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private MediaInputException openFailure(FrameGrabber.Exception e, boolean network) {
    String shown = InputPolicy.redact(options.input());
    String detail = rootMessage(e);
    if (detail.contains("Protocol not on whitelist") || detail.contains("not on whitelist")) {
      return new MediaInputException(
          MediaInputException.Kind.FORBIDDEN_PROTOCOL,
          shown
              + " tried to use a protocol that is not allowed for this input ("
              + detail
              + "); a remote playlist may not reference local files",
          e);
    }
    if (network) {
      return new MediaInputException(
          MediaInputException.Kind.UNREACHABLE,
          "cannot open " + shown + ": " + detail + " (is the source running and reachable?)",
          e);
    }
    return new MediaInputException(
        MediaInputException.Kind.UNREADABLE,
        "cannot read "
            + shown
            + " as media: "
            + detail
            + " (the file is truncated, corrupt or not a video)",
        e);
  }

  private static final java.util.regex.Pattern FFMPEG_ERROR =
      java.util.regex.Pattern.compile("error (-\\d+)");

  /** JavaCV's message without its generic hints, with ffmpeg's error code spelled out. */
  static String rootMessage(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    message =
        message
            .replace("(Has setFormat() been called?)", "")
            .replace("(For more details, make sure FFmpegLogCallback.set() has been called.)", "")
            .replace('\n', ' ')
            .trim();
    java.util.regex.Matcher m = FFMPEG_ERROR.matcher(message);
    if (m.find()) {
      try (BytePointer buf = new BytePointer(256)) {
        if (avutil.av_strerror(Integer.parseInt(m.group(1)), buf, 256) == 0) {
          message = message + " [" + cString(buf, 256) + "]";
        }
      }
    }
    return message;
  }

  private static String cString(BytePointer buf, int size) {
    byte[] bytes = new byte[size];
    buf.get(bytes);
    int len = 0;
    while (len < bytes.length && bytes[len] != 0) {
      len++;
    }
    return new String(bytes, 0, len, StandardCharsets.UTF_8);
  }

  /** Parses HH:MM:SS(.fraction) into microseconds; 0 when it is not that. */
  static long parseClock(String clock) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+):(\\d{2}):(\\d{2})(?:\\.(\\d+))?")
            .matcher(clock.trim());
    if (!m.matches()) {
      return 0;
    }
    String fraction = m.group(4) == null ? "0" : (m.group(4) + "000000").substring(0, 6);
    return ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60
                + Long.parseLong(m.group(3)))
            * 1_000_000L
        + Long.parseLong(fraction);
  }

  /**
   * The shortest duration any stream declares (container totals are often padded by the longest or
   * a mis-stamped stream), or 0 when nothing is declared (live sources).
   */
  private static long declaredDurationMicros(FFmpegFrameGrabber grabber) {
    AVFormatContext context = grabber.getFormatContext();
    long shortest = Long.MAX_VALUE;
    for (int i = 0; i < context.nb_streams(); i++) {
      org.bytedeco.ffmpeg.avformat.AVStream st = context.streams(i);
      if (st.duration() > 0 && st.duration() != avutil.AV_NOPTS_VALUE) {
        long micros = st.duration() * 1_000_000L * st.time_base().num() / st.time_base().den();
        shortest = Math.min(shortest, micros);
      }
      // Matroska declares per-stream durations as a DURATION tag (HH:MM:SS.nnnnnnnnn).
      org.bytedeco.ffmpeg.avutil.AVDictionaryEntry tag =
          avutil.av_dict_get(st.metadata(), "DURATION", null, 0);
      if (tag != null && !tag.isNull()) {
        long micros = parseClock(tag.value().getString());
        if (micros > 0) {
          shortest = Math.min(shortest, micros);
        }
      }
    }
    if (shortest != Long.MAX_VALUE) {
      return shortest;
    }
    return Math.max(0, grabber.getLengthInTime());
  }

  private record AudioTrackInfo(
      int channels, boolean ambisonic, String description, int sampleRate) {}

  private static AudioTrackInfo audioTrackInfo(AVFormatContext context) {
    for (int i = 0; i < context.nb_streams(); i++) {
      AVCodecParameters par = context.streams(i).codecpar();
      if (par.codec_type() == AVMEDIA_TYPE_AUDIO) {
        int channels = par.ch_layout().nb_channels();
        boolean ambisonic = par.ch_layout().order() == AV_CHANNEL_ORDER_AMBISONIC;
        String description;
        try (BytePointer buf = new BytePointer(128)) {
          int n = avutil.av_channel_layout_describe(par.ch_layout(), buf, 128);
          description = n > 0 ? cString(buf, 128) : channels + " channels";
        }
        return new AudioTrackInfo(channels, ambisonic, description, par.sample_rate());
      }
    }
    return new AudioTrackInfo(0, false, "none", 0);
  }

  // ------------------------------------------------------------------ pump

  private AudioWindower windower;
  private int windowerChannels;
  private Session current;

  /** Reads the session to its end; returns a warning when it ended early, else null. */
  private String pump(Session session) {
    current = session;
    int windowFrames = options.sampleRate() * options.windowMillis() / 1000;
    if (windower == null || windowerChannels != session.channels) {
      flushAudio();
      windower =
          new AudioWindower(
              options.sampleRate(), session.channels, windowFrames, AUDIO_MAX_DRIFT_MICROS);
      windowerChannels = session.channels;
    }
    long sessionFirstPts = Long.MIN_VALUE;
    long pacingStartNanos = System.nanoTime();
    while (!stopRequested) {
      Frame frame;
      try {
        frame = session.grabber.grab();
      } catch (FrameGrabber.Exception e) {
        if (InputPolicy.isNetwork(options.input())) {
          LOG.warn("stream {}: read failed: {}", options.streamId(), rootMessage(e));
          return null;
        }
        return "decoding stopped at "
            + seconds(lastPts)
            + " s: "
            + rootMessage(e)
            + " (the file is corrupt after this point)";
      }
      if (frame == null) {
        break;
      }
      long pts = frame.timestamp;
      if (sessionFirstPts == Long.MIN_VALUE) {
        sessionFirstPts = pts;
        pacingStartNanos = System.nanoTime();
      }
      if (options.realtime()) {
        pace(pacingStartNanos, pts - sessionFirstPts);
      }
      if (frame.image != null) {
        decodedFrames++;
        if (session.sampler.accept(pts)) {
          emitFrame(session, frame, pts);
        }
        notePts(pts);
      } else if (frame.samples != null) {
        emitAudio(frame, pts, session.channels);
        notePts(pts);
      }
      reportProgress(session, false);
    }
    reportProgress(session, true);
    if (!InputPolicy.isNetwork(options.input())
        && session.durationMicros > 2_000_000
        && lastPts != Long.MIN_VALUE
        && lastPts - Math.max(0, session.grabber.getFormatContext().start_time())
            < session.durationMicros * 0.9 - 1_000_000) {
      return String.format(
          "input ended at %.1f s of its declared %.1f s: the file looks truncated or corrupt;"
              + " everything before that point was ingested",
          seconds(lastPts), session.durationMicros / 1e6);
    }
    return null;
  }

  private void notePts(long pts) {
    if (firstPts == Long.MIN_VALUE) {
      firstPts = pts;
    }
    lastPts = Math.max(lastPts, pts);
  }

  private void pace(long startNanos, long mediaOffsetMicros) {
    long due = startNanos + mediaOffsetMicros * 1000;
    long wait = due - System.nanoTime();
    if (wait > 1_000_000) {
      sleepInterruptibly(wait / 1_000_000);
    }
  }

  private void emitFrame(Session session, Frame frame, long pts) {
    byte[] jpeg = session.jpeg.encode(session.converter.getBufferedImage(frame));
    if (jpeg.length > MAX_IMAGE_BYTES) {
      if (oversizeFrames++ == 0) {
        LOG.warn(
            "stream {}: a {}x{} frame encodes to {} bytes, over the {} byte record budget; such"
                + " frames are dropped: lower --width or --jpeg-quality",
            options.streamId(),
            session.width,
            session.height,
            jpeg.length,
            MAX_IMAGE_BYTES);
      }
      return;
    }
    sink.frame(
        VideoFrame.newBuilder()
            .setStreamId(options.streamId())
            .setSequence(frameSequence++)
            .setPtsMicros(pts)
            .setIngestTimeMillis(Instant.now())
            .setWidth(session.width)
            .setHeight(session.height)
            .setSizeBytes(jpeg.length)
            .setEncoding(ImageEncoding.JPEG)
            .setImage(ByteBuffer.wrap(jpeg))
            .build());
  }

  private void emitAudio(Frame frame, long pts, int channels) {
    ShortBuffer buffer = (ShortBuffer) frame.samples[0];
    int n = buffer.remaining();
    if (n == 0) {
      return;
    }
    short[] samples = new short[n - n % channels];
    buffer.duplicate().get(samples);
    for (AudioWindower.Window w : windower.add(pts, samples, 0, samples.length)) {
      sendWindow(w);
    }
  }

  private void sendWindow(AudioWindower.Window w) {
    sink.audio(
        AudioWindow.newBuilder()
            .setStreamId(options.streamId())
            .setSequence(windowSequence++)
            .setStartPtsMicros(w.startPtsMicros())
            .setIngestTimeMillis(Instant.now())
            .setSampleRate(options.sampleRate())
            .setChannels(windowerChannels)
            .setLayout(
                windowerChannels == 4 ? ChannelLayout.AMBISONIC_FOA_ACN_SN3D : ChannelLayout.STEREO)
            .setFrameCount(w.frameCount())
            .setSampleFormat(SampleFormat.S16LE)
            .setPcm(ByteBuffer.wrap(Pcm.toS16le(w.interleaved())))
            .build());
  }

  private void flushAudio() {
    if (windower != null) {
      for (AudioWindower.Window w : windower.flush()) {
        sendWindow(w);
      }
    }
  }

  private void flushAudioQuietly() {
    try {
      flushAudio();
    } catch (RuntimeException e) {
      LOG.debug("flushing audio after failure: {}", e.toString());
    }
  }

  private void reportProgress(Session session, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastProgressNanos < PROGRESS_INTERVAL.toNanos()) {
      return;
    }
    lastProgressNanos = now;
    long start = Math.max(0, session.grabber.getFormatContext().start_time());
    double position = lastPts == Long.MIN_VALUE ? 0 : Math.max(0, (lastPts - start) / 1e6);
    progress.accept(
        new IngestProgress(
            position,
            session.durationMicros / 1e6,
            frameSequence,
            windowSequence,
            (now - startNanos) / 1e9));
  }

  // ------------------------------------------------------------------ status

  private void publishStatus(StreamStatus status, String message, Session session) {
    publishStatus(status, message, session, 0);
  }

  private void publishStatus(StreamStatus status, String message, Session session, int attempt) {
    StreamMetadata.Builder b =
        lastMetadata == null
            ? StreamMetadata.newBuilder()
            : StreamMetadata.newBuilder(lastMetadata);
    b.setStreamId(options.streamId())
        .setStatus(status)
        .setTimestampMillis(Instant.now())
        .setSource(InputPolicy.redact(options.input()))
        .setMessage(message)
        .setReconnectAttempt(attempt)
        .setFrameRate(options.frameRate())
        .setSampleRate(options.sampleRate())
        .setWindowMillis(options.windowMillis())
        .setFramesProduced(frameSequence)
        .setWindowsProduced(windowSequence);
    if (session != null) {
      b.setSourceWidth(session.sourceWidth)
          .setSourceHeight(session.sourceHeight)
          .setSourceFrameRate(session.sourceFps)
          .setSourceSampleRate(session.sourceRate)
          .setSourceChannels(session.channels)
          .setFrameWidth(session.width)
          .setFrameHeight(session.height)
          .setChannels(session.channels)
          .setLayout(session.layout);
    } else if (lastMetadata == null) {
      b.setFrameWidth(options.width())
          .setFrameHeight(options.height())
          .setChannels(0)
          .setLayout(ChannelLayout.STEREO);
    }
    lastMetadata = b.build();
    sink.metadata(lastMetadata);
  }

  private void publishStatusMessage(StreamStatus status, String message, int attempt) {
    publishStatus(status, message, null, attempt);
  }

  private void publishFailure(MediaInputException e) {
    try {
      publishStatus(StreamStatus.FAILED, e.getMessage(), null);
      sink.deadLetter(
          DeadLetter.newBuilder()
              .setStage("ingest")
              .setReason(e.getMessage())
              .setErrorClass(e.kind().name())
              .setStreamId(options.streamId())
              .setTimestampMillis(Instant.now())
              .build());
      sink.flush();
    } catch (RuntimeException publishing) {
      e.addSuppressed(publishing);
    }
  }

  private IngestResult result(String warning) {
    double media = firstPts == Long.MIN_VALUE ? 0 : (lastPts - firstPts) / 1e6;
    return new IngestResult(
        frameSequence,
        windowSequence,
        decodedFrames,
        media,
        (System.nanoTime() - startNanos) / 1e9,
        reconnects,
        oversizeFrames,
        warning);
  }

  private double seconds(long pts) {
    if (pts == Long.MIN_VALUE) {
      return 0;
    }
    long start = current == null ? 0 : Math.max(0, current.grabber.getFormatContext().start_time());
    return Math.max(0, (pts - start) / 1e6);
  }

  private void sleepInterruptibly(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (!stopRequested && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(Math.min(100, Math.max(1, deadline - System.currentTimeMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopRequested = true;
      }
    }
  }
}
