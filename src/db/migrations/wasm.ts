// Loads Prisma 7.10.0's own schema engine compiled to WebAssembly, so migrations need no
// native engine download (air-gapped installs work). The package root can't be imported
// in Node (ERR_UNKNOWN_FILE_EXTENSION on the .wasm), so the module is instantiated here,
// with three of the glue's imports replaced (timers, panic messages, microtasks: below).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

type SchemaEngineClass = typeof SchemaEngine;

let loading: Promise<SchemaEngineClass> | undefined;
let memory: WebAssembly.Memory | undefined;
/** Set once the engine panicked: a trapped wasm instance is not safe to reuse. */
let panicked: string | undefined;

// The engine arms timers it never clears (one outlives applyMigrations by ~10 s) and would
// keep a CLI alive. They stay referenced while an engine call runs, so a pending sleep still
// holds the process, and are unreferenced once no call is in flight.
const pendingTimers = new Set<NodeJS.Timeout>();
/** Rejects of the engine calls in flight (see trackEngineCall). */
const inFlight = new Set<(error: Error) => void>();

function engineSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    pendingTimers.delete(timer);
    callback();
  }, ms >>> 0);
  if (inFlight.size === 0) timer.unref();
  else pendingTimers.add(timer);
  return timer;
}

// A Rust panic reaches JS in two pieces: its message goes to a global registry that only
// @prisma/client defines (`global.PRISMA_WASM_PANIC_REGISTRY`, which would swallow ours), then
// a "RuntimeError: unreachable" trap is thrown from a queued microtask, so it is an uncaught
// exception and the engine call's promise never settles. Both are intercepted: the message
// rejects the calls in flight, and the trap that follows it is dropped.
function recordPanic(pointer: number, length: number): void {
  const message = memory ? new TextDecoder().decode(new Uint8Array(memory.buffer, pointer >>> 0, length)) : 'unknown';
  panicked ??= message;
  for (const reject of inFlight) reject(new Error(`schema engine panicked: ${message}`));
}

function guardedQueueMicrotask(original: (arg: unknown) => unknown): (arg: unknown) => unknown {
  return (arg: unknown): unknown => {
    // The same import name prefix also reads `globalThis.queueMicrotask` (to test for it).
    if (typeof arg !== 'function') return original(arg);
    queueMicrotask(() => {
      try {
        arg();
      } catch (error) {
        if (panicked === undefined) throw error;
      }
    });
    return undefined;
  };
}

/**
 * Runs `fn` as one engine call: timers the engine leaves behind stop holding the process
 * afterwards, and a panic rejects it with the panic's message. After a panic the process
 * refuses further engine calls (the glue keeps its instance in module state, so it can't be
 * replaced): restart it.
 */
export async function trackEngineCall<T>(fn: () => Promise<T>): Promise<T> {
  if (panicked !== undefined) throw new Error(`schema engine unusable after an earlier panic: ${panicked}`);
  let rejectOnPanic: ((error: Error) => void) | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      rejectOnPanic = reject;
      inFlight.add(reject);
      fn().then(resolve, reject);
    });
  } finally {
    if (rejectOnPanic) inFlight.delete(rejectOnPanic);
    if (inFlight.size === 0) {
      for (const timer of pendingTimers) timer.unref();
      pendingTimers.clear();
    }
  }
}

/** Whether the engine panicked in this process (it must not be used again, not even freed). */
export function enginePanicked(): boolean {
  return panicked !== undefined;
}

async function instantiate(): Promise<SchemaEngineClass> {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(glue)) {
    // Import names carry a hash suffix that changes between engine builds: match by prefix.
    if (name.startsWith('__wbg_setTimeout_')) imports[name] = engineSetTimeout;
    if (name.startsWith('__wbg_set_message_')) imports[name] = recordPanic;
    const original = glue[name as keyof typeof glue];
    if (name.startsWith('__wbg_queueMicrotask_') && typeof original === 'function') {
      imports[name] = guardedQueueMicrotask(original as (arg: unknown) => unknown);
    }
  }
  const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {
    './schema_engine_bg.js': imports as WebAssembly.ModuleImports,
  });
  const exported = instance.exports;
  if (!(exported.memory instanceof WebAssembly.Memory) || typeof exported.__wbindgen_start !== 'function') {
    throw new Error('unexpected schema engine wasm exports');
  }
  memory = exported.memory;
  glue.__wbg_set_wasm(exported);
  exported.__wbindgen_start();
  return glue.SchemaEngine;
}

/** The SchemaEngine class, instantiated once per process (≈5 MB of wasm). */
export function loadSchemaEngine(): Promise<SchemaEngineClass> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
