// "Use a passkey" on the two-step verification page: the signed-in user's own passkeys.
import { browserSupportsWebAuthn, startAuthentication } from '/static/vendor/simplewebauthn/index.js';
import { isAbort, messageFor, post, showError } from './passkeys-common.js';

const box = document.getElementById('passkey-mfa');

if (box && browserSupportsWebAuthn()) {
  const button = document.getElementById('passkey-button');
  document.getElementById('passkey-no-script').hidden = true;
  button.hidden = false;
  button.addEventListener('click', async () => {
    const { optionsUrl, verifyUrl, csrf } = box.dataset;
    try {
      const optionsJSON = await post(optionsUrl, csrf);
      const credential = await startAuthentication({ optionsJSON });
      const { redirect } = await post(verifyUrl, csrf, { credential });
      window.location.assign(redirect);
    } catch (err) {
      if (!isAbort(err)) showError(box, messageFor(err));
    }
  });
}
