// Progressive enhancement: every form works without this file. With it, votes and comments
// happen in place, and math in abstracts and comments is typeset by KaTeX when it is loaded.
'use strict';

async function post(form) {
  const response = await fetch(form.action, {
    method: 'POST',
    headers: { Accept: 'application/json' },
    body: new URLSearchParams(new FormData(form)),
    credentials: 'same-origin',
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || 'That did not work.');
  return data;
}

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.hasAttribute('data-vote')) {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const { voted, upvotes } = await post(form);
      button.classList.toggle('voted', voted);
      button.setAttribute('aria-pressed', String(voted));
      button.querySelector('.count').textContent = String(upvotes);
    } catch (error) {
      alert(error.message);
    } finally {
      button.disabled = false;
    }
  } else if (form.hasAttribute('data-comment-form')) {
    event.preventDefault();
    try {
      const { id } = await post(form);
      // Reload at the new comment: the server renders the thread the same way for everyone.
      location.assign(`${location.pathname}?t=${Date.now()}#comment-${id}`);
    } catch (error) {
      alert(error.message);
    }
  }
});

function typeset() {
  if (typeof window.renderMathInElement !== 'function') return;
  for (const element of document.querySelectorAll('.math, .comment-body')) {
    window.renderMathInElement(element, {
      delimiters: [
        { left: '$$', right: '$$', display: true },
        { left: '$', right: '$', display: false },
        { left: '\\(', right: '\\)', display: false },
        { left: '\\[', right: '\\]', display: true },
      ],
      throwOnError: false,
    });
  }
}

window.addEventListener('load', typeset);
