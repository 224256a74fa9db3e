// gatehouse keys rotate: new signing keys for a realm, published at once and signing after
// --activate-after, so relying parties that cache the JWKS meet them before any token does.
// The old keys stay published until every token they signed has expired.
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { defineCommand, jsonOption, UsageError, type CommandGroup } from '../command.js';
import { note, printFields, printJson } from '../output.js';
import { findRealm } from '../runtime.js';

const rotate = defineCommand({
  group: 'keys',
  name: 'rotate',
  summary: "Rotate a realm's signing keys and print the new key ids and when they take over.",
  details: [
    'Every running instance is told to reload the realm (through Redis; without REDIS_URL,',
    'instances reload within 5 minutes). Relying parties may cache the JWKS for 120 s, so keep',
    '--activate-after at 120 or more with Redis and at 420 (300 + 120) or more without it.',
  ],
  options: {
    realm: { type: 'string', value: 'NAME', help: 'the realm', required: true },
    'activate-after': { type: 'string', value: 'SECONDS', help: 'publish the new keys now, sign with them after this delay (default 600)' },
    json: jsonOption,
  },
  async run({ values, open }) {
    const raw = values['activate-after'] ?? '600';
    if (!/^\d+$/.test(raw)) throw new UsageError(`--activate-after must be a whole number of seconds, got "${raw}"`, 'keys rotate');
    const activateAfterSeconds = Number(raw);
    const runtime = await open();
    const realm = runtime.services.forRealm(await findRealm(runtime, values.realm));
    const maxLifetime = await realm.signingKeys.maxTokenLifetimeSeconds();
    const rotation = await realm.signingKeys.rotate({ activateAfterSeconds, maxTokenLifetimeSeconds: maxLifetime }, CLI_ACTOR);
    await runtime.services.realms.changed(values.realm);
    if (values.json) {
      printJson({ ...rotation, activatesAt: rotation.activatesAt.toISOString(), oldKeysExpireAt: rotation.oldKeysExpireAt.toISOString(), maxTokenLifetimeSeconds: maxLifetime });
    } else {
      printFields([
        ['new kids', rotation.kids.join(' ')],
        ['sign from', `${rotation.activatesAt.toISOString()} (in ${activateAfterSeconds} s)`],
        ['old kids', rotation.retiring.join(' ') || '(none)'],
        ['old kids published until', rotation.oldKeysExpireAt.toISOString()],
      ]);
    }
    if (runtime.stores.kind === 'memory') note('note: REDIS_URL is not set, so running instances were not notified; they reload the realm within 5 minutes');
  },
});

export const keysCommands: CommandGroup = { name: 'keys', summary: 'realm signing keys', commands: [rotate] };
