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

/** Password rules a realm may tighten (src/security/password-policy.ts applies them). */
export const PASSWORD_POLICY_BOUNDS = { minLength: { min: 8, max: 256, default: 8 } } as const;
export const passwordPolicySchema = z.object({
  minLength: z.number().int().min(PASSWORD_POLICY_BOUNDS.minLength.min).max(PASSWORD_POLICY_BOUNDS.minLength.max).default(PASSWORD_POLICY_BOUNDS.minLength.default),
});

const switchSetting = z.enum(['enabled', 'disabled']);

/** off: never asked (unless an app asks for it by acr_values); optional: asked of users who enrolled a factor; required: everyone, enrolling during the sign-in. */
export const mfaPolicySchema = z.enum(['off', 'optional', 'required']);
export type MfaPolicy = z.infer<typeof mfaPolicySchema>;

/** The longest a browser may skip the second factor (src/modules/mfa/remember-browser.ts). */
export const MFA_REMEMBER_MAX_DAYS = 90;

/** Self-service account settings: what the hosted pages offer end users. Mail-needing ones are MAIL_FEATURES. */
export const accountSettingsShape = {
  /** The hosted sign-up page. */
  signUp: switchSetting.default('disabled'),
  /** "Email me a sign-in link" on the login page. */
  magicLink: switchSetting.default('disabled'),
  /** An unverified user cannot finish a sign-in until they verify their email. */
  requireVerifiedEmail: z.boolean().default(false),
  passwordPolicy: passwordPolicySchema.default(() => passwordPolicySchema.parse({})),
  /** The sender's display name on this realm's mail (defaults to the realm's display name). */
  mailSenderName: z.string().trim().min(1).max(100).regex(/^[^\r\n<>"]+$/, 'no line breaks, angle brackets or double quotes').optional(),
  /** Second factor at sign-in (src/oidc/interactions/mfa-prompt.ts); an app may override it. */
  mfa: mfaPolicySchema.default('off'),
  /** "Remember this browser" after a second factor, for this many days (0: not offered). */
  mfaRememberDays: z.number().int().min(0).max(MFA_REMEMBER_MAX_DAYS).default(0),
};

/** Settings that send mail: refused in production while no SMTP_URL is configured. */
export const MAIL_FEATURES = ['signUp', 'magicLink', 'requireVerifiedEmail'] as const;

export const realmSettingsSchema = z.object({
  tokenLifetimes: tokenLifetimesSchema.default(() => tokenLifetimesSchema.parse({})),
  ...accountSettingsShape,
});

/** What a caller may send for the account settings: any subset. */
export const accountSettingsPatchSchema = z
  .object({
    signUp: switchSetting.optional(),
    magicLink: switchSetting.optional(),
    requireVerifiedEmail: z.boolean().optional(),
    passwordPolicy: z.object({ minLength: passwordPolicySchema.shape.minLength.unwrap().optional() }).strict().optional(),
    mailSenderName: accountSettingsShape.mailSenderName.unwrap().nullable().optional(),
    mfa: mfaPolicySchema.optional(),
    mfaRememberDays: accountSettingsShape.mfaRememberDays.unwrap().optional(),
  })
  .strict();
export type AccountSettingsPatch = z.infer<typeof accountSettingsPatchSchema>;

/** Whether `settings` turn on anything that sends mail. */
export const needsMail = (settings: RealmSettings) =>
  settings.signUp === 'enabled' || settings.magicLink === 'enabled' || settings.requireVerifiedEmail;

export type RealmSettings = z.infer<typeof realmSettingsSchema>;
export type TokenLifetimes = RealmSettings['tokenLifetimes'];
export type TokenLifetimesPatch = z.infer<typeof tokenLifetimesPatchSchema>;

/** Stored settings may predate a field: fill defaults, never fail a realm over an old row. */
export function parseRealmSettings(raw: unknown): RealmSettings {
  const result = realmSettingsSchema.safeParse(raw ?? {});
  return result.success ? result.data : realmSettingsSchema.parse({});
}

/** The settings after applying an account-settings patch (null mailSenderName: back to the default). */
export function withAccountSettings(settings: RealmSettings, patch: AccountSettingsPatch): RealmSettings {
  const { passwordPolicy, mailSenderName, ...rest } = patch;
  const next: RealmSettings = { ...settings, ...rest, passwordPolicy: { ...settings.passwordPolicy, ...passwordPolicy } };
  if (mailSenderName === null) delete next.mailSenderName;
  else if (mailSenderName !== undefined) next.mailSenderName = mailSenderName;
  return next;
}

/** The settings after applying `patch`, or the validation issues it would cause. */
export function withTokenLifetimes(settings: RealmSettings, patch: TokenLifetimesPatch) {
  return realmSettingsSchema.safeParse({ ...settings, tokenLifetimes: { ...settings.tokenLifetimes, ...patch } });
}
