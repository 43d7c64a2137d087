// <egov-status>: the status of a citizen's case, for other portals to embed (docs/citizen-status.md).
// Served by the engine itself at /status/egov-status.js; no dependencies, nothing loaded from elsewhere.
//
//   <script type="module" src="https://amt.example/status/egov-status.js"></script>
//   <egov-status aktenzeichen="B-2026-ABCD-EFGH" src="https://amt.example"></egov-status>   asks for the access code
//   <egov-status case-id="…"></egov-status>                     the signed-in citizen's case (same origin as the engine)
//   element.status = json                                     shows a status the portal fetched itself
//
// Themable with CSS variables on the element or any ancestor: --egov-status-accent, --egov-status-text,
// --egov-status-background, --egov-status-muted, --egov-status-done, --egov-status-font, --egov-status-radius.
// Attribute heading-level (2–6, default 2) sets the level of its heading. Data is only ever set as text.
(() => {
  if (customElements.get('egov-status')) return;

  const css = `
    :host { display: block; font-family: var(--egov-status-font, system-ui, sans-serif); color: var(--egov-status-text, #1b1b1b);
      background: var(--egov-status-background, #fff); border: 1px solid var(--egov-status-muted, #5c5c5c);
      border-radius: var(--egov-status-radius, .5rem); padding: 1rem 1.25rem; line-height: 1.5; }
    .title { margin: 0 0 .5rem; font-size: 1.25rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 .75rem; }
    dt { font-weight: 600; } dd { margin: 0; }
    ol { list-style: none; padding: 0; margin: 0; }
    li { padding: .25rem 0 .25rem 1.75rem; position: relative; }
    li::before { content: ''; position: absolute; left: .25rem; top: .6rem; width: .75rem; height: .75rem; border-radius: 50%;
      border: 2px solid var(--egov-status-muted, #5c5c5c); background: var(--egov-status-background, #fff); }
    li.done::before { background: var(--egov-status-done, #00703c); border-color: var(--egov-status-done, #00703c); }
    .muted { color: var(--egov-status-muted, #5c5c5c); }
    .todo { border-left: 4px solid var(--egov-status-accent, #004b87); padding: .25rem .75rem; margin: .5rem 0; }
    a { color: var(--egov-status-accent, #004b87); }
    label { display: block; font-weight: 600; }
    input { font: inherit; padding: .4rem; margin: .25rem 0 .5rem; width: min(100%, 22rem); }
    button { font: inherit; background: var(--egov-status-accent, #004b87); color: #fff; border: 0; border-radius: .25rem; padding: .5rem 1rem; cursor: pointer; }
    a:focus, button:focus, input:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
    .error { color: #a4000f; }`;

  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const day = (iso) => (iso ? new Date(iso).toLocaleDateString('de-DE', { timeZone: 'Europe/Berlin' }) : '');
  let counter = 0;

  class EgovStatus extends HTMLElement {
    static get observedAttributes() { return ['aktenzeichen', 'case-id', 'src']; }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: 'open' });
      this._id = `egov-status-${++counter}`;
      this._status = null;
    }

    connectedCallback() { this._load(); }
    attributeChangedCallback() { if (this.isConnected) this._load(); }

    get status() { return this._status; }
    set status(value) { this._status = value; this._render(); }

    get _base() { return (this.getAttribute('src') || '').replace(/\/+$/, ''); }
    get _level() { const n = Number(this.getAttribute('heading-level')); return n >= 2 && n <= 6 ? n : 2; }

    async _load() {
      if (this._status) return this._render();
      const caseId = this.getAttribute('case-id');
      if (caseId) {
        this._message('Der Stand wird geladen …');
        try {
          const r = await fetch(`${this._base}/api/citizen/cases/${encodeURIComponent(caseId)}/status`, { credentials: 'include', headers: { Accept: 'application/json' } });
          if (!r.ok) return this._message('Der Stand kann gerade nicht angezeigt werden.', true);
          this.status = await r.json();
        } catch { this._message('Der Stand kann gerade nicht angezeigt werden.', true); }
        return;
      }
      this._codeForm();
    }

    _frame() {
      this._root.replaceChildren(el('style', {}, css));
      const box = el('section', { 'aria-labelledby': `${this._id}-t` });
      box.append(el(`h${this._level}`, { id: `${this._id}-t`, class: 'title' }, 'Stand Ihres Antrags'));
      const live = el('p', { role: 'status', id: `${this._id}-live` });
      box.append(live);
      this._root.append(box);
      return { box, live };
    }

    _message(text, error = false) {
      const { live } = this._frame();
      live.textContent = text;
      if (error) live.className = 'error';
    }

    _codeForm(error) {
      const az = this.getAttribute('aktenzeichen') || '';
      const { box, live } = this._frame();
      if (error) { live.textContent = error; live.className = 'error'; }
      box.append(el('p', {}, `Aktenzeichen ${az}`));
      const form = el('form');
      form.append(el('label', { for: `${this._id}-code` }, 'Zugangscode'));
      form.append(el('input', { id: `${this._id}-code`, name: 'code', autocomplete: 'off', spellcheck: 'false', required: '' }));
      form.append(el('button', { type: 'submit' }, 'Stand anzeigen'));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const code = form.querySelector('input').value;
        live.textContent = 'Der Stand wird geladen …';
        try {
          const r = await fetch(`${this._base}/api/status/${encodeURIComponent(az)}`, {
            method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ code }),
          });
          if (r.status === 429) return this._codeForm('Zu viele Versuche. Bitte warten Sie eine Minute.');
          if (!r.ok) return this._codeForm('Wir haben keinen Antrag mit diesem Aktenzeichen und diesem Zugangscode gefunden.');
          this.status = await r.json();
        } catch { this._codeForm('Der Stand kann gerade nicht angezeigt werden.'); }
      });
      box.append(form);
    }

    _render() {
      const s = this._status;
      if (!s) return this._codeForm();
      const { box } = this._frame();
      const dl = el('dl');
      const row = (k, v) => { dl.append(el('dt', {}, k), el('dd', {}, v)); };
      row('Aktenzeichen', s.aktenzeichen);
      row('Leistung', s.service);
      row('Status', s.status);
      row('Aktueller Schritt', s.currentStep || 'Ihr Antrag ist eingegangen');
      row('Voraussichtlich fertig', s.expectedCompletion ? s.expectedCompletion.text : 'noch keine Schätzung');
      box.append(dl);
      for (const a of s.actions || []) {
        const todo = el('div', { class: 'todo' });
        todo.append(el('strong', {}, `Bitte tun Sie: ${a.text}`));
        if (a.question) todo.append(el('p', {}, a.question));
        const link = a.href && a.href.startsWith('/buerger/')
          ? el('a', { href: `${this._base}${a.href}` }, 'Erneut anmelden')
          : el('a', { href: `${this._base}/status/${encodeURIComponent(s.aktenzeichen)}` }, 'Zur Antwort auf der Statusseite');
        todo.append(el('p')).lastChild.append(link);
        box.append(todo);
      }
      const list = el('ol', { 'aria-label': 'Verlauf' });
      for (const m of s.milestones || []) {
        const li = el('li', { class: m.reachedAt ? 'done' : '' });
        li.append(el('span', {}, m.name), el('span', { class: 'muted' }, m.reachedAt ? ` – ${day(m.reachedAt)}` : ' – noch offen'));
        list.append(li);
      }
      box.append(list);
    }
  }

  customElements.define('egov-status', EgovStatus);
})();
