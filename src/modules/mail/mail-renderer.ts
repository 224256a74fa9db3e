// Renders a queued mail from its templates in views/mail/: <template>.subject.eta,
// <template>.text.eta and <template>.html.eta. Two engines on purpose: the HTML one escapes every
// `<%= %>` (a user's name such as `<b>x</b>` stays text: no markup or phishing links injected into a
// mail sent in the realm's name); the subject and text ones do not, since HTML entities would be
// wrong in a plain-text body, and nothing in plain text is interpreted as markup.
import { Eta } from 'eta';
import { VIEWS_DIR } from '../../http/views.js';
import type { MailTemplate, MailTemplates } from './mail-outbox.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** What every template receives besides its own data. */
export interface MailContext {
  /** The realm's display name, as shown in the body. */
  realmDisplayName: string;
}

export const MAIL_TEMPLATES: readonly MailTemplate[] = ['verify-email', 'reset-password', 'password-changed', 'magic-link', 'set-password', 'confirm-email-change', 'email-changed'];

export const isMailTemplate = (name: string): name is MailTemplate => (MAIL_TEMPLATES as readonly string[]).includes(name);

export function createMailRenderer(cache: boolean) {
  const html = new Eta({ views: VIEWS_DIR, autoEscape: true, cache });
  // autoTrim off: in plain text the line break after `<%= it.link %>` is part of the layout.
  const plain = new Eta({ views: VIEWS_DIR, autoEscape: false, autoTrim: false, cache });
  return {
    render<T extends MailTemplate>(template: T, data: MailTemplates[T], context: MailContext): RenderedMail {
      const it = { ...data, ...context };
      // A subject is one header line: line breaks from any value would end it (header injection).
      const subject = plain.render(`mail/${template}.subject.eta`, it).replace(/\s+/g, ' ').trim();
      return {
        subject,
        text: `${plain.render(`mail/${template}.text.eta`, it).trim()}\n`,
        html: html.render(`mail/${template}.html.eta`, { ...it, subject }),
      };
    },
  };
}

export type MailRenderer = ReturnType<typeof createMailRenderer>;
