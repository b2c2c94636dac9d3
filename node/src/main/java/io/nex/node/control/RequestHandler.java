package io.nex.node.control;

import io.nats.client.Message;

/** Turns one control request into the {@code data} of its reply. */
@FunctionalInterface
interface RequestHandler {
  Object handle(Message request) throws RequestRefusedException;
}
