// German texts of the analysis page (/analyse/{processId}).

export const texts = {
  title: 'Analyse',
  heading: 'Analyse: {process}',
  intro: 'Wie der Prozess tatsächlich lief: Fallzahlen, Durchlaufzeiten, Zeiten je Schritt, genommene Wege, Störungen und versäumte Fristen im gewählten Zeitraum.',
  back: 'Zurück zu den Prozessen',
  compare: 'Versionen vergleichen',
  csv: 'Als CSV herunterladen',
  filter: 'Zeitraum und Version',
  diagramVersion: 'Version {version}',
} as const;
