package io.nex.node.hostservices;

import io.nex.node.workload.Deployment;

/** Bucket names per workload, as Nex names them: {@code hs_{ns}_{workload}_kv} / {@code _obj}. */
final class Buckets {
  static final long MAX_BYTES = 512 * 1024;

  private Buckets() {}

  static String kv(Deployment workload) {
    return "hs_" + workload.namespace() + "_" + workload.name() + "_kv";
  }

  static String objects(Deployment workload) {
    return "hs_" + workload.namespace() + "_" + workload.name() + "_obj";
  }
}
