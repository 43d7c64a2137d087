// German texts of the task page's Rückfrage section (questions to the citizen, answered on their status page).

export const rueckfrageTexts = {
  heading: 'Rückfragen an die Antragstellerin oder den Antragsteller',
  intro: 'Die Frage erscheint auf der Statusseite des Antrags. Die Antwort mit Dateien kommt hierher und in die Akte.',
  ask: 'Rückfrage stellen',
  dialogTitle: 'Rückfrage stellen',
  dialogText: 'Schreiben Sie in einfacher Sprache, was fehlt. Ihr Name wird der Antragstellerin oder dem Antragsteller nicht angezeigt.',
  question: 'Ihre Frage',
  send: 'Rückfrage senden',
  asked: 'Die Rückfrage wurde gestellt. Sie erscheint auf der Statusseite des Antrags.',
  empty: 'Noch keine Rückfragen.',
  askedBy: 'Gefragt von {user} am {at}',
  open: 'Noch nicht beantwortet.',
  answer: 'Antwort vom {at}:',
  files: 'Dateien:',
  download: '{name} herunterladen',
};
