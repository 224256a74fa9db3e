// One schema-engine session: the wasm engine bound to a database through the migration
// adapter, torn down completely afterwards (engine freed, every pool ended, timers
// unreferenced) so a CLI exits as soon as its work is done.
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaContainer, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { createMigrationAdapterFactory } from './adapter.js';
import { readSchema, type MigrationFilesOptions } from './files.js';
import { enginePanicked, loadSchemaEngine, trackEngineCall } from './wasm.js';

/** No table or enum is managed outside Prisma (prisma.config.ts declares none). */
export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export type MigrationLog = (message: string) => void;

/** Options of every migration command. */
export interface MigrationOptions extends MigrationFilesOptions {
  /** Receives the engine's JSON log lines. */
  log?: MigrationLog;
}

export interface EngineSession {
  engine: SchemaEngine;
  schema: SchemaContainer;
}

/** The engine rejects with plain objects at times; always surface an Error with its message. */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return new Error(error.message, { cause: error });
  }
  return new Error(typeof error === 'string' ? error : JSON.stringify(error));
}

export async function withSchemaEngine<T>(
  databaseUrl: string,
  opts: { schemaPath: string; log?: MigrationLog | undefined },
  fn: (session: EngineSession) => Promise<T>,
): Promise<T> {
  const [SchemaEngineClass, schema] = await Promise.all([loadSchemaEngine(), readSchema(opts.schemaPath)]);
  const adapters = createMigrationAdapterFactory(databaseUrl);
  const log = opts.log;
  let engine: SchemaEngine | undefined;
  try {
    return await trackEngineCall(async () => {
      engine = await SchemaEngineClass.new(
        { datamodels: [[schema.path, schema.content]] },
        (message: string) => log?.(message),
        bindMigrationAwareSqlAdapterFactory(adapters.factory),
      );
      return fn({ engine, schema });
    });
  } catch (error) {
    throw asError(error);
  } finally {
    // A panicked instance traps again on any call, free() included.
    if (!enginePanicked()) engine?.free();
    await adapters.close();
  }
}
