// German texts of the shared parts (API messages, dialogs, paging). Pages keep their own texts in their texts.ts.

export const sharedTexts = {
  problems: {
    network: 'Der Server ist nicht erreichbar. Bitte prüfen Sie die Verbindung und versuchen Sie es erneut.',
    400: 'Die Angaben sind nicht gültig.',
    401: 'Sie sind nicht mehr angemeldet. Bitte melden Sie sich erneut an.',
    403: 'Dafür fehlt Ihnen die Berechtigung.',
    404: 'Nicht gefunden. Vielleicht wurde die Aufgabe inzwischen erledigt, oder sie ist Ihnen nicht zugänglich.',
    409: 'Der Vorgang wurde inzwischen geändert. Bitte laden Sie die Seite neu.',
    413: 'Die Datei ist zu groß.',
    415: 'Dieser Dateityp ist nicht erlaubt.',
    429: 'Zu viele Anfragen. Bitte warten Sie einen Moment.',
    500: 'Der Server konnte die Anfrage nicht bearbeiten. Bitte versuchen Sie es später erneut.',
    csrf: 'Die Sitzung ist nicht mehr gültig. Bitte laden Sie die Seite neu.',
    details: 'Hinweis des Servers: {detail}',
    signInAgain: 'Erneut anmelden',
  },
  dialog: {
    cancel: 'Abbrechen',
    close: 'Schließen',
  },
  paging: {
    label: 'Seiten',
    labelOf: 'Seiten: {name}',
    previous: 'Vorherige Seite',
    next: 'Nächste Seite',
    range: '{from}–{to} von {total}',
    empty: 'Keine Einträge',
    pageSize: 'Einträge pro Seite',
  },
  loading: 'Wird geladen …',
} as const;
