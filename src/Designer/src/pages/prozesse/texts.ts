// German texts of the process catalogue (/prozesse).

export const texts = {
  title: 'Prozesse',
  heading: 'Prozesse',
  intro: 'Alle bereitgestellten Prozesse dieses Mandanten mit ihren Versionen und Fallzahlen.',
  search: {
    label: 'Prozesse suchen',
    hint: 'Name oder Prozess-ID',
    submit: 'Suchen',
  },
  caption: 'Bereitgestellte Prozesse',
  columns: {
    name: 'Prozess',
    latest: 'Aktuelle Version',
    running: 'Laufende Fälle',
    ended: 'Beendete Fälle',
    incidents: 'Offene Störungen',
    links: 'Aktionen',
  },
  versions: {
    summary: '{count} Versionen anzeigen',
    summaryOne: '1 Version anzeigen',
    caption: 'Versionen von {process}',
    version: 'Version',
    deployedAt: 'Bereitgestellt am',
    deployedBy: 'Bereitgestellt von',
    note: 'Änderungsnotiz',
    fromFolder: 'Prozessordner',
    noNote: '–',
  },
  designer: 'Im Designer öffnen',
  designerFor: '{process} im Designer öffnen',
  analyse: 'Analyse',
  analyseFor: 'Analyse von {process}',
  empty: 'Keine Prozesse gefunden.',
  found: '{count} Prozesse gefunden.',
} as const;
