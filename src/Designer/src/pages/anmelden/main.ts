// The sign-in page of the embedded OpenID Connect provider. It posts the form to /anmelden (the provider checks the
// password and answers 302 to ReturnUrl, or back here with ?fehler=1, ?fehler=gesperrt after too many wrong passwords,
// ?fehler=zuviele when too many attempts came from this address); the CSRF field is filled from the
// XSRF-TOKEN cookie when the form is sent.

import { mountShell } from '../../shell/shell';
import { h, append } from '../../shared/dom';
import { csrfToken } from '../../shared/api';
import { showStatus } from '../../shared/messages';
import { texts } from './texts';
import './anmelden.css';

const { main } = mountShell({ title: texts.title, signedIn: false });
const params = new URLSearchParams(location.search);
const reason = params.get('fehler');
const failed = reason !== null;
const failure = reason === 'gesperrt' ? texts.locked : reason === 'zuviele' ? texts.tooMany : texts.failed;

const token = h('input', { type: 'hidden', name: '__RequestVerificationToken', value: '' });
const error = failed ? h('p', { id: 'anmelden-fehler', class: 'message message-alert', role: 'alert' }) : null;
const problem = failed ? 'anmelden-fehler' : null;

const username = h('input', {
  type: 'text', id: 'username', name: 'username', autocomplete: 'username', required: true,
  autocapitalize: 'none', spellcheck: 'false', 'aria-invalid': failed ? 'true' : null, 'aria-describedby': problem,
});
const password = h('input', {
  type: 'password', id: 'password', name: 'password', autocomplete: 'current-password', required: true,
  'aria-invalid': failed ? 'true' : null, 'aria-describedby': problem,
});

const form = h(
  'form',
  { method: 'post', action: '/anmelden', class: 'signin-form', novalidate: false },
  h('div', { class: 'field' }, h('label', { for: 'username' }, texts.username), username),
  h('div', { class: 'field' }, h('label', { for: 'password' }, texts.password), password),
  h('input', { type: 'hidden', name: 'ReturnUrl', value: params.get('ReturnUrl') ?? '/aufgaben' }),
  token,
  h('button', { type: 'submit', class: 'button button-primary' }, texts.submit),
);
form.addEventListener('submit', () => {
  token.value = csrfToken();
});

append(main, [h('h1', {}, texts.heading), error, h('p', {}, texts.intro), form]);
// Written after the region is in the page, so screen readers announce it; focus goes to the name to try again.
if (error) error.textContent = failure;
if (params.get('abgemeldet') === '1') showStatus(texts.signedOut);
username.focus();
