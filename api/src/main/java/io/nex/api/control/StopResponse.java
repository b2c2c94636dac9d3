package io.nex.api.control;

public record StopResponse(boolean stopped, String id, String issuer, String name) {}
