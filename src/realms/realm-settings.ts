// Per-realm settings stored in Realm.settings (JSON), with the defaults the product promises.
// Token lifetimes are in seconds; each has bounds a realm may choose within.
import { z } from 'zod';

const DAY = 86_400;
const LIFETIMES = {
  accessToken: { min: 60, max: DAY, default: 15 * 60 },
  idToken: { min: 60, max: DAY, default: 60 * 60 },
  /** Absolute: a refresh chain ends this long after the first refresh token, however often it rotates. */
  refreshTokenAbsolute: { min: 300, max: 365 * DAY, default: 30 * DAY },
  /** Idle: a refresh token not used for this long expires. */
  refreshTokenIdle: { min: 300, max: 365 * DAY, default: 14 * DAY },
  authorizationCode: { min: 10, max: 600, default: 60 },
  session: { min: 300, max: 365 * DAY, default: 14 * DAY },
} as const;

type LifetimeName = keyof typeof LIFETIMES;
const lifetime = (name: LifetimeName) => z.number().int().min(LIFETIMES[name].min).max(LIFETIMES[name].max);
const each = <T>(f: (name: LifetimeName) => T) =>
  Object.fromEntries(Object.keys(LIFETIMES).map((n) => [n, f(n as LifetimeName)])) as Record<LifetimeName, T>;

/** An idle limit longer than the absolute one could never apply: refuse it rather than ignore it. */
const idleWithinAbsolute = (t: { refreshTokenIdle?: number; refreshTokenAbsolute?: number }) =>
  t.refreshTokenIdle === undefined || t.refreshTokenAbsolute === undefined || t.refreshTokenIdle <= t.refreshTokenAbsolute;
const idleMessage = { message: 'refreshTokenIdle must not exceed refreshTokenAbsolute', path: ['refreshTokenIdle'] };

export const tokenLifetimesSchema = z.object(each((n) => lifetime(n).default(LIFETIMES[n].default))).refine(idleWithinAbsolute, idleMessage);

/** What a caller may send: any subset, merged over the realm's current lifetimes. */
export const tokenLifetimesPatchSchema = z.object(each((n) => lifetime(n).optional())).strict();

export const realmSettingsSchema = z.object({
  tokenLifetimes: tokenLifetimesSchema.default(() => tokenLifetimesSchema.parse({})),
});

export type RealmSettings = z.infer<typeof realmSettingsSchema>;
export type TokenLifetimes = RealmSettings['tokenLifetimes'];
export type TokenLifetimesPatch = z.infer<typeof tokenLifetimesPatchSchema>;

/** Stored settings may predate a field: fill defaults, never fail a realm over an old row. */
export function parseRealmSettings(raw: unknown): RealmSettings {
  const result = realmSettingsSchema.safeParse(raw ?? {});
  return result.success ? result.data : realmSettingsSchema.parse({});
}

/** The settings after applying `patch`, or the validation issues it would cause. */
export function withTokenLifetimes(settings: RealmSettings, patch: TokenLifetimesPatch) {
  return realmSettingsSchema.safeParse({ ...settings, tokenLifetimes: { ...settings.tokenLifetimes, ...patch } });
}
