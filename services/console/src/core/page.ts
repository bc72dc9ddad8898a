import { escapeHtml, ROLLOUT_STYLES } from '@kanary/charts';

/**
 * The only script of the console, kept to a few lines on purpose: it re-fetches the page's live
 * section (server-rendered HTML) when the server says something changed (server-sent events),
 * and sends the operator buttons' commands with the token typed into the page as a bearer
 * header. The token stays in this tab's sessionStorage; it is never put in a URL or a cookie.
 */
const SCRIPT = `
const live = document.getElementById('live');
const token = document.getElementById('token');
if (token) token.value = sessionStorage.getItem('kanary-token') || '';
let busy = false, again = false;
async function refresh() {
  if (busy) { again = true; return; }
  busy = true;
  try {
    const r = await fetch(location.pathname + '?fragment=1', { headers: { accept: 'text/html' } });
    if (r.ok) live.innerHTML = await r.text();
  } finally { busy = false; if (again) { again = false; refresh(); } }
}
new EventSource('/events').addEventListener('change', refresh);
document.addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-verb]');
  if (!b) return;
  const out = document.getElementById('action-result');
  sessionStorage.setItem('kanary-token', token.value);
  out.textContent = b.dataset.verb + '…';
  const r = await fetch('/api/models/' + encodeURIComponent(b.dataset.model) + '/' + b.dataset.verb, {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token.value, 'content-type': 'application/json' },
    body: JSON.stringify({ rolloutId: b.dataset.rollout, canary: b.dataset.canary, reason: b.dataset.verb + (b.dataset.canary ? ' ' + b.dataset.canary : '') + ' from the web console' }),
  });
  const body = await r.json().catch(() => ({}));
  out.textContent = (r.ok ? '' : r.status + ': ') + (body.message || body.outcome || '');
  out.className = r.ok ? 'ok-text' : 'bad-text';
  refresh();
});
`.trim();

const CONSOLE_STYLES = `
header{display:flex;gap:16px;align-items:baseline}header a{color:inherit}
.phase{font-weight:600}.p-CANARY,.p-SHADOW{color:#1f6feb}.p-PAUSED{color:#9a6700}.p-PROMOTED{color:#1a7f37}.p-ROLLED_BACK{color:#cf222e}
.operator{border:1px solid #d0d7de;border-radius:6px;padding:8px;margin:12px 0}
button{font:inherit;padding:3px 10px;margin-right:6px;cursor:pointer}button.danger{color:#cf222e}
.ok-text{color:#1a7f37}.bad-text{color:#cf222e}.muted{color:#57606a}
`.trim();

export interface PageOptions {
  readonly title: string;
  /** The part the script replaces on every change (also served alone with `?fragment=1`). */
  readonly live: string;
  /** Shown above the live part; not refreshed (the token field lives here). */
  readonly header?: string;
}

/** A full console page: inline CSS, the live section, and the script. */
export function page(options: PageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(options.title)} · Kanary</title>
<style>
${ROLLOUT_STYLES}
${CONSOLE_STYLES}
</style></head><body>
<header><h1><a href="/">Kanary</a></h1><span class="muted">${escapeHtml(options.title)}</span></header>
${options.header ?? ''}
<main id="live">${options.live}</main>
<script>
${SCRIPT}
</script>
</body></html>
`;
}
