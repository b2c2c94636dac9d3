package io.nex.node.session;

import io.nats.client.impl.Headers;

/**
 * What came back for one request. {@code noResponders}: nothing listened on the agent's subject
 * (nats-server's 503 status), or the request could not be sent at all, so the agent never saw
 * it; the body is then empty and must never pass for the agent's answer.
 */
public record AgentReply(boolean noResponders, Headers headers, byte[] data) {
  private static final byte[] EMPTY = new byte[0];

  public static AgentReply answered(Headers headers, byte[] data) {
    return new AgentReply(false, headers, data == null ? EMPTY : data);
  }

  public static AgentReply nobodyListened() {
    return new AgentReply(true, null, EMPTY);
  }
}
