// German texts of the cockpit's shared parts: the migration panel and the batch progress.

export const betriebTexts = {
  migration: {
    heading: 'Migration auf eine andere Version',
    target: 'Zielversion',
    noTarget: 'Es gibt keine andere bereitgestellte Version dieses Prozesses.',
    dryRun: 'Probelauf',
    dryRunHint: 'Der Probelauf prüft die Zuordnung, ohne etwas zu ändern. Erst danach kann die Migration starten.',
    mappingCaption: 'Zuordnung der aktiven Elemente',
    element: 'Element (Version {version})',
    kind: 'Art',
    instances: 'Vorgänge dort',
    mappedTo: 'Wird zu (Version {version})',
    mappedToLabel: 'Ziel für {element}',
    none: '– nicht zugeordnet –',
    valid: 'Probelauf erfolgreich: {count} Vorgänge können migriert werden.',
    invalid: 'Probelauf: der Plan ist nicht gültig. Es wird nichts migriert.',
    errorsCaption: 'Probleme',
    stale: 'Die Zuordnung wurde geändert: bitte den Probelauf wiederholen.',
    reason: 'Begründung (optional)',
    start: 'Migration starten',
    running: 'Migration läuft …',
    done: 'Migration beendet: {succeeded} migriert, {failed} fehlgeschlagen, {skipped} übersprungen.',
  },
  progress: {
    label: 'Fortschritt: {done} von {total}',
    counts: '{succeeded} erfolgreich, {failed} fehlgeschlagen, {skipped} übersprungen, {pending} offen',
  },
} as const;
