// What went wrong with one delivery, in words safe to store (MailMessage.lastError) and codes safe
// to log. SMTP replies often quote the recipient ("550 <ada@example.com>: no such user"), and a
// render error could quote a link, so addresses and URLs are replaced before anything is kept.

/** A failure no retry can fix (bad data, a 5xx answer from the server). */
export class PermanentMailError extends Error {}

export interface MailFailure {
  permanent: boolean;
  code?: string;
  responseCode?: number;
  /** For lastError: codes and the message with addresses and links removed, at most 300 characters. */
  summary: string;
}

const scrub = (text: string) =>
  text
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[link]')
    .replace(/[^\s<>"'@]+@[^\s<>"'@]+/g, '[address]')
    .replace(/\s+/g, ' ')
    .trim();

export function describeFailure(err: unknown): MailFailure {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  // RFC 5321 §4.2.1: 5yz is a permanent negative reply. A refused login (EAUTH) is the operator's
  // configuration, fixable without the message changing: it is retried like an outage.
  const permanent = err instanceof PermanentMailError || (responseCode !== undefined && responseCode >= 500 && responseCode < 600 && code !== 'EAUTH');
  const prefix = [code, responseCode].filter((p) => p !== undefined).join(' ');
  const summary = `${prefix ? `${prefix}: ` : ''}${scrub(message)}`.slice(0, 300);
  return { permanent, code, responseCode, summary };
}
