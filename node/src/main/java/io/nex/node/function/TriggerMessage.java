package io.nex.node.function;

import io.nats.client.impl.Headers;

/** A message on a trigger subject, as the trigger connection read it; {@code replyTo} and {@code headers} may be null. */
record TriggerMessage(String subject, String replyTo, Headers headers, byte[] payload) {}
