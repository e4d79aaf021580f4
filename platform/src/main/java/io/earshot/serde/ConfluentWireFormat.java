package io.earshot.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's framing of a schema-registry encoded record: magic byte 0, the schema id as a 4-byte
 * big-endian int, then the Avro binary body.
 */
public final class ConfluentWireFormat {

  public static final byte MAGIC = 0;
  public static final int HEADER_BYTES = 5;

  private ConfluentWireFormat() {}

  /** Reads the schema id of a framed payload, rejecting anything that is not framed. */
  public static int schemaId(byte[] payload) {
    if (payload == null || payload.length < HEADER_BYTES) {
      throw new MalformedRecordException(
          "record of "
              + (payload == null ? 0 : payload.length)
              + " bytes is too short for the schema-registry wire format (magic byte + 4-byte id)");
    }
    if (payload[0] != MAGIC) {
      throw new MalformedRecordException(
          String.format(
              "unknown magic byte 0x%02x: record was not written with a schema-registry"
                  + " serializer",
              payload[0]));
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }
}
