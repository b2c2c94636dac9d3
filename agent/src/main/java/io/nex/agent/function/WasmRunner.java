package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dylibso.chicory.log.Logger;
import com.dylibso.chicory.log.SystemLogger;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@code wasm} function on Chicory. Each invocation gets a fresh instance of the module compiled
 * at deploy time, with linear memory capped at the memory limit, WASI preview 1 when the module
 * imports any of it (argv {@code ["nexfunction", subject]}, the workload's environment, no files)
 * and the {@code nex} host services. A command module reads the payload on stdin and replies on stdout; a handler
 * module gets both through {@code handle}, and its stdout is logged like stderr.
 */
final class WasmRunner implements FunctionRunner {
  private static final String ARGV0 = "nexfunction";
  // WASI's default when none is given; giving it skips a per-call class lookup (an Android probe)
  // that failed through the whole class path each time
  private static final Logger WASI_LOG = new SystemLogger();

  private final PreparedModule prepared;
  private final Map<String, String> env;
  private final Consumer<String> logLine;
  private final HostFunction[] nexImports;
  private final Invocations invocations;
  private final ReusedInstances reused;

  WasmRunner(PreparedModule prepared, Map<String, String> env, FunctionLimits limits, HostServices hostServices,
      Consumer<String> logLine) {
    this.prepared = prepared;
    this.env = Map.copyOf(env);
    this.logLine = logLine;
    this.nexImports = new NexImports(hostServices, logLine, prepared.exportsAlloc()).functions()
        .toArray(HostFunction[]::new);
    this.invocations = new Invocations(limits.timeout());
    this.reused = ReusedInstances.of(prepared, () -> instantiate(ImportValues.builder().addFunction(nexImports)))
        .orElse(null);
  }

  static WasmRunner create(byte[] artifact, Map<String, String> env, FunctionLimits limits, HostServices hostServices,
      Consumer<String> logLine) throws FunctionException {
    return new WasmRunner(PreparedModule.prepare(artifact, limits.memoryMib()), env, limits, hostServices, logLine);
  }

  @Override
  public CompletableFuture<byte[]> start(String triggerSubject, byte[] payload) {
    return invocations.start((deadline, stop) -> runOnce(triggerSubject, payload));
  }

  @Override
  public CompletableFuture<byte[]> runHere(String triggerSubject, byte[] payload) {
    return invocations.runHere((deadline, stop) -> runOnce(triggerSubject, payload));
  }

  private byte[] runOnce(String subject, byte[] payload) throws FunctionException {
    return reused != null ? runReused(subject, payload) : runFresh(subject, payload);
  }

  private byte[] runReused(String subject, byte[] payload) throws FunctionException {
    Instance instance = null;
    try {
      instance = reused.take();
      byte[] reply = handle(instance, subject, payload);
      reused.giveBack(instance);
      return reply;
    } catch (ChicoryException e) {
      throw failure(e, instance);
    }
  }

  private byte[] runFresh(String subject, byte[] payload) throws FunctionException {
    boolean command = prepared.form() == PreparedModule.Form.COMMAND;
    // a reply can be no bigger than the memory the module may have
    ReplyStream reply = new ReplyStream(Memory.bytes(prepared.maxPages()));
    LogLineStream stderr = new LogLineStream(logLine);
    LogLineStream stdoutLog = new LogLineStream(logLine);
    ImportValues.Builder imports = ImportValues.builder().addFunction(nexImports);
    Instance instance = null;
    // closing the log streams delivers a last line left without its newline
    try (stderr; stdoutLog; WasiPreview1 wasi = prepared.importsWasi() ? wasi(subject, command ? payload : new byte[0],
        command ? reply : stdoutLog, stderr) : null) {
      if (wasi != null) {
        imports.addFunction(wasi.toHostFunctions());
      }
      instance = instantiate(imports);
      if (!command) {
        return handle(instance, subject, payload);
      }
      instance.export(PreparedModule.START).apply();
    } catch (WasiExitException e) {
      if (!command || e.exitCode() != 0) {
        throw new FunctionException("function exited with code " + e.exitCode());
      }
    } catch (ChicoryException e) {
      throw failure(e, instance);
    }
    if (reply.overflowed()) {
      throw new FunctionException("function wrote more than " + reply.maxBytes() + " bytes to stdout");
    }
    return reply.bytes();
  }

  private Instance instantiate(ImportValues.Builder imports) {
    return Instance.builder(prepared.module())
        .withImportValues(imports.build())
        .withMachineFactory(prepared.machineFactory())
        .withMemoryFactory(this::cappedMemory)
        .withStart(false)
        .build();
  }

  private FunctionException failure(ChicoryException e, Instance instance) {
    return e instanceof ChicoryInterruptedException ? invocations.stopped()
        : new FunctionException("function trapped: " + e.getMessage() + memoryNote(instance));
  }

  /** WASI for one call, made only for modules that import it: some 50 host functions each time. */
  private WasiPreview1 wasi(String subject, byte[] stdin, OutputStream stdout, OutputStream stderr) {
    WasiOptions.Builder options = WasiOptions.builder()
        .withArguments(List.of(ARGV0, subject))
        .withStdin(new ByteArrayInputStream(stdin))
        .withStdout(stdout)
        .withStderr(stderr);
    env.forEach(options::withEnvironment);
    return WasiPreview1.builder().withLogger(WASI_LOG).withOptions(options.build()).build();
  }

  /**
   * Gives the subject, the payload and an 8-byte result slot to handle, all in one block from the
   * module's alloc; status 0 means the slot holds the reply, anything else an error message.
   */
  private byte[] handle(Instance instance, String subject, byte[] payload) throws FunctionException {
    if (prepared.exportsInitialize()) {
      instance.export(PreparedModule.INITIALIZE).apply();
    }
    GuestMemory guest = new GuestMemory(instance, true);
    byte[] subjectBytes = subject.getBytes(UTF_8);
    byte[] block = new byte[8 + subjectBytes.length + payload.length];
    System.arraycopy(subjectBytes, 0, block, 8, subjectBytes.length);
    System.arraycopy(payload, 0, block, 8 + subjectBytes.length, payload.length);
    long slot = Integer.toUnsignedLong(guest.place(block));
    long subjectAt = slot + 8;
    long payloadAt = subjectAt + subjectBytes.length;
    ExportFunction handle = instance.export(PreparedModule.HANDLE);
    long status = handle.apply(subjectAt, subjectBytes.length, payloadAt, payload.length, slot)[0];
    byte[] result = guest.bytes(Integer.toUnsignedLong(guest.slotPointer(slot)), guest.slotLength(slot));
    if (status != 0) {
      throw new FunctionException(result.length == 0
          ? "function failed with status " + status
          : "function failed: " + new String(result, UTF_8));
    }
    return result;
  }

  private Memory cappedMemory(MemoryLimits declared) {
    int max = Math.min(declared.maximumPages(), prepared.maxPages());
    return new FreshMemory(new MemoryLimits(Math.min(declared.initialPages(), max), max));
  }

  /** Traps after a refused memory.grow are the usual way out of memory ends, so say how full it was. */
  private static String memoryNote(Instance instance) {
    Memory memory = instance == null ? null : instance.memory();
    if (memory == null) {
      return "";
    }
    return " (linear memory " + PreparedModule.size(memory.pages()) + " of " + PreparedModule.size(memory.maximumPages())
        + ")";
  }

  @Override
  public void close() {
    invocations.close();
  }
}
