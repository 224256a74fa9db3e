// In production there is no development outbox, and without SMTP_URL a realm cannot switch on
// what sends mail (sign-up, magic links, required verification): 409 mail_not_configured.
// With SMTP_URL set, /dev/mail does not exist either, in any mode.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { bearer, buildDeveloper, expectProblem } from '../api/support.js';
import { enqueueMail } from './support.js';

const devMail = (url: string) => fetch(`${url}/dev/mail`, { headers: { accept: 'text/html' } });

describe('production without SMTP_URL', () => {
  const gh = useGatehouse({ NODE_ENV: 'production' });

  it('has no /dev/mail', async () => {
    expect((await devMail(gh().url)).status).toBe(404);
  });

  it('refuses to switch on mail features: PATCH and create answer 409 mail_not_configured', async () => {
    const { key, user } = await buildDeveloper(gh());
    const realm = await buildRealm(gh(), { ownerId: user.id });
    for (const body of [{ signUp: 'enabled' }, { magicLink: 'enabled' }, { requireVerifiedEmail: true }]) {
      const res = await request(gh().url).patch(`/api/v1/realms/${realm.name}`).set(bearer(key)).send(body);
      expectProblem(res, 409, 'mail_not_configured');
    }
    const created = await request(gh().url).post('/api/v1/realms').set(bearer(key)).send({ name: unique('shop'), signUp: 'enabled' });
    expectProblem(created, 409, 'mail_not_configured');
    // What does not send mail is still allowed.
    const ok = await request(gh().url).patch(`/api/v1/realms/${realm.name}`).set(bearer(key)).send({ mailSenderName: 'Shop', passwordPolicy: { minLength: 12 } });
    expect(ok.status).toBe(200);
  });
});

describe('production with SMTP_URL (a server that requires AUTH)', () => {
  const { gh, smtp } = useGatehouseWithSmtp({ NODE_ENV: 'production' }, { auth: { user: 'mailer', pass: 'p@ss w0rd:/' } });

  it('logs in with the credentials of the URL and delivers', async () => {
    expect(smtp().url).toMatch(/^smtp:\/\/mailer:p%40ss%20w0rd%3A%2F@127\.0\.0\.1:\d+$/);
    const realm = await buildRealm(gh());
    const to = `${unique('prod')}@example.com`;
    await enqueueMail(gh(), realm, { to, template: 'password-changed', data: { name: 'Prod' } });
    expect((await smtp().waitFor(to)).text).toContain('Hello Prod,');
    expect(gh().logLines.join('')).not.toMatch(/p%40ss|p@ss|\b${to}\b/);
  });

  it('switches mail features on, and still has no /dev/mail', async () => {
    const { key, user } = await buildDeveloper(gh());
    const realm = await buildRealm(gh(), { ownerId: user.id });
    const res = await request(gh().url).patch(`/api/v1/realms/${realm.name}`).set(bearer(key)).send({ signUp: 'enabled', magicLink: 'enabled' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ signUp: 'enabled', magicLink: 'enabled' });
    expect((await devMail(gh().url)).status).toBe(404);
  });
});
