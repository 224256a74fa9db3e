// "Add a passkey": the offer after a password sign-in and the account page's passkey section.
// The box's data attributes say where to ask for options and where to send the new credential;
// the answer is `{ redirect }` (go on) or, on the account page, reload to show the list.
import { browserSupportsWebAuthn, startRegistration } from '/static/vendor/simplewebauthn/index.js';
import { messageFor, post, showError } from './passkeys-common.js';

const box = document.getElementById('passkey-register');

if (box && browserSupportsWebAuthn()) {
  const button = document.getElementById('passkey-button');
  const note = document.getElementById('passkey-no-script');
  if (note) note.hidden = true;
  button.hidden = false;
  button.addEventListener('click', async () => {
    const { optionsUrl, verifyUrl, csrf } = box.dataset;
    const nameField = document.getElementById('passkey-name');
    button.disabled = true;
    try {
      const optionsJSON = await post(optionsUrl, csrf);
      const credential = await startRegistration({ optionsJSON });
      const { redirect } = await post(verifyUrl, csrf, { credential, name: nameField ? nameField.value : '' });
      window.location.assign(redirect);
    } catch (err) {
      showError(box, messageFor(err));
    } finally {
      button.disabled = false;
    }
  });
}
