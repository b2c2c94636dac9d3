package io.nex.agent.workload;

/** Where a function's triggers come from; closing it stops taking new ones. */
interface TriggerSource extends AutoCloseable {
  @Override
  void close();
}
