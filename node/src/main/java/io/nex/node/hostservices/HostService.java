package io.nex.node.hostservices;

import io.nats.client.Message;
import io.nex.node.workload.Deployment;

/** One host service ({@code kv}, {@code objectstore}, {@code messaging}, {@code http}). */
interface HostService {
  /** Answers {@code method} for the workload; parameters are in the request's headers and body. */
  ServiceReply call(Deployment workload, String method, Message request) throws Exception;
}
