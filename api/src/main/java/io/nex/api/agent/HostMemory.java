package io.nex.api.agent;

/**
 * What a function host's agent holds in memory, as it answers an add (ours): its Java heap kept
 * past the young generation (where the functions' compiled modules, instances and snapshots
 * live), the heap's cap, and the process's resident memory (V8 isolates live outside the heap).
 * The node places further functions by it ({@code docs/architecture.md}, "Function hosts").
 */
public record HostMemory(long heapKeptBytes, long heapMaxBytes, long residentBytes) {}
