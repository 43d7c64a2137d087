// German texts the Postkorb list and the task page share: who holds a task, taking one over, views.

export const postkorbTexts = {
  views: {
    mine: 'Meine Aufgaben',
    offered: 'Mir angeboten',
    group: 'Gruppenaufgaben',
    overdue: 'Überfällig',
    followup: 'Wiedervorlage',
    team: 'Team',
  },
  holder: {
    me: 'Sie',
    nobody: 'niemand (frei)',
    delegatedBy: 'delegiert von {owner}',
    onBehalfOf: 'in Vertretung für {user}',
  },
  claim: 'Übernehmen',
  takeOverTitle: 'Aufgabe von {holder} übernehmen?',
  takeOverText:
    '{holder} bearbeitet diese Aufgabe gerade. Wenn Sie sie übernehmen, liegt sie danach bei Ihnen und nicht mehr ' +
    'bei {holder}. Bitte sprechen Sie sich vorher ab.',
  claimed: 'Die Aufgabe „{name}“ liegt jetzt bei Ihnen.',
  overdue: 'überfällig',
  followUpReached: 'Wiedervorlage fällig',
  untitled: 'Aufgabe ohne Namen',
} as const;
