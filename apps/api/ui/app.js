// The single-page app: hash routes, the sign-in dialog (the provider's sign-in when single
// sign-on is on, and the token field), the live stream's status, and the views.
import { api, auth, events, IncidentStream } from './api.js';
import { h, notice, replace } from './dom.js';
import * as changes from './views/changes.js';
import * as dora from './views/dora.js';
import * as scorecard from './views/scorecard.js';
import { setUpTheme } from './theme.js';
import { setUpTimeZone } from './time-zone.js';
import * as incidentHistory from './views/history.js';
import * as incident from './views/incident.js';
import * as oncall from './views/oncall.js';
import * as problem from './views/problem.js';
import * as problems from './views/problems.js';
import * as slo from './views/slo.js';
import * as slos from './views/slos.js';

const routes = [
  { pattern: /^\/?$/, view: oncall, nav: 'oncall' },
  { pattern: /^\/incidents\/?$/, view: incidentHistory, nav: 'history' },
  { pattern: /^\/incidents\/([^/]+)$/, view: incident, nav: 'oncall' },
  { pattern: /^\/changes\/?$/, view: changes, nav: 'changes' },
  { pattern: /^\/problems\/?$/, view: problems, nav: 'problems' },
  { pattern: /^\/problems\/([^/]+)$/, view: problem, nav: 'problems' },
  { pattern: /^\/slos\/?$/, view: slos, nav: 'slos' },
  { pattern: /^\/slos\/([^/]+)$/, view: slo, nav: 'slos' },
  { pattern: /^\/dora\/?$/, view: dora, nav: 'dora' },
  { pattern: /^\/scorecard\/?$/, view: scorecard, nav: 'scorecard' },
];

const main = document.getElementById('main');
const dialog = document.getElementById('token-dialog');
const form = document.getElementById('token-form');
const input = document.getElementById('token-input');
const actorInput = document.getElementById('actor-input');
const reason = document.getElementById('token-reason');
const signOut = document.getElementById('sign-out');
const ssoSignIn = document.getElementById('sso-sign-in');
const ssoLink = document.getElementById('sso-link');
setUpTheme(document.getElementById('theme'));
const streamState = document.getElementById('stream-state');
const signedInAs = document.getElementById('signed-in-as');
const announcer = document.getElementById('announcer');

const stream = new IncidentStream();
let current = null;
let firstRender = true;

function announce(text) {
  announcer.textContent = '';
  window.setTimeout(() => (announcer.textContent = text), 60);
}

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const at = raw.indexOf('?');
  const path = at < 0 ? raw : raw.slice(0, at);
  const query = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
  return { path, query };
}

/** The current route's hash with `changesToQuery` applied to its query (empty values removed). */
function hashWith(changesToQuery) {
  const { path, query } = parseHash();
  for (const [key, value] of Object.entries(changesToQuery)) {
    if (value === null || value === undefined || value === '') query.delete(key);
    else query.set(key, String(value));
  }
  const q = query.toString();
  return `#${path}${q ? `?${q}` : ''}`;
}

/** Changes the query part of the current route (which re-renders it). */
function setQuery(changesToQuery) {
  window.location.hash = hashWith(changesToQuery);
}

/** Changes the query part of the current route without rendering it again (the page follows itself). */
function keepQuery(changesToQuery) {
  window.history.replaceState(null, '', hashWith(changesToQuery));
}

async function route() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  if (!auth.signedIn) {
    replace(
      main,
      h('h1', { tabindex: '-1' }, 'Aftershock'),
      notice(
        auth.sso
          ? `Sign in with ${auth.sso.provider} to see incidents, changes and problems.`
          : 'Sign in with an access token to see incidents, changes and problems.',
      ),
    );
    askForToken();
    return;
  }
  const { path, query } = parseHash();
  let params = [];
  const match = routes.find((r) => {
    const m = r.pattern.exec(path);
    if (m) params = m.slice(1).map((p) => decodeURIComponent(p));
    return Boolean(m);
  });
  for (const link of document.querySelectorAll('nav a[data-route]')) {
    if (match && link.dataset.route === match.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!match) {
    document.title = 'Not found · Aftershock';
    replace(
      main,
      h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, h('a', { href: '#/' }, 'Back to the on-call view')),
    );
    return;
  }
  main.setAttribute('aria-busy', 'true');
  replace(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    await match.view.render({
      main,
      params,
      query,
      api,
      stream,
      announce,
      setQuery,
      keepQuery,
      signal: controller.signal,
      setTitle: (text) => (document.title = `${text} · Aftershock`),
    });
  } catch (error) {
    if (controller.signal.aborted || error?.name === 'AbortError') return;
    replace(
      main,
      h('h1', { tabindex: '-1' }, 'This page could not be loaded'),
      notice(error?.friendly ?? String(error?.message ?? error), 'error'),
      h('p', {}, h('button', { type: 'button', onclick: () => route() }, 'Try again')),
    );
  } finally {
    if (current === controller) main.removeAttribute('aria-busy');
  }
  if (!firstRender && current === controller) main.querySelector('h1')?.focus({ preventScroll: false });
  firstRender = false;
}

