package io.nex.node.workload;

import java.nio.file.Path;

/** An artifact in the node's local cache: its file, sha256 (hex) and size. */
public record Artifact(Path file, String sha256, long size) {}
