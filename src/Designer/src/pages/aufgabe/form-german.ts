// form-js 1.x has no translation hook for its own controls: "Select", "Search", "No results", the number field's
// "Increment", the table's "Next page" are written into the DOM as English literals, and its date picker (flatpickr) names
// months and weekdays in English. Clerks and citizens read German (BITV: the language of every part of the page), so this
// module translates those literals where they appear — text nodes, placeholders, aria-labels and titles — inside a rendered
// form, and switches flatpickr to German before any form opens a calendar. A literal it does not know stays as it is.
import flatpickr from 'flatpickr';
import { German } from 'flatpickr/dist/l10n/de.js';

flatpickr.localize({ ...German, firstDayOfWeek: 1 });

const exact = new Map<string, string>([
  ['Select', 'Bitte auswählen'],
  ['Search', 'Suchen'],
  ['No results', 'Keine Treffer'],
  ['All values selected', 'Alle Werte sind ausgewählt'],
  ['Increment', 'Erhöhen'],
  ['Decrement', 'Verringern'],
  ['Previous page', 'Vorherige Seite'],
  ['Next page', 'Nächste Seite'],
  ['No files selected', 'Keine Datei ausgewählt'],
  ['Add new', 'Neu hinzufügen'],
  ['No timezone', 'Ohne Zeitzone'],
  ['This is an image placeholder', 'Platzhalter für ein Bild'],
]);

const patterns: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^Download (.+)$/, (m) => `${m[1]} herunterladen`],
  [/^Remove list item (\d+)$/, (m) => `Listeneintrag ${m[1]} entfernen`],
  [/^(\d+) files selected$/, (m) => `${m[1]} Dateien ausgewählt`],
];

/** The German of one of form-js's English literals, or null when the text is not one (then it stays). */
export function germanFormText(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return null;
  const known = exact.get(trimmed);
  if (known !== undefined) return text.replace(trimmed, known);
  for (const [pattern, german] of patterns) {
    const m = trimmed.match(pattern);
    if (m) return text.replace(trimmed, german(m));
  }
  return null;
}

const attributes = ['placeholder', 'aria-label', 'title', 'alt'];

function translate(node: Node): void {
  if (node.nodeType === Node.TEXT_NODE) {
    const german = node.textContent === null ? null : germanFormText(node.textContent);
    if (german !== null) node.textContent = german;
    return;
  }
  if (!(node instanceof Element)) return;
  for (const name of attributes) {
    const value = node.getAttribute(name);
    const german = value === null ? null : germanFormText(value);
    if (german !== null) node.setAttribute(name, german);
  }
  for (const child of Array.from(node.childNodes)) translate(child);
}

/**
 * Translates form-js's literals inside <paramref name="host"/> now and whenever form-js renders again (a select opened,
 * a dynamic list grown, a page of a table turned). Returns a function that stops watching.
 */
export function keepFormGerman(host: HTMLElement): () => void {
  translate(host);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'characterData') translate(record.target);
      else if (record.type === 'attributes') translate(record.target);
      else record.addedNodes.forEach(translate);
    }
  });
  // Our own writes change nothing the second time (the German is not in the dictionary), so the observer settles.
  observer.observe(host, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: attributes });
  return () => observer.disconnect();
}
