package io.nex.api.agent;

/** Agent → node on {@code hostint.{id}.handshake}; {@code start_time} is RFC 3339. */
public record HandshakeRequest(String id, String startTime, String message) {}
