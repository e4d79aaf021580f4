package io.earshot.flink.inference;

import io.earshot.domain.ClipAssembler;
import io.earshot.domain.Pcm;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per stream, cuts clips in the stream's own media time ({@link ClipAssembler} in keyed state) from
 * frames already decoded by {@link DecodeFunction}. Media timestamps of different streams are not
 * comparable, so Flink's event time (the ingest wall clock) only drives the end-of-input flush;
 * clip boundaries come from the media.
 */
public class ClipAssemblyFunction extends KeyedProcessFunction<String, MediaEvent, ClipJob> {

  private static final long serialVersionUID = 1L;

  private final double clipSeconds;
  private final double hopSeconds;
  private final int framesPerClip;
  private final long stallMillis;
  private transient ValueState<ClipAssembler> assembler;
  private transient ValueState<long[]> lastArrival; // wall clock of the last frame, last window
  private transient Counter late;
  private transient Counter noSignal;

  public ClipAssemblyFunction(
      double clipSeconds, double hopSeconds, int framesPerClip, double stallSeconds) {
    this.clipSeconds = clipSeconds;
    this.hopSeconds = hopSeconds;
    this.framesPerClip = framesPerClip;
    this.stallMillis = Math.round(stallSeconds * 1000);
  }

  @Override
  public void open(OpenContext context) {
    assembler =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "clip-assembler", TypeInformation.of(ClipAssembler.class)));
    lastArrival =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("last-arrival", TypeInformation.of(long[].class)));
    late = getRuntimeContext().getMetricGroup().counter("earshot_late_records_dropped");
    noSignal = getRuntimeContext().getMetricGroup().counter("earshot_no_signal_clips");
  }

  @Override
  public void processElement(MediaEvent e, Context ctx, Collector<ClipJob> out) throws Exception {
    ClipAssembler a = assembler.value();
    if (a == null) {
      a = new ClipAssembler(clipSeconds, hopSeconds, framesPerClip, 1e-3);
      // Fires when a bounded input ends (final watermark); a live stream never reaches it.
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
    }
    long before = a.lateRecords();
    List<ClipAssembler.Cut> cuts =
        e.audio
            ? a.addAudio(
                e.ptsMicros, Pcm.fromS16le(e.payload), e.channels, e.sampleRate, e.ingestMillis)
            : a.addFrame(e.ptsMicros, e.payload, e.ingestMillis);
    late.inc(a.lateRecords() - before);
    assembler.update(a);
    long now = ctx.timerService().currentProcessingTime();
    long[] arrival = lastArrival.value();
    if (arrival == null) {
      arrival = new long[] {now, now};
    }
    arrival[e.audio ? 1 : 0] = now;
    lastArrival.update(arrival);
    // Check for a stalled medium a little after the stall limit (coalesced to 1 s ticks).
    ctx.timerService().registerProcessingTimeTimer((now + stallMillis) / 1000 * 1000 + 1000);
    emit(ctx.getCurrentKey(), cuts, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClipJob> out) throws Exception {
    ClipAssembler a = assembler.value();
    if (a == null) {
      return;
    }
    if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.EVENT_TIME) {
      emit(ctx.getCurrentKey(), a.flush(), out);
      assembler.clear();
      lastArrival.clear();
      return;
    }
    long[] arrival = lastArrival.value();
    long now = ctx.timerService().currentProcessingTime();
    if (arrival != null && (now - arrival[0] >= stallMillis) != (now - arrival[1] >= stallMillis)) {
      // One medium stopped while the other goes on: its clips are no-signal, not waiting forever.
      emit(ctx.getCurrentKey(), a.forceUpTo(a.mediaProgress()), out);
      assembler.update(a);
    }
  }

  private static byte[] concat(List<byte[]> frames) {
    if (frames == null || frames.isEmpty()) {
      return null;
    }
    int n = 0;
    for (byte[] f : frames) {
      n += f.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] f : frames) {
      System.arraycopy(f, 0, out, at, f.length);
      at += f.length;
    }
    return out;
  }

  private void emit(String streamId, List<ClipAssembler.Cut> cuts, Collector<ClipJob> out) {
    for (ClipAssembler.Cut c : cuts) {
      ClipJob j = new ClipJob();
      j.streamId = streamId;
      j.startMicros = c.startMicros();
      j.endMicros = c.endMicros();
      j.rgb = concat(c.frames());
      j.pcm = c.pcm();
      j.channels = c.channels();
      j.sampleRate = c.sampleRate();
      j.newestIngestMillis = c.newestIngestMillis();
      j.reason = c.reason();
      if (c.reason() != null) {
        noSignal.inc();
      }
      out.collect(j);
    }
  }
}
