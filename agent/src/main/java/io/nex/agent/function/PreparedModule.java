package io.nex.agent.function;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A module checked and compiled once, at deploy time: which of the two forms it takes, and the
 * machine (JVM bytecode from Chicory's AOT compiler) that every per-invocation instance runs on.
 * Everything that can be known without running the module is refused here, with a reason.
 */
record PreparedModule(WasmModule module, Form form, boolean exportsAlloc, boolean exportsInitialize,
    boolean importsWasi, Function<Instance, Machine> machineFactory, int maxPages) {

  enum Form {
    /** A WASI command: _start, argv, stdin, stdout, exit code. */
    COMMAND,
    /** A module exporting memory, alloc and handle. */
    HANDLER
  }

  static final String START = "_start";
  static final String HANDLE = "handle";
  static final String INITIALIZE = "_initialize";
  static final String MEMORY = "memory";
  static final String WASI_MODULE = "wasi_snapshot_preview1";

  private static final FunctionType START_TYPE = FunctionType.empty();
  private static final FunctionType ALLOC_TYPE = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
  private static final FunctionType HANDLE_TYPE = FunctionType.of(Collections.nCopies(5, ValType.I32),
      List.of(ValType.I32));
  private static final int PAGES_PER_MIB = 16;

  static PreparedModule prepare(byte[] artifact, int memoryMib) throws FunctionException {
    WasmModule module;
    try {
      module = Parser.parse(artifact);
    } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new FunctionException("not a WebAssembly module: " + e.getMessage());
    }
    Map<String, Export> exports = exports(module);
    Form form;
    if (exports.containsKey(START)) {
      form = Form.COMMAND;
      requireFunction(module, exports, START, START_TYPE);
    } else if (exports.containsKey(HANDLE)) {
      form = Form.HANDLER;
      requireFunction(module, exports, HANDLE, HANDLE_TYPE);
      requireFunction(module, exports, GuestMemory.ALLOC, ALLOC_TYPE);
      Export memory = exports.get(MEMORY);
      if (memory == null || memory.exportType() != ExternalType.MEMORY) {
        throw new FunctionException("missing export: memory (a handler module exports memory, alloc and handle)");
      }
    } else {
      throw new FunctionException("missing export: _start or handle (a function is a WASI command exporting _start, "
          + "or a module exporting memory, alloc and handle)");
    }
    boolean exportsAlloc = exports.containsKey(GuestMemory.ALLOC);
    if (exportsAlloc) {
      requireFunction(module, exports, GuestMemory.ALLOC, ALLOC_TYPE);
    }
    boolean exportsInitialize = form == Form.HANDLER && exports.containsKey(INITIALIZE);
    if (exportsInitialize) {
      requireFunction(module, exports, INITIALIZE, START_TYPE);
    }
    checkImports(module);
    int maxPages = (int) Math.min((long) memoryMib * PAGES_PER_MIB, Memory.RUNTIME_MAX_PAGES);
    Optional<Integer> initialPages = module.memorySection()
        .filter(section -> section.memoryCount() > 0)
        .map(section -> section.getMemory(0).limits().initialPages());
    if (initialPages.isPresent() && initialPages.get() > maxPages) {
      throw new FunctionException("the module needs " + size(initialPages.get()) + " of memory to start; the limit is "
          + memoryMib + " MiB");
    }
    Function<Instance, Machine> machineFactory;
    try {
      machineFactory = MachineFactoryCompiler.builder(module)
          .withInterpreterFallback(InterpreterFallback.SILENT)
          .compile();
    } catch (ChicoryException | IllegalArgumentException | IllegalStateException e) {
      throw new FunctionException("cannot compile the module: " + e.getMessage());
    }
    boolean importsWasi = false;
    for (int i = 0; i < module.importSection().importCount(); i++) {
      importsWasi |= module.importSection().getImport(i).module().equals(WASI_MODULE);
    }
    return new PreparedModule(module, form, exportsAlloc, exportsInitialize, importsWasi, machineFactory, maxPages);
  }

  /** A page count as a size a person reads: whole MiB, or KiB below one MiB. */
  static String size(int pages) {
    return pages < PAGES_PER_MIB ? pages * 64 + " KiB" : pages / PAGES_PER_MIB + " MiB";
  }

  private static Map<String, Export> exports(WasmModule module) {
    ExportSection section = module.exportSection();
    Map<String, Export> exports = new HashMap<>();
    for (int i = 0; i < section.exportCount(); i++) {
      exports.put(section.getExport(i).name(), section.getExport(i));
    }
    return exports;
  }

  private static void requireFunction(WasmModule module, Map<String, Export> exports, String name,
      FunctionType expected) throws FunctionException {
    Export export = exports.get(name);
    if (export == null || export.exportType() != ExternalType.FUNCTION) {
      throw new FunctionException("missing export: " + name + " (a function " + expected + ")");
    }
    FunctionType actual = functionType(module, export.index());
    if (!actual.typesMatch(expected)) {
      throw new FunctionException("export " + name + " has type " + actual + "; expected " + expected);
    }
  }

  /** Function indices count the imported functions first, then the module's own. */
  private static FunctionType functionType(WasmModule module, int index) {
    List<FunctionImport> imported = module.importSection().stream()
        .filter(FunctionImport.class::isInstance).map(FunctionImport.class::cast).toList();
    if (index < imported.size()) {
      return module.typeSection().getType(imported.get(index).typeIndex());
    }
    return module.functionSection().getFunctionType(index - imported.size(), module.typeSection());
  }

  /** Only functions, and only ours: nex.* and WASI preview 1. */
  private static void checkImports(WasmModule module) throws FunctionException {
    Map<String, Map<String, FunctionType>> offered = Map.of(NexImports.MODULE, NexImports.signatures(),
        WASI_MODULE, WasiSignatures.ALL);
    for (Import anImport : module.importSection().stream().toList()) {
      String name = anImport.module() + "." + anImport.name();
      FunctionType wanted = anImport instanceof FunctionImport function
          ? module.typeSection().getType(function.typeIndex()) : null;
      FunctionType have = offered.getOrDefault(anImport.module(), Map.of()).get(anImport.name());
      if (wanted == null || have == null) {
        String kind = anImport.importType().name().toLowerCase(Locale.ROOT);
        throw new FunctionException("unsupported import: " + name + " (" + kind + "); a function may import only nex.* and "
            + WASI_MODULE + ".* functions");
      }
      if (!wanted.typesMatch(have)) {
        throw new FunctionException("import " + name + " has type " + wanted + "; the host offers " + have);
      }
    }
  }

  /** The WASI preview 1 functions Chicory provides, by name. */
  private static final class WasiSignatures {
    static final Map<String, FunctionType> ALL;

    static {
      try (WasiPreview1 wasi = WasiPreview1.builder().build()) {
        ALL = Arrays.stream(wasi.toHostFunctions())
            .collect(Collectors.toUnmodifiableMap(HostFunction::name, HostFunction::functionType));
      }
    }
  }
}
