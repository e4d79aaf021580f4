package io.earshot.training.release;

import io.earshot.avro.ModelRelease;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes an exported model: verifies its files against its metadata, copies it into the model
 * store as {@code <store>/<name>/<version>/} (refusing to overwrite a different release of the same
 * version), then announces a {@link ModelRelease} on {@value Topics#MODELS}, keyed by model name,
 * which running jobs follow.
 */
public final class ModelPublisher {

  private ModelPublisher() {}

  /** Copies the model into the store; returns its directory there and its metadata. */
  public static Path store(Path modelDir, Path store) {
    ModelMetadata meta = ModelFiles.verify(modelDir, null);
    Path target = store.resolve(meta.name()).resolve(meta.version());
    try {
      if (Files.exists(target)) {
        ModelMetadata existing = ModelMetadata.read(target);
        if (!ModelFiles.digest(existing.files()).equals(ModelFiles.digest(meta.files()))) {
          throw new InvalidModelException(
              "the store already has a different "
                  + meta.name()
                  + " version "
                  + meta.version()
                  + " at "
                  + target
                  + ": give the new model a new version");
        }
        return target;
      }
      Path partial =
          Files.createDirectories(target.getParent()).resolve(meta.version() + ".partial");
      try (Stream<Path> files = Files.walk(modelDir)) {
        for (Path p : files.sorted().toList()) {
          Path dest = partial.resolve(modelDir.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      // Readers never see a half-copied model: the version directory appears atomically.
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      ModelFiles.verify(target, null);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy " + modelDir + " into the model store " + store, e);
    }
  }

  /** The release record announcing a stored model. */
  public static ModelRelease release(Path storedDir) {
    ModelMetadata meta = ModelFiles.verify(storedDir, null);
    InputContract in = meta.input();
    return ModelRelease.newBuilder()
        .setModelName(meta.name())
        .setVersion(meta.version())
        .setUri(storedDir.toUri().toString())
        .setSha256(ModelFiles.digest(meta.files()))
        .setConfig(meta.config())
        .setClipSeconds(in.clipSeconds())
        .setFrameRate(in.fps())
        .setFrameWidth(in.width())
        .setFrameHeight(in.height())
        .setSampleRate(in.sampleRate())
        .setChannels(in.channels())
        .setMetrics(meta.metrics() == null ? java.util.Map.of() : meta.metrics())
        .setReleasedAtMillis(Instant.now())
        .setDescription(
            meta.training() == null ? null : String.valueOf(meta.training().get("data")))
        .build();
  }

  /** Stores the model and announces it; returns the release. */
  public static ModelRelease publish(
      Path modelDir, Path store, String bootstrapServers, String registryUrl) {
    Path stored = store(modelDir, store);
    ModelRelease release = release(stored);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, ModelRelease> producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            new AvroSerializer<>(new SchemaRegistryClient(registryUrl), false))) {
      producer.send(new ProducerRecord<>(Topics.MODELS, release.getModelName(), release)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot announce the release on " + Topics.MODELS + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing", e);
    }
    return release;
  }
}
