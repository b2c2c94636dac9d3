package io.nex.api.control;

/** Reply to a deploy: the workload id is the id of the sandbox it runs in. */
public record RunResponse(boolean started, String id, String issuer, String name) {}
