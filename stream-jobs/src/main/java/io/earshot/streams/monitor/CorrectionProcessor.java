package io.earshot.streams.monitor;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.ChannelLayout;
import io.earshot.domain.Pcm;
import io.earshot.domain.StreamStatus;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes the audio of streams with correction enabled to {@code av.audio.corrected}, with left and
 * right swapped back while the stream's swap is active (from a confirmed FLIPPED until a confirmed
 * OK, see {@link StreamStatus#swapActive()}). Reads the same status store as {@link
 * PredictionProcessor}; both topics are keyed by stream id with the same partition count, so a
 * stream's audio and predictions meet in one task.
 *
 * <p>The swap applies from the moment FLIPPED is confirmed: windows that passed before (the
 * detection delay, a few seconds) are not rewritten. Only stereo is swapped; ambisonic windows pass
 * unchanged (mirroring a sound field is not a channel swap).
 */
final class CorrectionProcessor implements Processor<String, AudioWindow, String, AudioWindow> {

  private final FlipMonitorConfig.CorrectionPolicy policy;
  private final MonitorMetrics metrics;
  private ProcessorContext<String, AudioWindow> context;
  private KeyValueStore<String, StreamStatus> store;

  CorrectionProcessor(FlipMonitorConfig.CorrectionPolicy policy, MonitorMetrics metrics) {
    this.policy = policy;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, AudioWindow> context) {
    this.context = context;
    this.store = context.getStateStore(FlipMonitorTopology.STATUS_STORE);
  }

  @Override
  public void process(Record<String, AudioWindow> record) {
    AudioWindow w = record.value();
    if (w == null || !policy.enabled(w.getStreamId())) {
      return;
    }
    StreamStatus status = store.get(w.getStreamId());
    if (status == null || !status.swapActive()) {
      metrics.corrected("passed");
      context.forward(record);
      return;
    }
    if (w.getLayout() != ChannelLayout.STEREO || w.getChannels() != 2) {
      metrics.corrected("unsupported_layout");
      context.forward(record);
      return;
    }
    ByteBuffer pcm = w.getPcm().duplicate();
    byte[] bytes = new byte[pcm.remaining()];
    pcm.get(bytes);
    byte[] swapped = Pcm.toS16le(Pcm.swapLeftRight(Pcm.fromS16le(bytes), 2));
    AudioWindow out = AudioWindow.newBuilder(w).setPcm(ByteBuffer.wrap(swapped)).build();
    metrics.corrected("swapped");
    context.forward(record.withValue(out));
  }
}
