package io.nex.api.control;

public record LameDuckResponse(String nodeId, boolean success) {}