function askForToken(refusal) {
  const text = refusal?.reason;
  reason.hidden = !text;
  reason.textContent = !text
    ? ''
    : refusal.wasSso
      ? `Your sign-in ended: ${text}`
      : `The server refused the token: ${text}`;
  signOut.hidden = true;
  // The provider's sign-in brings the person back to this very page (its path and hash).
  ssoSignIn.hidden = !auth.sso;
  if (auth.sso) {
    ssoLink.textContent = `Sign in with ${auth.sso.provider}`;
    ssoLink.href = auth.loginUrl();
  }
  actorInput.value = auth.actor ?? '';
  if (!dialog.open) dialog.showModal();
  (auth.sso ? ssoLink : input).focus();
}

form.addEventListener('submit', (event) => {
  const value = input.value.trim();
  if (value.length < 16) {
    event.preventDefault();
    reason.hidden = false;
    reason.textContent = 'A token has at least 16 characters.';
    return;
  }
  auth.setActor(actorInput.value);
  auth.set(value);
  input.value = '';
});

// Escape on the dialog would leave the app without a token; keep it open until one is given.
dialog.addEventListener('cancel', (event) => event.preventDefault());

/** Who the server says we are: the person signed in, or the token's name (and the person it acts for). */
function showSession(session) {
  if (session.kind === 'person') {
    signedInAs.textContent = `Signed in as ${session.person?.name ?? session.token}`;
    signedInAs.title = session.person?.email ?? session.token;
  } else {
    const person = session.actsForOthers && auth.actor ? ` for ${auth.actor}` : '';
    signedInAs.textContent = `Signed in as ${session.token}${person}`;
    signedInAs.removeAttribute('title');
  }
  signedInAs.hidden = false;
  signOut.textContent = session.kind === 'person' ? 'Sign out' : 'Forget token';
  signOut.hidden = false;
}

async function loadSession() {
  try {
    showSession(await auth.loadSession());
  } catch {
    signedInAs.hidden = true; // a refused token asks for another; a network error shows on the page
  }
}

events.addEventListener('token', () => {
  signOut.hidden = false;
  void loadSession();
  stream.restart();
  route();
});

events.addEventListener('auth-required', (event) => {
  stream.stop();
  signedInAs.hidden = true;
  askForToken(event.detail);
});

signOut.addEventListener('click', () => {
  auth.signOut().catch((error) => announce(error?.friendly ?? String(error?.message ?? error)));
});

stream.addEventListener('state', (event) => {
  const { state, retryInMs } = event.detail;
  streamState.dataset.state = state;
  streamState.textContent =
    state === 'live'
      ? 'Live'
      : state === 'connecting'
        ? 'Connecting…'
        : state === 'retrying'
          ? `Reconnecting in ${Math.max(1, Math.round(retryInMs / 1000))} s`
          : 'Live updates off';
});

window.addEventListener('hashchange', () => route());
setUpTimeZone(document.getElementById('time-zone'), () => route());

// A path URL (a link in a notification, a bookmark: /incidents/inc_1) is the page of the same
// hash route: the server answers every page path with this file, whose assets are absolute.
if (window.location.pathname !== '/' && !window.location.hash) {
  window.history.replaceState(null, '', `/#${window.location.pathname}${window.location.search}`);
}

// Single sign-on, when the server offers it: a browser that signed in before (its cookie) is
// signed in again without a dialog.
await auth.loadMethods();
if (auth.token) {
  signOut.hidden = false;
  void loadSession();
  stream.start();
} else if (await auth.resume()) {
  showSession(auth.session);
  stream.start();
}
route();
