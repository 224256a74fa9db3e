// What the passkey page scripts share: JSON calls back to Gatehouse carrying the page's CSRF
// token, and the message a person sees when something did not work. Loaded as an ES module
// under a script-src 'self' CSP: no inline script anywhere.
export class Refused extends Error {}

/** POSTs JSON to the page's own server; a problem+json answer becomes a Refused with its detail. */
export async function post(url, csrf, body = {}) {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({ _csrf: csrf, ...body }),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Refused(typeof data.detail === 'string' ? data.detail : 'Something went wrong. Reload the page and try again.');
  return data;
}

/** The text for an error from the server or from the browser's WebAuthn call. */
export function messageFor(err) {
  if (err instanceof Refused) return err.message;
  if (err && err.name === 'InvalidStateError') return 'This device already has a passkey for your account.';
  if (err && err.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again.';
  return 'Your browser could not use a passkey. Try again, or use another way.';
}

/** Shows `text` in the box's alert (announced by screen readers: role="alert"). */
export function showError(box, text) {
  const alert = box.querySelector('#passkey-error');
  if (!alert) return;
  alert.textContent = text;
  alert.hidden = false;
}

/** A ceremony cancelled because another began (autofill replaced by the button): not an error to show. */
export const isAbort = (err) => Boolean(err) && (err.name === 'AbortError' || err.code === 'ERROR_CEREMONY_ABORTED');
