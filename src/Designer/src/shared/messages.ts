// Messages for everyone: a polite status region for what went well and an alert region for what did not. Both
// exist from the start (the shell creates them), so screen readers announce what is written into them later.

import { h, replace } from './dom';
import { ApiError } from './api';
import { sharedTexts } from './texts';

let statusRegion: HTMLElement | null = null;
let alertRegion: HTMLElement | null = null;

export function messageRegions(): HTMLElement {
  statusRegion = h('div', { class: 'message message-status', role: 'status', 'aria-live': 'polite', id: 'meldung' });
  alertRegion = h('div', { class: 'message message-alert', role: 'alert', 'aria-live': 'assertive', id: 'fehlermeldung' });
  return h('div', { class: 'messages' }, statusRegion, alertRegion);
}

export function showStatus(text: string): void {
  if (alertRegion) replace(alertRegion);
  if (statusRegion) replace(statusRegion, h('p', {}, text));
}

export function clearMessages(): void {
  if (alertRegion) replace(alertRegion);
  if (statusRegion) replace(statusRegion);
}

/** Shows an error in German; a lost session offers to sign in again (a page reload takes the sign-in route). */
export function showError(error: unknown): void {
  const text = error instanceof ApiError ? error.message : sharedTexts.problems[500];
  if (!(error instanceof ApiError)) console.error(error);
  if (statusRegion) replace(statusRegion);
  if (!alertRegion) return;
  const again =
    error instanceof ApiError && error.status === 401
      ? h('a', { href: location.pathname + location.search }, sharedTexts.problems.signInAgain)
      : null;
  replace(alertRegion, h('p', {}, text, again ? ' ' : null, again));
}
