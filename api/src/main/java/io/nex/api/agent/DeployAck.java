package io.nex.api.agent;

/** Agent → node reply to a deploy. */
public record DeployAck(boolean accepted, String message) {}
