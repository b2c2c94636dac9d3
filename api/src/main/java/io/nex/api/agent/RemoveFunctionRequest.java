package io.nex.api.agent;

/**
 * Node → agent on {@code agentint.{id}.functions.remove} (ours): the host stops taking triggers
 * for {@code functionId}, lets its calls in flight finish and drops it; the other functions in the
 * host go on. Reply: a {@link DeployAck}, accepted also when the function was already gone.
 */
public record RemoveFunctionRequest(String functionId) {}
