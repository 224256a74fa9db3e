// Mail goes out through a real SMTP server (smtp-server, started by the test): every template
// with its subject, the realm's name as sender, both bodies, escaped values, absolute links; the
// outbox row records the delivery and keeps no link once sent.
import { describe, expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { enqueueMail, outboxRow, sampleLink, waitForStatus } from './support.js';

const { gh, smtp } = useGatehouseWithSmtp({ MAIL_FROM: 'accounts@gatehouse.test' });

describe('mail delivery through SMTP', () => {
  it('delivers a verification mail: subject, From with the realm name, text and HTML bodies, the link and code', async () => {
    const realm = await gh().services.realms.create({ name: unique('acme'), displayName: 'Acme Corp' }, null, { actor: 'test' });
    const to = `${unique('ada')}@example.com`;
    const link = sampleLink(gh(), realm.name, 'email/verify');
    const id = await enqueueMail(gh(), realm, { to, template: 'verify-email', data: { name: 'Ada', link, code: '123456' } });

    const mail = await smtp().waitFor(to);
    expect(mail.subject).toBe('Verify your email address for Acme Corp');
    expect(mail.from).toMatch(/^"?Acme Corp"? <accounts@gatehouse\.test>$/);
    expect(mail.text).toContain('Hello Ada,');
    expect(mail.text).toContain('123456');
    expect(mail.links).toEqual([link]);
    expect(mail.text).toContain(`:\n\n${link}\n\nOr enter this code`);
    expect(mail.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
    expect(mail.html).toContain('123456');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');

    const row = await waitForStatus(gh(), id, 'sent');
    expect(row).toMatchObject({ status: 'sent', attempts: 1, sealedData: null, lastError: null, sentAt: expect.any(Date) });
  });

  it('sends every template with its own subject and an absolute link where it has one', async () => {
    const realm = await buildRealm(gh());
    const cases = [
      { template: 'reset-password', path: 'password/reset', subject: `Reset your ${realm.displayName} password` },
      { template: 'magic-link', path: 'magic-link', subject: `Your sign-in link for ${realm.displayName}` },
      { template: 'set-password', path: 'password/set', subject: `Set your password for ${realm.displayName}` },
    ] as const;
    for (const c of cases) {
      const to = `${unique(c.template)}@example.com`;
      const link = sampleLink(gh(), realm.name, c.path);
      await enqueueMail(gh(), realm, { to, template: c.template, data: { name: null, link } });
      const mail = await smtp().waitFor(to);
      expect({ subject: mail.subject, links: mail.links, greeting: mail.text.split('\n')[0] }).toEqual({ subject: c.subject, links: [link], greeting: 'Hello,' });
      expect(mail.links[0]).toMatch(new RegExp(`^${gh().config.baseUrl}/realms/${realm.name}/`));
      expect(mail.html).toContain(link);
    }
    const to = `${unique('changed')}@example.com`;
    await enqueueMail(gh(), realm, { to, template: 'password-changed', data: { name: 'Grace' } });
    const changed = await smtp().waitFor(to);
    expect(changed.subject).toBe(`Your ${realm.displayName} password was changed`);
    expect(changed.links).toEqual([]);
    expect(changed.text).toContain('signed out');
  });

  it('escapes names in the HTML body and keeps them as typed in the text body', async () => {
    const realm = await buildRealm(gh());
    const to = `${unique('mallory')}@example.com`;
    await enqueueMail(gh(), realm, { to, template: 'magic-link', data: { name: '<b>x</b> & "q"', link: sampleLink(gh(), realm.name, 'magic-link') } });
    const mail = await smtp().waitFor(to);
    expect(mail.html).toContain('Hello &lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;,');
    expect(mail.html).not.toContain('<b>x</b>');
    expect(mail.text).toContain('Hello <b>x</b> & "q",');
  });

  it("uses the realm's mailSenderName in From when it is set", async () => {
    const realm = await gh().services.realms.create({ name: unique('sender'), mailSenderName: 'Acme Accounts' }, null, { actor: 'test' });
    const to = `${unique('sender')}@example.com`;
    await enqueueMail(gh(), realm, { to, template: 'password-changed', data: { name: null } });
    expect((await smtp().waitFor(to)).from).toMatch(/^"?Acme Accounts"? <accounts@gatehouse\.test>$/);
  });

  it('writes no address, link or code in any log line', async () => {
    const realm = await buildRealm(gh());
    const to = `${unique('quiet')}@example.com`;
    const link = sampleLink(gh(), realm.name, 'email/verify');
    const id = await enqueueMail(gh(), realm, { to, template: 'verify-email', data: { name: null, link, code: '987654' } });
    await smtp().waitFor(to);
    await waitForStatus(gh(), id, 'sent');
    const logs = gh().logLines.join('');
    expect(logs).toContain(id);
    for (const secret of [to, link, new URL(link).searchParams.get('token')!, '987654']) expect(logs).not.toContain(secret);
    expect((await outboxRow(gh(), id)).sealedData).toBeNull();
  });
});
