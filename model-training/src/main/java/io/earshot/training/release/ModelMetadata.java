package io.earshot.training.release;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The metadata file written next to an exported SavedModel ({@value #FILE_NAME}): input contract,
 * network config, version, training data, evaluation metrics and the SHA-256 of every file.
 */
public record ModelMetadata(
    int formatVersion,
    String name,
    String version,
    String config,
    String createdAt,
    InputContract input,
    String signatureFlip,
    String signatureEmbed,
    Map<String, Object> training,
    Map<String, Double> metrics,
    Map<String, String> files) {

  public static final String FILE_NAME = "earshot-model.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public void write(Path modelDir) {
    try {
      JSON.writeValue(modelDir.resolve(FILE_NAME).toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + FILE_NAME + " in " + modelDir, e);
    }
  }

  /** Reads the metadata of a model directory, with a clear error when it is not one. */
  public static ModelMetadata read(Path modelDir) {
    Path file = modelDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(
          modelDir
              + " is not an Earshot model: "
              + FILE_NAME
              + " is missing (export it with ./earshot train)");
    }
    try {
      return JSON.readValue(file.toFile(), ModelMetadata.class);
    } catch (IOException e) {
      throw new InvalidModelException(file + " is not valid model metadata: " + e.getMessage());
    }
  }

  public ModelMetadata withFiles(Map<String, String> hashes) {
    return new ModelMetadata(
        formatVersion,
        name,
        version,
        config,
        createdAt,
        input,
        signatureFlip,
        signatureEmbed,
        training,
        metrics,
        hashes);
  }

  public ModelMetadata withMetrics(Map<String, Double> m) {
    return new ModelMetadata(
        formatVersion,
        name,
        version,
        config,
        createdAt,
        input,
        signatureFlip,
        signatureEmbed,
        training,
        m,
        files);
  }
}
