package io.nex.api.control;

/** A NATS connection for host services or triggers, overriding the node's default. */
public record HostServicesConnection(String natsUrl, String natsUserJwt, String natsUserSeed) {}
