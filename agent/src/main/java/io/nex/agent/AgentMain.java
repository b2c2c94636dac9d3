package io.nex.agent;

import io.nex.api.agent.AgentMetadata;
import java.io.IOException;

/**
 * Entry point of the agent process. The node holds our stdin open for its whole life; end of
 * file means the node is gone, and an agent never outlives its node.
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    AgentMetadata metadata;
    try {
      metadata = AgentSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      AgentLog.info(e.getMessage());
      System.exit(2);
      return;
    }
    Agent agent = new Agent(metadata);
    try {
      agent.start();
    } catch (IOException e) {
      AgentLog.info("failed to start: " + e.getMessage());
      System.exit(1);
    }
    awaitEndOfInput();
    agent.close();
    System.exit(0);
  }

  private static void awaitEndOfInput() {
    try {
      while (System.in.read() >= 0) {
        // nothing is ever sent on stdin; reading only waits for the node to go away
      }
    } catch (IOException e) {
      // a broken pipe is the same news as end of file
    }
  }
}
