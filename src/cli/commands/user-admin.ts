// gatehouse user update | delete | set-password | revoke-sessions | search: the management API's
// user routes for an operator, through the same services (src/modules/users/user-admin.service.ts).
// USER is an email address or a user id.
//
// Signing out (revoke-sessions, and the sign-out that delete, --disable and set-password do) acts
// on the session store. With REDIS_URL that store is shared with the running servers. Without it
// each process keeps sessions in its own memory, so a CLI process cannot reach a running server's
// sessions: revoke-sessions refuses to pretend, and the other commands say what they could not do
// (findAccount still refuses a deleted or disabled user at the next refresh or userinfo call).
import { z } from 'zod';
import type { User } from '../../generated/prisma/client.js';
import { ProblemError } from '../../http/problem.js';
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { listUsersQuery, type UserView } from '../../modules/users/users.service.js';
import { parseOrThrow } from '../../http/validate.js';
import type { RealmServices } from '../../services.js';
import { defineCommand, jsonOption, UsageError, type Runtime } from '../command.js';
import { note, print, printFields, printJson, printTable } from '../output.js';
import { passwordOptions, readPassword } from '../password-input.js';
import { findRealm } from '../runtime.js';

const realmOption = { type: 'string', value: 'NAME', help: 'the realm', required: true } as const;
const USER = 'USER';
const userDetail = `${USER} is the user's email address or id.`;

async function findUser(realm: RealmServices, ref: string): Promise<User> {
  const user = ref.includes('@') ? await realm.scope.users.findByEmail(ref.trim()) : z.guid().safeParse(ref).success ? await realm.scope.users.findById(ref) : null;
  if (!user) throw new ProblemError(404, 'user_not_found', 'Not found', `No user "${ref}" in realm "${realm.scope.realm.name}"; "gatehouse user search" finds users.`);
  return user;
}

async function openRealm(open: () => Promise<Runtime>, name: string) {
  const runtime = await open();
  return { runtime, realm: runtime.services.forRealm(await findRealm(runtime, name)) };
}

/** The realm and the user USER names in it. */
export async function openUser(open: () => Promise<Runtime>, realmName: string, ref: string) {
  const opened = await openRealm(open, realmName);
  return { ...opened, user: await findUser(opened.realm, ref) };
}

/** Said when a sign-out could not reach the servers' sessions (in-memory stores). */
function noteLocalSignOut(runtime: Runtime, after: string) {
  if (runtime.stores.kind === 'memory') note(`note: REDIS_URL is not set, so sessions on running servers were not reached; ${after}`);
}
const REFUSED_LATER = 'the user is refused at their next refresh or userinfo call.';

function printUser(user: UserView, json?: boolean) {
  if (json) return printJson(user);
  printFields([['id', user.id], ['email', user.email], ['emailVerified', String(user.emailVerified)], ['name', user.name ?? undefined], ['disabled', String(user.disabled)]]);
}

/** Two flags that contradict each other: true, false, or undefined when neither is given. */
function either(values: Record<string, unknown>, yes: string, no: string, command: string): boolean | undefined {
  if (values[yes] && values[no]) throw new UsageError(`use either --${yes} or --${no}, not both`, command);
  return values[yes] ? true : values[no] ? false : undefined;
}

const update = defineCommand({
  group: 'user',
  name: 'update',
  summary: "Change a user's email, name or state; disabling signs them out everywhere.",
  details: [userDetail, 'A new email is unverified unless --email-verified is given too.'],
  positionals: [USER],
  options: {
    realm: realmOption,
    'new-email': { type: 'string', value: 'EMAIL', help: 'a new email address' },
    name: { type: 'string', value: 'NAME', help: 'display name' },
    'given-name': { type: 'string', value: 'NAME', help: 'given name' },
    'family-name': { type: 'string', value: 'NAME', help: 'family name' },
    'email-verified': { type: 'boolean', help: 'mark the email address as verified' },
    'email-unverified': { type: 'boolean', help: 'mark the email address as not verified' },
    disable: { type: 'boolean', help: 'disable the user (and sign them out everywhere)' },
    enable: { type: 'boolean', help: 'enable the user again' },
    json: jsonOption,
  },
  async run({ values, args: [ref], open }) {
    const emailVerified = either(values, 'email-verified', 'email-unverified', 'user update');
    const disable = either(values, 'disable', 'enable', 'user update');
    const changes = {
      ...(values['new-email'] !== undefined ? { email: values['new-email'] } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values['given-name'] !== undefined ? { givenName: values['given-name'] } : {}),
      ...(values['family-name'] !== undefined ? { familyName: values['family-name'] } : {}),
      ...(emailVerified !== undefined ? { emailVerified } : {}),
      ...(disable !== undefined ? { disabled: disable } : {}),
    };
    if (!Object.keys(changes).length) throw new UsageError('nothing to change: give at least one flag', 'user update');
    const { runtime, realm, user } = await openUser(open, values.realm, ref!);
    const result = await realm.userAdmin.update(user.id, changes, CLI_ACTOR);
    if (!result) throw new ProblemError(404, 'user_not_found', 'Not found', `No user "${ref}".`);
    if (result.emailChanged && !result.user.emailVerified) await realm.emailVerification.send(result.user, CLI_ACTOR);
    if (disable) noteLocalSignOut(runtime, REFUSED_LATER);
    printUser(result.user, values.json);
  },
});

