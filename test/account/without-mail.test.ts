// A server that cannot send mail (production without SMTP_URL): the profile says the email
// address cannot be changed here and offers no form; a forged post is refused, nothing queued.
import { describe, expect, it } from 'vitest';
import { buildRealm, buildUser, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { accountUrl, openAccount, textOf } from './account-page.js';

const gh = useGatehouse({ NODE_ENV: 'production' });

describe('account page without mail', () => {
  it('says the email address cannot be changed here, and refuses a change', async () => {
    const realm = await buildRealm(gh());
    const user = await buildUser(gh(), realm);
    const { browser, overview } = await openAccount(gh(), realm.name, user);
    expect(textOf(overview.html)).toContain('This server cannot send mail, so the address cannot be changed here.');
    expect(overview.html).not.toContain('/profile/email"');
    const csrf = /name="_csrf" value="([^"]*)"/.exec(overview.html)![1]!;
    const forged = await browser.navigate(accountUrl(gh(), realm.name, '/profile/email'), { form: { _csrf: csrf, email: `${unique('x')}@example.com` } });
    expect(forged.status).toBe(409);
    expect(await gh().prisma.mailMessage.count({ where: { realmId: realm.id } })).toBe(0);
  });
});
