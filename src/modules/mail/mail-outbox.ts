// Queues a mail: one sealed row in the caller's transaction. The template's data carries
// single-use links, so it is sealed (AES-256-GCM under a key derived from MASTER_KEY for this
// purpose, bound to the row id): a database dump holds no usable link. The worker opens it to
// render and send, then erases it.
import { randomUUID } from 'node:crypto';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { Sealer } from '../../security/encryption.js';

/** The mail templates under views/mail/, and the data each one renders. */
export interface MailTemplates {
  'verify-email': { name: string | null; link: string; code: string };
  'reset-password': { name: string | null; link: string };
  /** `fromAccountPage`: changed on the account page, which signs out every OTHER device. */
  'password-changed': { name: string | null; fromAccountPage?: boolean };
  'magic-link': { name: string | null; link: string };
  'set-password': { name: string | null; link: string };
  /** To the new address of an email change (src/modules/users/email-change.service.ts). */
  'confirm-email-change': { name: string | null; link: string; newEmail: string };
  /** To the old address once the change is done. */
  'email-changed': { name: string | null; newEmail: string };
}
export type MailTemplate = keyof MailTemplates;

export interface MailRequest<T extends MailTemplate = MailTemplate> {
  to: string;
  template: T;
  data: MailTemplates[T];
}

/** Associated data binding a sealed payload to its row. */
export const mailSealContext = (id: string) => `mail:${id}`;

export function createMailOutbox(sealer: Sealer) {
  return {
    /** Call inside the transaction that causes the mail (`tx` from scope.inTransaction). */
    async enqueue<T extends MailTemplate>(tx: RealmScope, message: MailRequest<T>): Promise<string> {
      const id = randomUUID();
      await tx.mail.insert({ id, to: message.to, template: message.template, sealedData: sealer.seal(JSON.stringify(message.data), mailSealContext(id)) });
      return id;
    },
  };
}

export type MailOutbox = ReturnType<typeof createMailOutbox>;
