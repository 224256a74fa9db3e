// One zod schema over the environment, parsed once at startup (src/main.ts) and passed in.
// Nothing else in src/ reads process.env.
import { isIP } from 'node:net';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';
import { crossVariableProblems } from './consistency.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Express's names for address ranges a proxy may sit in. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (entry: string) => {
  if (PROXY_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * Which reverse proxies' X-Forwarded-* headers to believe (client IP, protocol): none, the last N
 * hops, or proxies at these addresses. Never "all": the leftmost X-Forwarded-For entry is written
 * by the client, so trusting it would let anyone pick the IP that rate limits and lockouts key on.
 */
const trustProxy = z.string().transform((raw, ctx): false | number | string[] => {
  const value = raw.trim().toLowerCase();
  if (['false', 'no', '0'].includes(value)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = value === 'true' || value === 'yes' ? [value] : entries.filter((e) => !isProxyAddress(e));
  if (bad.length || !entries.length) {
    ctx.addIssue({ code: 'custom', message: `"${bad.join(', ') || raw}" is not allowed: give the number of proxies in front of Gatehouse (e.g. 1) or their addresses (10.0.0.0/8, loopback, ...)` });
    return z.NEVER;
  }
  return entries;
});

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public origin; realm issuers are `${BASE_URL}/realms/{name}`. */
  BASE_URL: z.url().optional(),
  /** Unset: an embedded PostgreSQL is started with its data under DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL').optional(),
  /** Unset: sessions, OIDC artifacts and rate-limit counters are kept in memory (single instance). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Encrypts signing keys at rest and derives per-realm cookie keys. Required in production. */
  MASTER_KEY: base64Key.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy.default(false),
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(8192).default(19456),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
  /** Optional cap on built providers by count; the memory bound below applies either way. */
  PROVIDER_CACHE_SIZE: z.coerce.number().int().min(1).optional(),
  /** Memory for built providers (~90 KiB each once used), in MiB; default: a quarter of the V8 heap limit. */
  PROVIDER_CACHE_MB: z.coerce.number().int().min(8).optional(),
  /** Bound on the cached rows realms' providers are built from (apps, APIs, keys), in MiB. */
  REALM_CACHE_MB: z.coerce.number().int().min(1).default(64),
  /** Unused signing key pairs kept ready per alg, so realm creation and rotation need not generate RSA keys. */
  SIGNING_KEY_POOL_SIZE: z.coerce.number().int().min(0).max(100).default(2),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(100 * 1024),
  RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_TOKEN_PER_IP: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_AUTHORIZE_PER_IP: z.coerce.number().int().min(1).default(600),
  /** "No such realm" answers per source IP and minute before lookups of uncached realms are refused (src/realms/unknown-realm-limit.ts). */
  RATE_LIMIT_UNKNOWN_REALM_PER_IP: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_TOKEN_PER_CLIENT: z.coerce.number().int().min(1).default(3000),
  LOCKOUT_FAILURES: z.coerce.number().int().min(1).default(5),
  LOCKOUT_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Create the `demo` realm, app and user on first run and serve /demo. Defaults on outside production. */
  DEMO: bool.optional(),
  /** Anyone may create a developer account on the console's sign-in page (the admin realm's sign-up follows it). */
  CONSOLE_SIGN_UP: bool.default(false),
  /** The one-time token that lets a non-loopback visitor create the first developer account; unset: one is drawn and logged at start. */
  CONSOLE_SETUP_TOKEN: z.string().min(24).max(200).optional(),
  /** Apply migrations at startup (off when a separate `npm run db:migrate` step owns them). */
  MIGRATE_ON_START: bool.default(true),
  /** PostgreSQL connections this process opens at most. Unset: the URL's `connection_limit`, else 10. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).optional(),
  /** How long a request waits for a new connection (or a free one from a full pool) before 503. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  /** Server-side bound on one SQL statement (PostgreSQL statement_timeout). */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Client-side bound on one query, for a server too hung to cancel it. Default: statement timeout + 1 s. */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
  /** How long a transaction waits to start (a connection from a full pool) before 503. */
  DATABASE_TRANSACTION_WAIT_MS: z.coerce.number().int().min(100).default(2000),
  /** Batched audit events (token grants) go through an fsync'd spool file in DATA_DIR/audit-spool. */
  AUDIT_SPOOL: bool.default(true),
  /** Pushed authorization requests (RFC 9126): body cap, checked before oidc-provider reads the body. */
  PAR_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(56 * 1024).default(16 * 1024),
  RATE_LIMIT_PAR_PER_IP: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_PAR_PER_CLIENT: z.coerce.number().int().min(1).default(3000),
  /** Live unauthenticated artifacts (interactions + pushed requests) per realm; past it new ones get 429. */
  PENDING_ARTIFACTS_PER_REALM: z.coerce.number().int().min(10).default(10_000),
  /** Memory mode only: bytes of sessions, tokens and pending requests kept per realm (split by kind). */
  MEMORY_STORE_MIB_PER_REALM: z.coerce.number().int().min(1).default(128),
  /** Outgoing mail server, smtp:// or smtps:// with user:password@ when it needs auth. Unset outside production: the /dev/mail outbox. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
  /** The From address of every mail; each realm adds its own display name. */
  MAIL_FROM: z.email().default('no-reply@localhost'),
  /** Mails one address may be sent per hour (verification, reset, magic link); past it requests are answered as usual and send nothing. */
  RATE_LIMIT_MAIL_PER_ADDRESS: z.coerce.number().int().min(1).default(5),
  /** Mail-sending requests (sign-up, reset, magic link) one source address may make per hour per realm. */
  RATE_LIMIT_MAIL_PER_IP: z.coerce.number().int().min(1).default(30),
  /** Mails one realm may queue per hour. */
  RATE_LIMIT_MAIL_PER_REALM: z.coerce.number().int().min(1).default(2000),
  /** Accounts one source address may sign up per hour per realm (hosted page and direct API with endUserIp). */
  RATE_LIMIT_SIGN_UP_PER_IP: z.coerce.number().int().min(1).default(20),
  /** How often the mail worker looks for due messages in the outbox. */
  MAIL_WORKER_INTERVAL_MS: z.coerce.number().int().min(20).max(60_000).default(1000),
  /** Delivery attempts (outages, temporary SMTP errors) before a message is marked failed. */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  /** Wait before the first retry; doubled after each failed attempt, at most one hour. */
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  baseUrl: string;
  databaseUrl?: string;
  redisUrl?: string;
  dataDir: string;
  masterKey: Buffer;
  logLevel: Env['LOG_LEVEL'];
  /** Express 'trust proxy': false, a hop count, or proxy addresses. */
  trustProxy: false | number | string[];
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  providerCacheSize?: number;
  providerCacheBytes: number;
  signingKeyPoolSize: number;
  realmCacheBytes: number;
  bodyLimitBytes: number;
  rateLimits: { loginPerIp: number; loginPerAccount: number; tokenPerIp: number; tokenPerClient: number; authorizePerIp: number; unknownRealmPerIp: number; lockoutFailures: number; lockoutSeconds: number };
  demo: boolean;
  migrateOnStart: boolean;
  /** The developer console (src/console/): open sign-up, and a fixed first-run setup token (else drawn at start). */
  console: { signUp: boolean; setupToken?: string };
  par: { bodyLimitBytes: number; perIp: number; perClient: number };
  artifacts: { pendingPerRealm: number; memoryMibPerRealm: number };
  database: DatabaseOptions;
  /** Spool folder of the durable audit path; undefined: batched in memory only (AUDIT_SPOOL=false). */
  auditSpoolDir?: string;
  /**
   * Outgoing mail. `smtpUrl` unset: outside production, messages go to the development outbox
   * (/dev/mail) and `devOutbox` is true; in production, features that send mail stay off.
   */
  mail: { smtpUrl?: string; from: string; devOutbox: boolean };
  mailLimits: { perAddressPerHour: number; perSourcePerHour: number; perRealmPerHour: number };
  signUpPerIpPerHour: number;
  /** The outbox worker (src/modules/mail/mail-worker.ts). */
  mailWorker: { intervalMs: number; maxAttempts: number; retryBaseMs: number };
}

/** Whether this deployment can deliver mail (an SMTP server, or the development outbox). */
export const canSendMail = (config: Pick<Config, 'mail'>) => Boolean(config.mail.smtpUrl) || config.mail.devOutbox;

export interface DatabaseOptions {
  /** Unset: the URL's `connection_limit`, else 10 (see src/db/prisma.ts). */
  poolSize?: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  queryTimeoutMs: number;
  transactionWaitMs: number;
}

export class ConfigError extends Error {}

/** Formats zod issues as `VARIABLE: problem` lines, so a bad deployment says what to fix. */
function describe(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`).join('\n');
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings (e.g. `REDIS_URL=` in an .env file) mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) throw new ConfigError(`Invalid configuration:\n${describe(result.error)}`);
  // Each variable can be valid and the combination still unworkable (consistency.ts).
  const conflicts = crossVariableProblems(result.data);
  if (conflicts.length) throw new ConfigError(`Invalid configuration:\n${conflicts.map((p) => `  ${p.variables.join(', ')}: ${p.message}`).join('\n')}`);
  return result.data;
}

/** Builds the frozen Config. `masterKey` comes from MASTER_KEY or (outside production) the data folder. */
export function buildConfig(env: Env, masterKey: Buffer): Readonly<Config> {
  const baseUrl = (env.BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    baseUrl,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    dataDir: env.DATA_DIR,
    masterKey,
    logLevel: env.LOG_LEVEL,
    trustProxy: Array.isArray(env.TRUST_PROXY) ? Object.freeze([...env.TRUST_PROXY]) as string[] : env.TRUST_PROXY,
    argon2: Object.freeze({ memoryCost: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST, parallelism: env.ARGON2_PARALLELISM }),
    providerCacheSize: env.PROVIDER_CACHE_SIZE,
    providerCacheBytes: env.PROVIDER_CACHE_MB ? env.PROVIDER_CACHE_MB * 2 ** 20 : Math.floor(getHeapStatistics().heap_size_limit / 4),
    signingKeyPoolSize: env.SIGNING_KEY_POOL_SIZE,
    realmCacheBytes: env.REALM_CACHE_MB * 2 ** 20,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimits: Object.freeze({
      loginPerIp: env.RATE_LIMIT_LOGIN_PER_IP,
      loginPerAccount: env.RATE_LIMIT_LOGIN_PER_ACCOUNT,
      tokenPerIp: env.RATE_LIMIT_TOKEN_PER_IP,
      authorizePerIp: env.RATE_LIMIT_AUTHORIZE_PER_IP,
      unknownRealmPerIp: env.RATE_LIMIT_UNKNOWN_REALM_PER_IP,
      tokenPerClient: env.RATE_LIMIT_TOKEN_PER_CLIENT,
      lockoutFailures: env.LOCKOUT_FAILURES,
      lockoutSeconds: env.LOCKOUT_SECONDS,
    }),
    demo: env.DEMO ?? env.NODE_ENV !== 'production',
    migrateOnStart: env.MIGRATE_ON_START,
    console: Object.freeze({ signUp: env.CONSOLE_SIGN_UP, setupToken: env.CONSOLE_SETUP_TOKEN }),
    database: Object.freeze({
      poolSize: env.DATABASE_POOL_SIZE,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS ?? env.DATABASE_STATEMENT_TIMEOUT_MS + 1000,
      transactionWaitMs: env.DATABASE_TRANSACTION_WAIT_MS,
    }),
    auditSpoolDir: env.AUDIT_SPOOL ? join(env.DATA_DIR, 'audit-spool') : undefined,
    par: Object.freeze({ bodyLimitBytes: env.PAR_BODY_LIMIT_BYTES, perIp: env.RATE_LIMIT_PAR_PER_IP, perClient: env.RATE_LIMIT_PAR_PER_CLIENT }),
    artifacts: Object.freeze({ pendingPerRealm: env.PENDING_ARTIFACTS_PER_REALM, memoryMibPerRealm: env.MEMORY_STORE_MIB_PER_REALM }),
    mail: Object.freeze({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, devOutbox: !env.SMTP_URL && env.NODE_ENV !== 'production' }),
    mailLimits: Object.freeze({ perAddressPerHour: env.RATE_LIMIT_MAIL_PER_ADDRESS, perSourcePerHour: env.RATE_LIMIT_MAIL_PER_IP, perRealmPerHour: env.RATE_LIMIT_MAIL_PER_REALM }),
    signUpPerIpPerHour: env.RATE_LIMIT_SIGN_UP_PER_IP,
    mailWorker: Object.freeze({ intervalMs: env.MAIL_WORKER_INTERVAL_MS, maxAttempts: env.MAIL_MAX_ATTEMPTS, retryBaseMs: env.MAIL_RETRY_BASE_MS }),
  });
}
