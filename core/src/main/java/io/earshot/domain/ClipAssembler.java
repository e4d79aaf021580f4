package io.earshot.domain;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-stream clip assembly in media time: buffers sampled frames (by presentation timestamp) and
 * audio windows (by start timestamp) and cuts clips of a fixed length every hop, as soon as both
 * media cover the clip. A clip whose audio or frames are missing once the other medium is well past
 * it, or whose audio is silent, becomes a no-signal clip instead of going to the model. Data older
 * than the next clip start (already cut) is late: counted and dropped.
 *
 * <p>Pure logic (no Flink), so it is unit-tested on its own and kept in Flink keyed state.
 */
public final class ClipAssembler implements Serializable {

  private static final long serialVersionUID = 1L;

  /** A clip ready for the model, or a no-signal verdict when {@code reason} is non-null. */
  public record Cut(
      long startMicros,
      long endMicros,
      List<byte[]> frames,
      short[] pcm,
      int channels,
      int sampleRate,
      long newestIngestMillis,
      String reason)
      implements Serializable {}

  private final long clipMicros;
  private final long hopMicros;
  private final int framesPerClip;
  private final double silenceRms;
  private final TreeMap<Long, byte[]> frames = new TreeMap<>();
  private final TreeMap<Long, short[]> audio = new TreeMap<>();
  private final TreeMap<Long, Long> ingest = new TreeMap<>();
  private long nextStart = Long.MIN_VALUE;
  private long maxFramePts = Long.MIN_VALUE;
  private long maxAudioEnd = Long.MIN_VALUE;
  private int channels;
  private int sampleRate;
  private long late;

  /**
   * @param clipSeconds clip length
   * @param hopSeconds distance between clip starts
   * @param framesPerClip frames the model takes
   * @param silenceRms clips quieter than this are no-signal
   */
  public ClipAssembler(
      double clipSeconds, double hopSeconds, int framesPerClip, double silenceRms) {
    this.clipMicros = Math.round(clipSeconds * 1e6);
    this.hopMicros = Math.round(hopSeconds * 1e6);
    this.framesPerClip = framesPerClip;
    this.silenceRms = silenceRms;
  }

  public long lateRecords() {
    return late;
  }

  /** Adds a frame; returns clips completed by it. */
  public List<Cut> addFrame(long ptsMicros, byte[] jpeg, long ingestMillis) {
    if (nextStart != Long.MIN_VALUE && ptsMicros < nextStart - hopMicros) {
      late++;
      return List.of();
    }
    frames.put(ptsMicros, jpeg);
    ingest.merge(ptsMicros, ingestMillis, Math::max);
    maxFramePts = Math.max(maxFramePts, ptsMicros);
    anchor(ptsMicros);
    return drain();
  }

  /** Adds an audio window; returns clips completed by it. */
  public List<Cut> addAudio(
      long startMicros, short[] pcm, int channels, int sampleRate, long ingestMillis) {
    long end = startMicros + (pcm.length / channels) * 1_000_000L / sampleRate;
    if (nextStart != Long.MIN_VALUE && end <= nextStart - hopMicros) {
      late++;
      return List.of();
    }
    this.channels = channels;
    this.sampleRate = sampleRate;
    audio.put(startMicros, pcm);
    ingest.merge(startMicros, ingestMillis, Math::max);
    maxAudioEnd = Math.max(maxAudioEnd, end);
    anchor(startMicros);
    return drain();
  }

  /**
   * Cuts every clip that ends by {@code micros} whatever is buffered: for when one medium has
   * stopped arriving while the other goes on (its clips become no-signal).
   */
  public List<Cut> forceUpTo(long micros) {
    List<Cut> out = new ArrayList<>();
    while (nextStart != Long.MIN_VALUE && nextStart + clipMicros <= micros) {
      out.add(cut());
      advance();
    }
    return out;
  }

  /** The furthest media time either medium has reached, or Long.MIN_VALUE. */
  public long mediaProgress() {
    return Math.max(maxFramePts, maxAudioEnd);
  }

  /** Cuts whatever is pending at the end of a bounded input. */
  public List<Cut> flush() {
    maxFramePts = Long.MAX_VALUE / 4;
    maxAudioEnd = Long.MAX_VALUE / 4;
    List<Cut> out = new ArrayList<>();
    while (nextStart != Long.MIN_VALUE
        && (!frames.isEmpty() || !audio.isEmpty())
        && (frames.isEmpty() || nextStart <= frames.lastKey())) {
      Cut c = cut();
      if (c.reason() == null || !frames.isEmpty() || !audio.isEmpty()) {
        out.add(c);
      }
      advance();
    }
    return out;
  }

