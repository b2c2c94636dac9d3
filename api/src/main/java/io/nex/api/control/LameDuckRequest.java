package io.nex.api.control;

/**
 * Body of {@code $NEX.LAMEDUCK.{node}} (ours; Nex sends none): how long running workloads may go
 * on before the node stops them and exits. Absent or empty body: the node's default.
 */
public record LameDuckRequest(Long deadlineMs) {}
