// Ends the browser's provider session from inside an interaction: after 5 wrong codes, whoever
// is at this browser knows the password but not the factor, so the session that the password
// opened must not survive the failed sign-in (the next authorize asks for the password again).
import type Provider from 'oidc-provider';
import type { Details } from '../../oidc/interactions/interaction.routes.js';

export async function endBrowserSession(provider: Provider, details: Details): Promise<void> {
  const sessionId = details.session?.cookie;
  if (sessionId) await (await provider.Session.find(sessionId))?.destroy();
  // oidc-provider's resume refuses an interaction whose session is not the browser's
  // ("interaction session and authentication session mismatch"); without the old session's uid
  // the resume still answers the app with the interaction's access_denied (as its own resume
  // does when the account changed).
  const interaction = await provider.Interaction.find(details.uid);
  if (interaction?.session?.uid) {
    const { uid: _dropped, ...rest } = interaction.session;
    interaction.session = rest as typeof interaction.session;
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
  }
}
