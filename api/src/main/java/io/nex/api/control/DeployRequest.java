package io.nex.api.control;

import java.util.List;

/**
 * Body of {@code $NEX.DEPLOY.{ns}.{node}} (Nex 0.2.7 field for field). {@code environment} is the
 * base64 of an xkv1 box sealed from {@code sender_public_key} to the node's xkey.
 */
public record DeployRequest(
    List<String> argv,
    String description,
    String type,
    String location,
    boolean essential,
    String workloadJwt,
    String environment,
    String jsdomain,
    String senderPublicKey,
    String targetNode,
    List<String> triggerSubjects,
    int retryCount,
    String retriedAt,
    HostServicesConnection hostServices) {}
