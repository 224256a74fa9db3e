// gatehouse user factors | remove-factor | reset-mfa: a user's second factors, through the same
// service as GET/DELETE /api/v1/realms/{realm}/users/{id}/factors (src/modules/mfa/mfa.service.ts).
import { ProblemError } from '../../http/problem.js';
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { FACTOR_TYPES, isPasskeyId, type FactorType } from '../../modules/mfa/mfa.service.js';
import { defineCommand, jsonOption, UsageError } from '../command.js';
import { print, printJson, printTable } from '../output.js';
import { openUser } from './user-admin.js';

const realmOption = { type: 'string', value: 'NAME', help: 'the realm', required: true } as const;
const userDetail = "USER is the user's email address or id.";

const factors = defineCommand({
  group: 'user',
  name: 'factors',
  summary: "List a user's second factors (TOTP, recovery codes, passkeys).",
  details: [userDetail],
  positionals: ['USER'],
  options: { realm: realmOption, json: jsonOption },
  async run({ values, args: [ref], open }) {
    const { realm, user } = await openUser(open, values.realm, ref!);
    const list = await realm.mfa.list(user.id);
    if (values.json) return printJson(list);
    printTable(['type', 'created', 'last used', 'remaining', 'passkey id', 'name'], list.map((f) => [f.type, f.createdAt, f.lastUsedAt ?? '', f.remaining === undefined ? '' : String(f.remaining), f.id ?? '', f.name ?? '']));
  },
});

const removeFactor = defineCommand({
  group: 'user',
  name: 'remove-factor',
  summary: 'Remove one of a user\'s second factors: totp, recovery_codes or passkey (--id: one passkey, else all).',
  details: [userDetail, 'PASSKEY_ID is the id `user factors` lists.'],
  positionals: ['USER', 'TYPE'],
  options: { realm: realmOption, id: { type: 'string', value: 'PASSKEY_ID', help: 'with TYPE passkey: only this passkey' } },
  async run({ values, args: [ref, type], open }) {
    if (!(FACTOR_TYPES as readonly string[]).includes(type ?? '')) throw new UsageError(`TYPE is one of ${FACTOR_TYPES.join(', ')}`, 'user remove-factor');
    if (values.id && type !== 'passkey') throw new UsageError('--id is only for TYPE passkey', 'user remove-factor');
    const { realm, user } = await openUser(open, values.realm, ref!);
    const notFound = () => new ProblemError(404, 'factor_not_found', 'Not found', `User ${user.id} has no ${values.id ? `passkey ${values.id}` : type}.`);
    if (values.id && !isPasskeyId(values.id)) throw notFound();
    if (!(await realm.mfa.remove(user.id, type as FactorType, CLI_ACTOR, values.id))) throw notFound();
    print(`removed ${type} of ${user.id}`);
  },
});

const resetMfa = defineCommand({
  group: 'user',
  name: 'reset-mfa',
  summary: "Remove all of a user's second factors; they enroll again when a sign-in requires one.",
  details: [userDetail],
  positionals: ['USER'],
  options: { realm: realmOption },
  async run({ values, args: [ref], open }) {
    const { realm, user } = await openUser(open, values.realm, ref!);
    await realm.mfa.reset(user.id, CLI_ACTOR);
    print(`reset the second factors of ${user.id}`);
  },
});

export const userFactorCommands = [factors, removeFactor, resetMfa];
