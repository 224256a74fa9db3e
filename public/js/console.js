// Copy buttons for the console (progressive: without JavaScript the values stay selectable text).
// Each element with data-copy gets a "Copy" button after it; the result is announced in the
// page's status region (role=status) for screen readers.
const status = document.querySelector('[data-copy-status]');

for (const el of document.querySelectorAll('[data-copy]')) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent ?? document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent : undefined;
  button.textContent = 'Copy';
  if (label) button.setAttribute('aria-label', `Copy ${label.trim()}`);
  button.addEventListener('click', async () => {
    const value = 'value' in el ? el.value : el.textContent ?? '';
    try {
      await navigator.clipboard.writeText(value);
      if (status) status.textContent = `Copied${label ? ` ${label.trim()}` : ''}.`;
    } catch {
      if (status) status.textContent = 'Copying is not allowed here: select the text and copy it.';
    }
  });
  const row = document.createElement('div');
  row.className = 'copy-row';
  row.append(button);
  el.after(row);
}
