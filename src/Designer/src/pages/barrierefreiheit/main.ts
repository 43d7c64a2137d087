// The accessibility statement: public, mandatory for public bodies (BITV 2.0), linked from every page's footer.

import { mountShell } from '../../shell/shell';
import { h, append } from '../../shared/dom';
import { texts } from './texts';

const { main } = mountShell({ title: texts.title, signedIn: false });

append(main, [
  h('h1', {}, texts.heading),
  h('p', {}, texts.intro),
  h('h2', {}, texts.statusHeading),
  h('p', {}, texts.status),
  h('h2', {}, texts.gapsHeading),
  h('ul', {}, texts.gaps.map((g) => h('li', {}, g))),
  h('h2', {}, texts.howHeading),
  h('p', {}, texts.how),
  h('h2', {}, texts.keyboardHeading),
  h('ul', {}, texts.keyboard.map((k) => h('li', {}, k))),
  h('h2', {}, texts.feedbackHeading),
  h('p', {}, texts.feedback),
  h('h2', {}, texts.enforcementHeading),
  h('p', {}, texts.enforcement),
  h('h2', {}, texts.dateHeading),
  h('p', {}, texts.date),
]);
