// Rows read through the pool under Prisma (src/db/prisma.ts SqlPool), for the few lookups on the
// path of every sign-in and API call: a key by its prefix, an app by its client id, a user by id
// (findAccount, at every step of a sign-in) and with their password hash; and the login event a
// sign-in appends before it answers (audit.repo.ts). Through Prisma each cost ~0.4-0.9 ms of CPU (its query compiler and
// result mapping run on the event loop, measured: bench/ notes of issue 11), through the pool
// ~0.2 ms. The rows come back as Prisma returns them: its column names, timestamps as Dates.
// Anything else written, and anything read or written inside a transaction, stays with Prisma.
import pg from 'pg';
import type { SqlPool } from './prisma.js';

const TIMESTAMP = 1114; // timestamp without time zone: Prisma's DateTime, which holds UTC
/** node-postgres reads a timestamp without time zone as local time; Prisma writes UTC. */
const utc = (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === TIMESTAMP ? utc : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

export async function selectRows<T>(sql: SqlPool, text: string, values: unknown[]): Promise<T[]> {
  return (await sql.query({ text, values, types })).rows as T[];
}
