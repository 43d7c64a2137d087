// The frame of every page: skip link, header with the product, the main navigation and (signed in) the user with
// "Abmelden", the message regions, the main landmark the page fills, and the footer with the accessibility statement.
// Later pages (designer, cockpit, citizen pages) add their entry to `navigation` and mount the same shell.

import { h, replace } from '../shared/dom';
import { csrfToken } from '../shared/api';
import { messageRegions, showError } from '../shared/messages';
import { shellTexts } from './texts';
import { loadMe, displayName, type Me } from './me';
import '../styles/base.css';

interface NavEntry {
  href: string;
  text: string;
  /** Whether the signed-in user sees the entry. */
  visible: (me: Me) => boolean;
}

const modellers = ['analyst', 'operator', 'auditor', 'admin'];
const navigation: NavEntry[] = [
  { href: '/aufgaben', text: shellTexts.nav.postkorb, visible: () => true },
  { href: '/prozesse', text: shellTexts.nav.prozesse, visible: (me) => me.roles.some((r) => modellers.includes(r)) },
  { href: '/betrieb', text: shellTexts.nav.betrieb, visible: (me) => me.roles.some((r) => ['operator', 'auditor', 'analyst'].includes(r)) },
  // The roles with AppointmentWork and MobileRead (src/Engine/Host/Security/RolePermissions.cs).
  { href: '/termine', text: shellTexts.nav.termine, visible: (me) => me.roles.some((r) => ['clerk', 'teamlead'].includes(r)) },
  {
    href: '/mobilfunk', text: shellTexts.nav.mobilfunk,
    visible: (me) => me.roles.some((r) => ['clerk', 'teamlead', 'auditor', 'sitzungsdienst', 'personalstelle', 'itservice'].includes(r)),
  },
  // The roles with PlanningRead.
  { href: '/stadtplanung', text: shellTexts.nav.stadtplanung, visible: (me) => me.roles.some((r) => ['clerk', 'teamlead', 'auditor', 'sitzungsdienst'].includes(r)) },
];

export interface ShellOptions {
  /** The page's title (also the document title). */
  title: string;
  /** Pages behind the session show the user and "Abmelden"; public pages (sign-in, statement) do not. */
  signedIn: boolean;
}

export interface Shell {
  main: HTMLElement;
  /** The signed-in user (signed-in pages only). */
  me: Promise<Me> | null;
}

export function mountShell(options: ShellOptions): Shell {
  document.documentElement.lang = 'de';
  document.title = `${options.title} – ${shellTexts.product}`;
  const main = h('main', { id: 'inhalt', tabindex: '-1', class: 'page' });
  const user = h('div', { class: 'shell-user' });
  const nav = h('nav', { class: 'shell-nav', 'aria-label': shellTexts.mainNav });
  const header = h(
    'header',
    { class: 'shell-header' },
    h('a', { class: 'shell-brand', href: options.signedIn ? '/aufgaben' : '/anmelden' }, shellTexts.product),
    nav,
    user,
  );
  const footer = h(
    'footer',
    { class: 'shell-footer' },
    h('a', { href: '/barrierefreiheit' }, shellTexts.accessibility),
  );
  const body = document.getElementById('app') ?? document.body;
  replace(
    body,
    h('a', { class: 'skip-link', href: '#inhalt' }, shellTexts.skipLink),
    header,
    h('div', { class: 'shell-content' }, messageRegions(), main),
    footer,
  );

  let me: Promise<Me> | null = null;
  if (options.signedIn) {
    me = loadMe();
    me.then(
      (m) => {
        replace(nav, navList(m));
        replace(
          user,
          h('span', { class: 'shell-user-name' }, `${shellTexts.signedInAs} `, h('strong', {}, displayName(m))),
          m.tenants.length > 1 ? h('span', { class: 'shell-tenant' }, `${shellTexts.tenant}: ${m.tenant}`) : null,
          signOutForm(),
        );
      },
      (e) => showError(e),
    );
  }
  return { main, me };
}

function navList(me: Me): HTMLElement {
  const here = location.pathname;
  return h(
    'ul',
    {},
    navigation
      .filter((n) => n.visible(me))
      .map((n) => {
        const current = here === n.href || here.startsWith(`${n.href}/`);
        return h('li', {}, h('a', { href: n.href, 'aria-current': current ? 'page' : null }, n.text));
      }),
  );
}

/** Sign-out is a POST (with the CSRF field) so that no link or image on another site can sign a clerk out. */
function signOutForm(): HTMLFormElement {
  const token = h('input', { type: 'hidden', name: '__RequestVerificationToken', value: '' });
  const form = h(
    'form',
    { method: 'post', action: '/abmelden', class: 'shell-signout' },
    token,
    h('button', { type: 'submit', class: 'button button-quiet' }, shellTexts.signOut),
  );
  form.addEventListener('submit', () => {
    token.value = csrfToken();
  });
  return form;
}
