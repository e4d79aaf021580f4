package io.earshot.streams.monitor;

/**
 * A body served or fetched over HTTP: a frame image, or JSON from another instance.
 *
 * @param mediaType e.g. {@code image/jpeg}, {@code application/json}
 * @param bytes the body
 */
record Content(String mediaType, byte[] bytes) {}
