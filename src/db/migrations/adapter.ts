// The driver adapter the wasm schema engine talks through: @prisma/adapter-pg 7.10.0 runs the
// queries, with its bugs on the migration path worked around here (each one where it is
// handled): "char" columns, executeScript, the shadow database, pools left open.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { createDatabase, databaseUrl, dropDatabase } from '../admin.js';

const CHAR_OID = 18;
const TEXT_OID = 25;
/** Appended to the name of a `"char"` column while it travels through adapter-pg. */
const CHAR_MARK = '\u0000"char"';

interface RowDescription {
  fields: { name: string; dataTypeID: number }[];
}

/**
 * A pool fit for the schema engine. PostgreSQL's internal `"char"` type (oid 18, e.g.
 * pg_constraint.contype) is one adapter-pg can't deserialize, which breaks diffing from the
 * migrations folder; reading it as text is not enough either: the engine wants a Character
 * column (on PostgreSQL 18, whose NOT NULL constraints appear in pg_constraint, it panics on
 * text). So such columns are passed to adapter-pg as text with a marked name, and
 * {@link restoreCharColumns} turns them back into Character columns.
 * One connection by default, so the engine's advisory lock and the statements it guards
 * share one session.
 */
export function createMigrationPool(connectionString: string, max = 1): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('connect', (client) => {
    // Runs before pg's own handler, so the query sees the rewritten description.
    client.connection.prependListener('rowDescription', (message: RowDescription) => {
      for (const field of message.fields) {
        if (field.dataTypeID !== CHAR_OID) continue;
        field.dataTypeID = TEXT_OID;
        field.name += CHAR_MARK;
      }
    });
  });
  return pool;
}

function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  result.columnNames.forEach((name, index) => {
    if (!name.endsWith(CHAR_MARK)) return;
    result.columnNames[index] = name.slice(0, -CHAR_MARK.length);
    result.columnTypes[index] = ColumnTypeEnum.Character;
  });
  return result;
}

/** The transaction with its queryRaw fixed the same way (its other methods untouched). */
function withCharColumns(transaction: Transaction): Transaction {
  const queryRaw: SqlQueryable['queryRaw'] = async (query) => restoreCharColumns(await transaction.queryRaw(query));
  return Object.assign(Object.create(transaction) as Transaction, { queryRaw });
}

/** Turns a PostgreSQL error into the shape the engine renders (a plain Error shows up as "GenericJs"). */
function toDriverError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: error.code ?? 'unknown',
    severity: error.severity ?? 'ERROR',
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
  });
}

/**
 * adapter-pg's executeScript splits on every `;` (breaking `$$` bodies and DO blocks) and runs
 * the pieces on whichever pool client is free, so a failing migration is half applied. Here the
 * whole script goes out as ONE simple-protocol query, which PostgreSQL runs as one implicit
 * transaction: a failing migration leaves nothing behind.
 */
async function executeScriptAtomically(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script);
  } catch (error) {
    throw toDriverError(error);
  }
}

export interface MigrationAdapterFactory {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Ends every pool the engine caused to be opened (engine.free() does not). */
  close(): Promise<void>;
}

/**
 * A migration-aware factory for the engine. adapter-pg's own connectToShadowDb spreads
 * `database` into a config whose connectionString wins, so its "shadow" database IS the main
 * one; this one creates a throwaway database on the same server and drops it afterwards.
 */
export function createMigrationAdapterFactory(url: string): MigrationAdapterFactory {
  const pools = new Set<pg.Pool>();
  const shadowDrops = new Set<() => Promise<void>>();

  async function connectTo(connectionString: string, onDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pool = createMigrationPool(connectionString);
    pools.add(pool);
    const adapter = await new PrismaPg(pool).connect();
    return {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      queryRaw: async (query) => restoreCharColumns(await adapter.queryRaw(query)),
      executeRaw: (query) => adapter.executeRaw(query),
      startTransaction: async (isolationLevel) => withCharColumns(await adapter.startTransaction(isolationLevel)),
      getConnectionInfo: () => adapter.getConnectionInfo(),
      executeScript: (script) => executeScriptAtomically(pool, script),
      dispose: async () => {
        await adapter.dispose();
        if (pools.delete(pool)) await pool.end();
        await onDispose?.();
      },
    };
  }

  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectTo(url),
    connectToShadowDb: async () => {
      const name = `gatehouse_shadow_${randomBytes(8).toString('hex')}`;
      await createDatabase(url, name);
      const drop = async (): Promise<void> => {
        if (shadowDrops.delete(drop)) await dropDatabase(url, name);
      };
      shadowDrops.add(drop);
      return connectTo(databaseUrl(url, name), drop);
    },
  };

  return {
    factory,
    close: async () => {
      const open = [...pools];
      pools.clear();
      await Promise.all(open.map((pool) => pool.end()));
      // A shadow database the engine forgot to dispose must not outlive the operation.
      await Promise.all([...shadowDrops].map((drop) => drop()));
    },
  };
}