  private void anchor(long pts) {
    if (nextStart == Long.MIN_VALUE) {
      nextStart = pts;
    }
  }

  private List<Cut> drain() {
    List<Cut> out = new ArrayList<>();
    while (nextStart != Long.MIN_VALUE) {
      long end = nextStart + clipMicros;
      // Both media must have moved past the clip: when reading a backlog one topic can run far
      // ahead of the other, so being ahead says nothing about the other medium missing. A medium
      // that stops altogether is handled by the caller's stall timer (forceUpTo).
      boolean framesDone = maxFramePts >= end - frameInterval() / 2;
      boolean audioDone = maxAudioEnd >= end;
      if (framesDone && audioDone) {
        out.add(cut());
        advance();
      } else {
        break;
      }
    }
    return out;
  }

  private long frameInterval() {
    return clipMicros / Math.max(1, framesPerClip);
  }

  private Cut cut() {
    long start = nextStart;
    long end = start + clipMicros;
    long newest =
        ingest.subMap(start, end).values().stream().mapToLong(Long::longValue).max().orElse(0);
    // Frames: nearest buffered frame to each of the model's sampling instants.
    List<byte[]> picked = new ArrayList<>(framesPerClip);
    long interval = frameInterval();
    for (int k = 0; k < framesPerClip; k++) {
      long target = start + k * interval;
      Map.Entry<Long, byte[]> floor = frames.floorEntry(target);
      Map.Entry<Long, byte[]> ceil = frames.ceilingEntry(target);
      Map.Entry<Long, byte[]> best =
          floor == null
              ? ceil
              : ceil == null
                  ? floor
                  : (target - floor.getKey() <= ceil.getKey() - target ? floor : ceil);
      if (best != null && Math.abs(best.getKey() - target) <= interval * 2) {
        picked.add(best.getValue());
      }
    }
    if (picked.size() < framesPerClip) {
      return noSignal(
          start, end, newest, "missing frames (" + picked.size() + " of " + framesPerClip + ")");
    }
    if (sampleRate == 0) {
      return noSignal(start, end, newest, "missing audio");
    }
    int samples = (int) (clipMicros * sampleRate / 1_000_000L);
    short[] pcm = new short[samples * channels];
    int filled = 0;
    for (Map.Entry<Long, short[]> e : audio.subMap(start - 10_000_000L, end).entrySet()) {
      long offset = (e.getKey() - start) * sampleRate / 1_000_000L; // frames from clip start
      short[] w = e.getValue();
      int n = w.length / channels;
      for (int i = 0; i < n; i++) {
        long idx = offset + i;
        if (idx >= 0 && idx < samples) {
          System.arraycopy(w, i * channels, pcm, (int) idx * channels, channels);
          filled++;
        }
      }
    }
    if (filled < samples * 0.9) {
      return noSignal(
          start,
          end,
          newest,
          String.format(
              "missing audio (%.0f%% of the clip)", 100.0 * (samples - filled) / samples));
    }
    double sum = 0;
    for (short s : pcm) {
      sum += s * (double) s;
    }
    double rms = Math.sqrt(sum / pcm.length) / 32768.0;
    if (rms < silenceRms) {
      return noSignal(start, end, newest, "silent audio");
    }
    return new Cut(start, end, picked, pcm, channels, sampleRate, newest, null);
  }

  private Cut noSignal(long start, long end, long newest, String reason) {
    return new Cut(start, end, List.of(), null, channels, sampleRate, newest, reason);
  }

  private void advance() {
    nextStart += hopMicros;
    long keepFramesFrom = nextStart - frameInterval() * 2;
    frames.headMap(keepFramesFrom).clear();
    while (!audio.isEmpty()) {
      Map.Entry<Long, short[]> first = audio.firstEntry();
      long end =
          first.getKey()
              + (first.getValue().length / Math.max(1, channels))
                  * 1_000_000L
                  / Math.max(1, sampleRate);
      if (end <= nextStart) {
        audio.pollFirstEntry();
      } else {
        break;
      }
    }
    ingest
        .headMap(Math.min(keepFramesFrom, audio.isEmpty() ? nextStart : audio.firstKey()))
        .clear();
  }
}
