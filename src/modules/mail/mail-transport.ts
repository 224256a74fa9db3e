// Where rendered mail goes: an SMTP server (nodemailer, from SMTP_URL), or outside production
// without SMTP_URL the development outbox (dev-outbox.ts), so a newcomer's first run can still
// follow a verification or magic link. The worker only sees `send`.
import type { Transporter } from 'nodemailer';
import type { Config } from '../../config/config.js';
import { createDevOutbox } from './dev-outbox.js';
import type { RenderedMail } from './mail-renderer.js';

export interface OutgoingMail extends RenderedMail {
  /** The outbox row id (the development outbox files the message under it). */
  id: string;
  realmName: string;
  to: string;
  from: { name: string; address: string };
}

export interface MailTransport {
  kind: 'smtp' | 'dev-outbox';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Bounds on one SMTP conversation. The worker's claim lease (mail-worker.ts) is well above their
 * sum, so a slow server cannot make a second instance claim a message that is still being sent.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

export function createSmtpTransport(smtpUrl: string): MailTransport {
  // smtps:// is TLS from the first byte (port 465); smtp:// upgrades with STARTTLS when the
  // server offers it. user:password@ in the URL become AUTH credentials.
  // nodemailer loads with the first message (~0.1 s of start-up otherwise).
  let transporter: Promise<Transporter> | undefined;
  const open = () => (transporter ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS })));
  return {
    kind: 'smtp',
    async send(mail) {
      await (await open()).sendMail({
        from: mail.from,
        // An address object and an explicit envelope: the stored address is one recipient, never
        // a list nodemailer would split on commas.
        to: { name: '', address: mail.to },
        envelope: { from: mail.from.address, to: [mail.to] },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // RFC 3834 §5: an automatic message; out-of-office robots must not answer it.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => void transporter?.then((t) => t.close(), () => undefined),
  };
}

/** The transport this deployment uses, or undefined when it cannot send mail (production without SMTP_URL). */
export function createMailTransport(config: Pick<Config, 'mail' | 'dataDir'>): MailTransport | undefined {
  if (config.mail.smtpUrl) return createSmtpTransport(config.mail.smtpUrl);
  if (config.mail.devOutbox) return createDevOutbox(config.dataDir);
  return undefined;
}
