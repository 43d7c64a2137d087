// German texts of the sign-in page of the embedded provider (/anmelden).

export const texts = {
  title: 'Anmelden',
  heading: 'Anmelden',
  intro: 'Melden Sie sich mit Ihrem Benutzernamen und Passwort an.',
  username: 'Benutzername',
  password: 'Passwort',
  submit: 'Anmelden',
  failed: 'Benutzername oder Passwort ist falsch.',
  signedOut: 'Sie haben sich abgemeldet.',
} as const;
