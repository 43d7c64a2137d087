// German texts of the shell: the frame every page shares.

export const shellTexts = {
  product: 'EGov Workflows',
  skipLink: 'Zum Inhalt springen',
  mainNav: 'Hauptnavigation',
  nav: {
    postkorb: 'Postkorb',
    prozesse: 'Prozesse',
    betrieb: 'Betrieb',
    termine: 'Termine',
    mobilfunk: 'Mobilfunk',
    stadtplanung: 'Stadtplanung',
  },
  signedInAs: 'Angemeldet als',
  tenant: 'Mandant',
  signOut: 'Abmelden',
  footer: 'Fußzeile',
  accessibility: 'Erklärung zur Barrierefreiheit',
  noScript: 'Diese Seite braucht JavaScript. Bitte aktivieren Sie es in Ihrem Browser.',
} as const;
