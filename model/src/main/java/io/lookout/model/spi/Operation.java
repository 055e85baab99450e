package io.lookout.model.spi;

/** A span name seen for a service, with its OTLP span kind number. */
public record Operation(String name, int kind) {}
