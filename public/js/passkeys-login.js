// The login page's passkey sign-in: a "Sign in with a passkey" button and autofill (conditional
// mediation: passkeys offered in the email field's suggestions, WebAuthn §5.1.4.1). Also tells
// the password form whether this browser could make a passkey, so the sign-in can offer one.
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, platformAuthenticatorIsAvailable, startAuthentication } from '/static/vendor/simplewebauthn/index.js';
import { isAbort, messageFor, post, Refused, showError } from './passkeys-common.js';

const box = document.getElementById('passkey-sign-in');

async function signIn(useBrowserAutofill) {
  const { optionsUrl, verifyUrl, csrf } = box.dataset;
  const optionsJSON = await post(optionsUrl, csrf);
  const credential = await startAuthentication({ optionsJSON, useBrowserAutofill });
  const { redirect } = await post(verifyUrl, csrf, { credential });
  window.location.assign(redirect);
}

const failed = (err) => {
  if (!isAbort(err)) showError(box, messageFor(err));
};

// Autofill runs unasked on page load: a browser that cannot offer passkeys here (no passkey, an
// address that cannot be an RP ID) says nothing. Only a passkey the user picked and Gatehouse
// refused is worth a message.
const autofillFailed = (err) => {
  if (err instanceof Refused) failed(err);
};

if (box && browserSupportsWebAuthn()) {
  box.hidden = false;
  document.getElementById('passkey-button').addEventListener('click', () => signIn(false).catch(failed));
  platformAuthenticatorIsAvailable().then((yes) => {
    const field = document.getElementById('passkey-capable');
    if (yes && field) field.value = '1';
  });
  browserSupportsWebAuthnAutofill().then((yes) => {
    if (yes) signIn(true).catch(autofillFailed);
  });
}
