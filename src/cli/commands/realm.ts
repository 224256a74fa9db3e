// gatehouse realm create | update | list. The CLI is the operator: it lists every realm, and a realm it
// creates belongs to the developer given with --owner (or to nobody, reachable with realm keys).
import type { Realm } from '../../generated/prisma/client.js';
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { defineCommand, jsonOption, UsageError, type CommandGroup, type Runtime } from '../command.js';
import { note, print, printFields, printJson, printTable } from '../output.js';
import { findDeveloper, findRealm } from '../runtime.js';

/** Realms as printed: owners by email. */
async function realmViews(runtime: Runtime, realms: Realm[]) {
  const ownerIds = [...new Set(realms.flatMap((r) => (r.ownerId ? [r.ownerId] : [])))];
  const owners = new Map(
    (await runtime.prisma.user.findMany({ where: { id: { in: ownerIds } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]),
  );
  return realms.map((r) => ({ ...runtime.services.realms.view(r), owner: r.ownerId ? (owners.get(r.ownerId) ?? r.ownerId) : null }));
}

const create = defineCommand({
  group: 'realm',
  name: 'create',
  summary: 'Create a realm (with its signing keys) and print its name and issuer.',
  positionals: ['NAME'],
  options: {
    owner: { type: 'string', value: 'EMAIL', help: 'developer account that owns the realm (its platform keys manage it)' },
    'display-name': { type: 'string', value: 'TEXT', help: 'name shown to users (default: NAME)' },
    json: jsonOption,
  },
  async run({ values, args: [name], open }) {
    const runtime = await open();
    const ownerId = values.owner === undefined ? null : (await findDeveloper(runtime, values.owner)).developer.id;
    const realm = await runtime.services.realms.create({ name: name!, displayName: values['display-name'] }, ownerId, CLI_ACTOR);
    const [view] = await realmViews(runtime, [realm]);
    if (values.json) return printJson(view);
    printFields([['name', view!.name], ['issuer', view!.issuer], ['owner', view!.owner ?? undefined]]);
  },
});

/** `--lifetime accessToken=300` flags as a tokenLifetimes patch; the service checks names and bounds. */
function lifetimes(flags: string[]): Record<string, number> {
  return Object.fromEntries(flags.map((flag) => {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(flag);
    if (!match) throw new UsageError(`--lifetime takes NAME=SECONDS (e.g. accessToken=600), got "${flag}"`, 'realm update');
    return [match[1], Number(match[2])];
  }));
}

/** The account and MFA switches as a realm patch; the realms service checks the values (same rules as PATCH). */
function accountSettings(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (values['sign-up'] !== undefined) out.signUp = values['sign-up'];
  if (values['magic-link'] !== undefined) out.magicLink = values['magic-link'];
  if (values.mfa !== undefined) out.mfa = values.mfa;
  const days = values['mfa-remember-days'];
  if (days !== undefined) {
    if (!/^\d{1,3}$/.test(String(days))) throw new UsageError(`--mfa-remember-days takes a number of days (0-90), got "${String(days)}"`, 'realm update');
    out.mfaRememberDays = Number(days);
  }
  if (values['mail-sender-name'] !== undefined) out.mailSenderName = values['mail-sender-name'] === '' ? null : values['mail-sender-name'];
  const verified = values['require-verified-email'];
  if (verified !== undefined) {
    if (verified !== 'true' && verified !== 'false') throw new UsageError(`--require-verified-email takes true or false, got "${String(verified)}"`, 'realm update');
    out.requireVerifiedEmail = verified === 'true';
  }
  const min = values['password-min-length'];
  if (min !== undefined) {
    if (!/^\d{1,4}$/.test(String(min))) throw new UsageError(`--password-min-length takes a number, got "${String(min)}"`, 'realm update');
    out.passwordPolicy = { minLength: Number(min) };
  }
  return out;
}

const update = defineCommand({
  group: 'realm',
  name: 'update',
  summary: "Change a realm's display name, token lifetimes, account and MFA settings; running instances apply it at once.",
  details: [
    'Lifetimes (seconds): accessToken, idToken, refreshTokenAbsolute, refreshTokenIdle, authorizationCode, session.',
    'Sign-up, magic links and required email verification send mail: in production they need SMTP_URL.',
  ],
  positionals: ['NAME'],
  options: {
    'display-name': { type: 'string', value: 'TEXT', help: 'name shown to users' },
    lifetime: { type: 'string', value: 'NAME=SECONDS', help: 'a token lifetime', multiple: true },
    'sign-up': { type: 'string', value: 'enabled|disabled', help: 'the hosted sign-up page' },
    'magic-link': { type: 'string', value: 'enabled|disabled', help: '"email me a sign-in link" on the login page' },
    'require-verified-email': { type: 'string', value: 'true|false', help: 'unverified users cannot finish signing in' },
    'password-min-length': { type: 'string', value: 'N', help: 'minimum password length (8-256)' },
    'mail-sender-name': { type: 'string', value: 'TEXT', help: "the From name of the realm's mail (empty: the display name)" },
    mfa: { type: 'string', value: 'off|optional|required', help: 'two-step verification policy' },
    'mfa-remember-days': { type: 'string', value: 'N', help: '"remember this browser" for N days after a second factor (0-90, 0: off)' },
    json: jsonOption,
  },
  async run({ values, args: [name], open }) {
    const patch = lifetimes(values.lifetime);
    const account = accountSettings(values);
    const runtime = await open();
    const realm = await findRealm(runtime, name!);
    const updated = await runtime.services.realms.update(realm, {
      ...(values['display-name'] === undefined ? {} : { displayName: values['display-name'] }),
      ...(values.lifetime.length ? { tokenLifetimes: patch } : {}),
      ...account,
    }, CLI_ACTOR);
    const [view] = await realmViews(runtime, [updated]);
    if (values.json) return printJson(view);
    printFields([
      ['name', view!.name], ['display name', view!.displayName], ...Object.entries(view!.tokenLifetimes).map(([k, v]): [string, string] => [k, `${v} s`]),
      ['sign-up', view!.signUp], ['magic link', view!.magicLink], ['require verified email', String(view!.requireVerifiedEmail)],
      ['password min length', String(view!.passwordPolicy.minLength)], ['mfa', view!.mfa],
      ['mfa remember days', String(view!.mfaRememberDays)],
    ]);
  },
});

const list = defineCommand({
  group: 'realm',
  name: 'list',
  summary: 'List every realm.',
  options: { json: jsonOption },
  async run({ values, open }) {
    const runtime = await open();
    const views = await realmViews(runtime, await runtime.services.realms.list(null));
    if (values.json) return printJson(views);
    if (!views.length) return print('no realms');
    printTable(['NAME', 'OWNER', 'ISSUER'], views.map((v) => [v.name, v.owner ?? '-', v.issuer]));
  },
});

const remove = defineCommand({
  group: 'realm',
  name: 'delete',
  summary: 'Delete a realm and everything in it; every token it issued stops working.',
  details: ['Asks nothing: --yes is required, as the confirmation. The admin realm cannot be deleted.'],
  positionals: ['NAME'],
  options: { yes: { type: 'boolean', help: 'confirm the deletion' } },
  async run({ values, args, open }) {
    if (!values.yes) throw new UsageError(`deleting realm "${args[0]}" cannot be undone: add --yes to confirm`, 'realm delete');
    const runtime = await open();
    await runtime.services.realms.remove(await findRealm(runtime, args[0]!), CLI_ACTOR);
    note(`realm ${args[0]} deleted`);
    if (runtime.stores.kind === 'memory') note('note: REDIS_URL is not set, so a running server keeps the realm\'s provider and tokens in memory until it restarts or reloads the realm (within 5 minutes)');
  },
});

export const realmCommands: CommandGroup = { name: 'realm', summary: 'realms (tenants)', commands: [create, update, list, remove] };