const remove = defineCommand({
  group: 'user',
  name: 'delete',
  summary: 'Delete a user: every session, grant and token is revoked, credentials and consents deleted.',
  details: [userDetail, 'The audit log keeps a user.deleted event with a keyed digest of the address, not the address.'],
  positionals: [USER],
  options: { realm: realmOption },
  async run({ values, args: [ref], open }) {
    const { runtime, realm, user } = await openUser(open, values.realm, ref!);
    await realm.userAdmin.remove(user.id, CLI_ACTOR);
    noteLocalSignOut(runtime, REFUSED_LATER);
    print(`deleted ${user.id}`);
  },
});

const setPassword = defineCommand({
  group: 'user',
  name: 'set-password',
  summary: "Set a user's password (realm policy applies) and sign them out everywhere.",
  details: [userDetail],
  positionals: [USER],
  synopsis: `${USER} --realm NAME (--password PASSWORD | --password-stdin)`,
  options: { realm: realmOption, ...passwordOptions, password: { ...passwordOptions.password, help: 'the new password (visible to ps and shell history: prefer --password-stdin)' } },
  async run({ values, args: [ref], open }) {
    const password = await readPassword(values, 'user set-password');
    if (password === undefined) throw new UsageError('give the password with --password-stdin (or --password)', 'user set-password');
    const { runtime, realm, user } = await openUser(open, values.realm, ref!);
    await realm.userAdmin.setPassword(user.id, { password }, CLI_ACTOR);
    noteLocalSignOut(runtime, 'sessions made with the old password stay signed in there (use the API to sign the user out).');
    print(`password set for ${user.id}`);
  },
});

const revokeSessions = defineCommand({
  group: 'user',
  name: 'revoke-sessions',
  summary: 'Sign a user out everywhere: sessions, refresh and access tokens stop working. Needs REDIS_URL.',
  details: [userDetail, "Without REDIS_URL sessions live in each server's memory, out of this command's reach."],
  positionals: [USER],
  options: { realm: realmOption },
  async run({ values, args: [ref], open }) {
    const { runtime, realm, user } = await openUser(open, values.realm, ref!);
    if (runtime.stores.kind === 'memory') {
      throw new ProblemError(409, 'redis_required', 'Conflict', "REDIS_URL is not set: sessions live in each server's memory, out of this command's reach. Use POST /api/v1/realms/{realm}/users/{id}/sessions/revoke on the server.");
    }
    await realm.userAdmin.revokeSessions(user.id, CLI_ACTOR);
    print(`signed out ${user.id} everywhere`);
  },
});

const search = defineCommand({
  group: 'user',
  name: 'search',
  summary: 'List users of a realm: all, one exact --email, or those whose email or name contains --q.',
  options: {
    realm: realmOption,
    email: { type: 'string', value: 'EMAIL', help: 'exactly this address (any case)' },
    q: { type: 'string', value: 'TEXT', help: 'part of an email address or name' },
    limit: { type: 'string', value: 'N', help: 'at most N users (default 50, at most 200)' },
    json: jsonOption,
  },
  async run({ values, open }) {
    const query = parseOrThrow(listUsersQuery, { email: values.email, q: values.q, limit: values.limit });
    const { realm } = await openRealm(open, values.realm);
    const users = await realm.users.list(query.limit, undefined, { email: query.email, q: query.q });
    if (values.json) return printJson(users);
    printTable(['id', 'email', 'name', 'state'], users.map((u) => [u.id, u.email, u.name ?? '', u.disabled ? 'disabled' : u.emailVerified ? 'verified' : 'unverified']));
  },
});

export const userAdminCommands = [update, remove, setPassword, revokeSessions, search];
