// German text of the accessibility statement (Erklärung zur Barrierefreiheit, § 12b BGG, BITV 2.0 Anlage 2 pattern).

export const texts = {
  title: 'Erklärung zur Barrierefreiheit',
  heading: 'Erklärung zur Barrierefreiheit',
  intro:
    'Die Verwaltung, die diese Anwendung betreibt, ist bemüht, sie im Einklang mit den Vorschriften des ' +
    'Behindertengleichstellungsrechts barrierefrei zugänglich zu machen (Barrierefreie-Informationstechnik-Verordnung – ' +
    'BITV 2.0, die auf die Norm EN 301 549 und die Web Content Accessibility Guidelines 2.1, Stufe AA, verweist). ' +
    'Diese Erklärung gilt für den Postkorb, die Aufgabenseiten, die Anmeldeseite, den Prozesskatalog, den Designer, die ' +
      'Analyse und den Betrieb.',
  statusHeading: 'Stand der Vereinbarkeit mit den Anforderungen',
  status:
    'Diese Anwendung ist mit den Anforderungen der BITV 2.0 teilweise vereinbar. Die nachstehend aufgeführten Inhalte ' +
    'sind nicht barrierefrei.',
  gapsHeading: 'Nicht barrierefreie Inhalte',
  gaps: [
    'Das Prozessdiagramm auf einer Aufgabenseite ist eine Grafik, die sich nicht mit der Tastatur oder einem ' +
      'Bildschirmleser erkunden lässt. Alle Angaben daraus stehen auch als Text auf der Seite: der Prozessname, die ' +
      'Version, der aktuelle Schritt und der Verlauf des Vorgangs.',
    'Formulare eines Prozesses werden von der Fachabteilung gestaltet. Ihre Feldbeschriftungen und Hinweise sind ' +
      'so gut wie die Formularvorlage, die sie geschrieben hat.',
    'Im Designer sind die Zeichenfläche des Diagramms, die Palette und der Formular-Editor (form-js) nur mit der Maus zu ' +
      'bedienen. Als gleichwertiger Weg mit der Tastatur dienen die Textansicht des Modells (Elemente, Flüsse und ' +
      'Eigenschaften als Tabelle), die Feldliste „Felder mit der Tastatur bearbeiten“ (Beschriftung, Schlüssel, Art und ' +
      'Pflichtfeld, Reihenfolge, Hinzufügen und Entfernen) und das Feld „Formular als JSON“ für alle übrigen Angaben ' +
      'eines Formulars, etwa die Werte einer Auswahlliste.',
    'Die Token-Simulation im Diagramm wird mit der Maus bedient. Der Bereich „Token-Simulation mit der Tastatur“ steuert ' +
      'dieselbe Simulation mit Schaltflächen: starten und beenden, anhalten, zurücksetzen, wartende Elemente auslösen und ' +
      'an exklusiven Gateways den Weg wählen; was die Token tun, wird angesagt. Haltepunkte an einzelnen Aufgaben und der ' +
      'Weg an inklusiven Gateways lassen sich nur mit der Maus setzen.',
  ],
  howHeading: 'Wie die Anwendung geprüft wird',
  how:
    'Jede Seite wird bei jeder Änderung automatisch mit axe-core geprüft; Fehler der Stufen „ernst“ und „kritisch“ ' +
    'verhindern die Auslieferung. Die Bedienung allein mit der Tastatur wird mit automatischen Browsertests geprüft. ' +
    'Automatische Prüfungen finden etwa die Hälfte aller Barrieren; die übrigen werden von Menschen geprüft.',
  keyboardHeading: 'Bedienung mit der Tastatur',
  keyboard: [
    'Mit der Tabulatortaste erreichen Sie jedes Bedienelement; der Fokus ist immer sichtbar.',
    'Der Link „Zum Inhalt springen“ am Seitenanfang überspringt Kopfzeile und Navigation.',
    'Dialoge schließen Sie mit der Escape-Taste; danach steht der Fokus wieder auf dem Element, das den Dialog geöffnet hat.',
    'Meldungen des Systems werden Bildschirmlesern angesagt.',
  ],
  feedbackHeading: 'Feedback und Kontakt',
  feedback:
    'Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Dann wenden Sie sich bitte an die Stelle Ihrer ' +
    'Verwaltung, die Ihnen den Zugang zu dieser Anwendung eingerichtet hat. Sie ist verpflichtet, Ihnen innerhalb ' +
    'von sechs Wochen zu antworten.',
  enforcementHeading: 'Durchsetzungsverfahren',
  enforcement:
    'Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die ' +
    'Durchsetzungs- oder Schlichtungsstelle Ihres Landes wenden; für Stellen des Bundes ist dies die ' +
    'Schlichtungsstelle nach § 16 des Behindertengleichstellungsgesetzes (BGG).',
  dateHeading: 'Erstellung dieser Erklärung',
  date: 'Diese Erklärung wurde am 2. Dezember 2026 erstellt und am 4. Dezember 2026 überarbeitet; sie beruht auf einer Selbstbewertung.',
} as const;
