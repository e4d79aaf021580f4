package io.earshot.cli;

import picocli.CommandLine.Option;

/** Where the Kafka stack is: shared by commands that talk to a broker and a registry. */
final class StackOptions {

  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7";

  @Option(
      names = "--bootstrap-servers",
      defaultValue = DEFAULT_BOOTSTRAP,
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the local stack).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      defaultValue = DEFAULT_REGISTRY,
      description =
          "Schema registry URL, Confluent API (default: ${DEFAULT-VALUE}, the local stack;"
              + " for Confluent Schema Registry use e.g. http://host:8081).")
  String registryUrl;
}
