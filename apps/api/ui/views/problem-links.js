// The incident page's "Problems" panel: the problems the incident belongs to, each with a way to
// unlink it, and a way to link it to a problem by id. The problems app applies a link or unlink
// and records a new problem version; the panel asks for the incident again until its problem ids
// show it.
import { h, replace } from '../dom.js';
import { problemHref, readUntil } from './common.js';

export function problemLinksPanel({ api, path, incidentId, problemIds, signal }) {
  let ids = [...problemIds];
  let busy = false;
  const list = h('div');
  const status = h('p', { class: 'link-status', role: 'status', 'aria-live': 'polite' });
  const input = h('input', {
    id: 'link-problem-id',
    type: 'text',
    required: true,
    placeholder: 'e.g. prb_0123456789abcdef',
    spellcheck: 'false',
  });
  const linkButton = h('button', { type: 'submit', id: 'link-problem' }, 'Link');

  async function send(problemId, action) {
    busy = true;
    draw();
    status.className = 'link-status';
    status.textContent = action === 'link' ? 'Linking…' : 'Unlinking…';
    const problemPath = `/api/v1/problems/${encodeURIComponent(problemId)}/${action}`;
    try {
      await api.post(problemPath, { incidentId }, { signal });
    } catch (error) {
      if (signal.aborted) return;
      busy = false;
      draw();
      status.className = 'link-status notice notice-error';
      status.textContent = error.friendly ?? String(error.message ?? error);
      return;
    }
    status.textContent = 'Accepted; waiting for the problem to record it…';
    const done = (fresh) => (fresh.problemIds ?? []).includes(problemId) === (action === 'link');
    const fresh = await readUntil(api, path, done, signal, 15);
    if (signal.aborted) return;
    busy = false;
    if (fresh) {
      ids = fresh.problemIds ?? [];
      input.value = '';
    }
    draw();
    if (fresh) {
      status.className = 'link-status notice notice-ok';
      status.textContent = action === 'link' ? `Linked to ${problemId}.` : `Unlinked from ${problemId}.`;
      return;
    }
    status.textContent = 'Accepted, but the problem has not recorded it yet. Reload the page in a moment.';
  }

  function draw() {
    linkButton.disabled = busy;
    replace(
      list,
      ids.length
        ? h(
            'ul',
            { class: 'recent-list', id: 'incident-problems' },
            ids.map((pid) =>
              h(
                'li',
                {},
                h('a', { href: problemHref(pid) }, pid),
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'link-button',
                    'data-unlink': pid,
                    'aria-label': `Unlink from problem ${pid}`,
                    disabled: busy,
                    onclick: () => send(pid, 'unlink'),
                  },
                  'Unlink',
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'Not part of a recurring problem.'),
    );
  }

  draw();
  return h(
    'section',
    { 'aria-labelledby': 'problem-links-h', class: 'panel' },
    h('h2', { id: 'problem-links-h' }, 'Problems'),
    list,
    h(
      'form',
      {
        class: 'inline-field',
        onsubmit: (e) => {
          e.preventDefault();
          const pid = input.value.trim();
          if (!pid) return input.focus();
          send(pid, 'link');
        },
      },
      h('label', { for: 'link-problem-id' }, 'Link to problem'),
      input,
      linkButton,
    ),
    status,
  );
}
