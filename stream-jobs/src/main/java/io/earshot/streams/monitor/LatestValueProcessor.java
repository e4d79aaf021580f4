package io.earshot.streams.monitor;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the newest raw record per stream in a store (latest frame, latest track) for the operator
 * page. Values stay encoded: they are decoded only when the page asks for one.
 */
final class LatestValueProcessor implements Processor<String, byte[], Void, Void> {

  private final String storeName;
  private KeyValueStore<String, byte[]> store;

  LatestValueProcessor(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() != null && record.value() != null) {
      store.put(record.key(), record.value());
    }
  }
}
