package io.nex.node.workload;

import io.nex.api.agent.HostMemory;
import io.nex.node.session.AgentSession;
import io.nex.node.session.AgentSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where functions run (ours): in a function host of their tenant (namespace and issuer) with a
 * free slot and room in memory, else in a warm sandbox that becomes a new host. A slot is taken
 * before the add goes to the agent and given back when the function ends or its add failed; the
 * host whose last slot is given back is destroyed. Two tenants never share a host.
 *
 * <p>Room in memory is judged by what the host's agent reported with its last add (forgotten
 * when a function leaves it, so the next add measures again): the heap it keeps at most
 * {@link #HEAP_SHARE} of its cap (past that the collector runs ever more often, and calls
 * allocate too), its resident memory at most {@link #RESIDENT_SHARE} of the sandbox's
 * ({@code machine_template.memsize_mib}, the cgroup's or the guest's limit). How much a function
 * takes depends on its module or script, so it is measured rather than assumed: a host of small
 * WebAssembly handlers holds many more than one of JavaScript functions.
 */
final class FunctionHosts {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionHosts.class);
  private static final double HEAP_SHARE = 0.5;
  private static final double RESIDENT_SHARE = 0.75;

  private final int functionsPerHost;
  private final long residentBytes;
  private final AgentSessions sessions;
  private final List<FunctionHost> hosts = new ArrayList<>();
  private final Map<String, FunctionHost> byFunction = new ConcurrentHashMap<>();

  /** {@code sandboxMemoryMib}: a sandbox's memory, of which a host may hold {@link #RESIDENT_SHARE}. */
  FunctionHosts(int functionsPerHost, int sandboxMemoryMib, AgentSessions sessions) {
    this.functionsPerHost = functionsPerHost;
    this.residentBytes = (long) (RESIDENT_SHARE * sandboxMemoryMib * 1024 * 1024);
    this.sessions = sessions;
  }

  private boolean hasRoom(FunctionHost host) {
    return hasSlot(host) && hasMemoryRoom(host.memory());
  }

  private boolean hasSlot(FunctionHost host) {
    return !host.gone() && host.taken() < functionsPerHost;
  }

  /** By the memory a host's agent last reported; room while it has not said. */
  private boolean hasMemoryRoom(HostMemory reported) {
    return reported == null || reported.heapKeptBytes() <= HEAP_SHARE * reported.heapMaxBytes()
        && reported.residentBytes() <= residentBytes;
  }

  /**
   * A slot for function {@code functionId} in a running host of {@code tenant} with room; empty
   * when none has room, and then nothing is taken.
   */
  synchronized Optional<FunctionHost> placeInRunning(String functionId, FunctionHost.Tenant tenant) {
    for (FunctionHost host : hosts) {
      if (!host.tenant().equals(tenant) || !hasSlot(host)) {
        continue;
      }
      HostMemory memory = host.memory();
      if (hasMemoryRoom(memory)) {
        host.take();
        byFunction.put(functionId, host);
        return Optional.of(host);
      }
      if (host.firstTimeFull()) {
        LOG.info("Function host is full in memory with {} functions vmid={} heap_kept_mib={} heap_max_mib={}"
            + " resident_mib={}", host.taken(), host.id(), memory.heapKeptBytes() >> 20, memory.heapMaxBytes() >> 20,
            memory.residentBytes() >> 20);
      }
    }
    return Optional.empty();
  }

  /**
   * A slot for function {@code functionId} in a new host of {@code tenant}, made of the session
   * {@code warm} hands out (empty when none is ready). Not under the lock: waiting for a warm
   * sandbox must not hold up deploys into running hosts.
   */
  Optional<FunctionHost> placeInNew(String functionId, FunctionHost.Tenant tenant,
      Supplier<Optional<AgentSession>> warm) {
    Optional<AgentSession> session = warm.get();
    if (session.isEmpty()) {
      return Optional.empty();
    }
    FunctionHost host = new FunctionHost(session.get(), tenant);
    session.get().listen(host);
    synchronized (this) {
      hosts.add(host);
      host.take();
      byFunction.put(functionId, host);
    }
    LOG.info("Function host started vmid={} namespace={}", host.id(), tenant.namespace());
    return Optional.of(host);
  }

  Optional<FunctionHost> hostOf(String functionId) {
    return Optional.ofNullable(byFunction.get(functionId));
  }

  /**
   * Gives the function's slot back; its host is destroyed once it holds nothing (this blocks
   * while it is torn down).
   */
  void release(String functionId) {
    FunctionHost host;
    synchronized (this) {
      host = byFunction.remove(functionId);
      if (host == null) {
        return;
      }
      host.detach(functionId);
      if (!host.free()) {
        host.memoryUnknown();
        return;
      }
      hosts.remove(host);
    }
    LOG.info("Function host is empty vmid={}", host.id());
    sessions.destroy(host.session());
  }

  synchronized int hostCount() {
    return hosts.size();
  }

  /** Slots free in running hosts with room in memory (for any of their tenants). */
  synchronized long freeSlots() {
    return hosts.stream().filter(this::hasRoom).mapToLong(h -> functionsPerHost - h.taken()).sum();
  }
}
