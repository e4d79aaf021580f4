package io.earshot.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.avro.ClipPrediction;
import io.earshot.testing.SharedStack;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real registry enforces BACKWARD compatibility on Earshot's subjects. */
@ExtendWith(SharedStack.class)
class SchemaCompatibilityIT {

  private static SchemaRegistryClient registry;

  @BeforeAll
  static void startStack(io.earshot.stack.LocalStack stack) {
    registry = new SchemaRegistryClient(stack.registryUrl());
  }

  private static Schema v1() {
    return SchemaBuilder.record("Reading")
        .namespace("io.earshot.test")
        .fields()
        .requiredString("streamId")
        .requiredDouble("value")
        .endRecord();
  }

  @Test
  void shouldRejectIncompatibleChangeWhenPolicyIsBackward() {
    String subject = "compat-reject-value";
    registry.register(subject, v1());
    Schema newRequiredField =
        SchemaBuilder.record("Reading")
            .namespace("io.earshot.test")
            .fields()
            .requiredString("streamId")
            .requiredDouble("value")
            .requiredString("unit") // no default: new readers cannot read old records
            .endRecord();

    assertThat(registry.isCompatible(subject, newRequiredField)).isFalse();
    assertThatThrownBy(() -> registry.register(subject, newRequiredField))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue())
        .hasMessageContaining("409");
  }

  @Test
  void shouldAcceptCompatibleChangeAndResolveOldRecordsWhenFieldHasDefault() throws Exception {
    String subject = "compat-accept-value";
    int v1Id = registry.register(subject, v1());
    Schema v2 =
        SchemaBuilder.record("Reading")
            .namespace("io.earshot.test")
            .fields()
            .requiredString("streamId")
            .requiredDouble("value")
            .name("unit")
            .type()
            .stringType()
            .stringDefault("dB")
            .endRecord();

    assertThat(registry.isCompatible(subject, v2)).isTrue();
    int v2Id = registry.register(subject, v2);
    assertThat(v2Id).isNotEqualTo(v1Id);

    // A record written with v1 decodes with v2 as the reader schema, taking the default.
    GenericRecord old = new GenericData.Record(v1());
    old.put("streamId", "cam-1");
    old.put("value", 0.5);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0);
    out.write(java.nio.ByteBuffer.allocate(4).putInt(v1Id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v1()).write(old, enc);
    enc.flush();
    byte[] bytes = out.toByteArray();
    Schema writer = registry.schemaById(ConfluentWireFormat.schemaId(bytes));
    GenericRecord read =
        new org.apache.avro.generic.GenericDatumReader<GenericRecord>(writer, v2)
            .read(
                null,
                org.apache.avro.io.DecoderFactory.get()
                    .binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(read.get("unit").toString()).isEqualTo("dB");
    assertThat(read.get("value")).isEqualTo(0.5);
  }

  @Test
  void shouldKeepEarshotSchemasBackwardCompatibleWhenReRegistered() {
    // Registering the current generated schema twice is idempotent (same id), as producers do.
    String subject = "compat-prediction-value";
    int first = registry.register(subject, ClipPrediction.getClassSchema());
    int again =
        new SchemaRegistryClient(registry.baseUrl())
            .register(subject, ClipPrediction.getClassSchema());
    assertThat(again).isEqualTo(first);
  }
}
