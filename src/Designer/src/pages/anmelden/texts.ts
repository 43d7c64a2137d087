// German texts of the sign-in page of the embedded provider (/anmelden).

export const texts = {
  title: 'Anmelden',
  heading: 'Anmelden',
  intro: 'Melden Sie sich mit Ihrem Benutzernamen und Passwort an.',
  username: 'Benutzername',
  password: 'Passwort',
  submit: 'Anmelden',
  failed: 'Benutzername oder Passwort ist falsch.',
  locked: 'Zu viele falsche Passwörter: Ihr Konto ist für 5 Minuten gesperrt. Bitte versuchen Sie es danach erneut.',
  tooMany: 'Zu viele Anmeldeversuche. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.',
  signedOut: 'Sie haben sich abgemeldet.',
} as const;
