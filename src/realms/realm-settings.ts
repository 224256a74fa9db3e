// Per-realm settings stored in Realm.settings (JSON), with the defaults the product promises.
import { z } from 'zod';

export const tokenLifetimesSchema = z.object({
  accessToken: z.number().int().min(60).max(86_400).default(15 * 60),
  idToken: z.number().int().min(60).max(86_400).default(60 * 60),
  /** Absolute: a refresh chain ends this long after the first refresh token, however often it rotates. */
  refreshTokenAbsolute: z.number().int().min(300).max(365 * 86_400).default(30 * 86_400),
  /** Idle: a refresh token not used for this long expires. */
  refreshTokenIdle: z.number().int().min(300).max(365 * 86_400).default(14 * 86_400),
  authorizationCode: z.number().int().min(10).max(600).default(60),
  session: z.number().int().min(300).max(365 * 86_400).default(14 * 86_400),
});

export const realmSettingsSchema = z.object({
  tokenLifetimes: tokenLifetimesSchema.default(tokenLifetimesSchema.parse({})),
});

export type RealmSettings = z.infer<typeof realmSettingsSchema>;

/** Stored settings may predate a field: fill defaults, never fail a realm over an old row. */
export function parseRealmSettings(raw: unknown): RealmSettings {
  const result = realmSettingsSchema.safeParse(raw ?? {});
  return result.success ? result.data : realmSettingsSchema.parse({});
}
