// The campaign page's "copy the link" button (progressive enhancement: the read-only field works without it).
for (const button of document.querySelectorAll('button[data-copy]')) {
  const input = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector('.share-copied');
  if (!input || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      if (status) status.textContent = button.dataset.copied || '';
    } catch {
      input.select();
    }
  });
}
