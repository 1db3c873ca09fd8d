// The explorer's dialog, "Can this go wrong?": loaded on the first click on
// an Explore button (index.html's click handler imports it), so neither it
// nor the explorer's worker (a second, engine-only wasm module beside it)
// costs the first load anything. The search runs in the worker; this file
// only asks, shows progress and opens the run found, through a link like
// any other (`#/<lesson>?variant=…&path=…`), which the app follows.

const FAULTS = [
  ['duplicate', 'a message delivered twice'],
  ['crash', 'a service crashes (and restarts)'],
  ['crash-relay', 'a relay crashes mid-publish'],
  ['rebalance', 'a consumer group rebalances'],
];
// Most choices along one run: deeper than any lesson's run.
const DEPTH = 80;

let dialog;
let worker;
// Where the worker and the style are: beside this file, or (in the single
// file, scripts/single-file.mjs) given by the page as blob: URLs.
const files = window.sagascopeLazy ?? {
  worker: new URL('./worker.js', import.meta.url),
  css: new URL('./panel.css', import.meta.url).href,
};

/** The lesson, variant and seed the page shows, from its URL. */
function place() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const options = new URLSearchParams(query);
  return {
    lesson: path,
    variant: options.get('variant') ?? '',
    seed: Number(options.get('seed') ?? 1),
    free: options.get('free') === '1',
    path: options.get('path') ?? '',
    step: Number(options.get('step') ?? 0),
    guided: options.get('guided') !== '0',
  };
}

/** The lesson file's text: inline in the single-file page, else fetched. */
async function lessonText(id) {
  const inline = document.getElementById(`lesson-${id}`);
  if (inline) return inline.textContent;
  const response = await fetch(`lessons/${encodeURIComponent(id)}.json`);
  if (!response.ok) throw new Error(`the explorer searches the built-in lessons only (no lessons/${id}.json)`);
  return response.text();
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function build() {
  // Its style comes with it, out of the first load (the single file has it inline).
  if (files.css) document.head.append(element('link', { rel: 'stylesheet', href: files.css }));
  const faults = FAULTS.map(([name, words]) =>
    element('label', {}, element('input', { type: 'checkbox', name }), ` ${words}`));
  const box = element('dialog', { class: 'explorer', 'aria-labelledby': 'explorer-title', 'data-testid': 'explorer' },
    element('h2', { id: 'explorer-title' }, 'Can this go wrong?'),
    element('p', {}, 'From where the run stands now, the explorer tries every order in which its messages, relay polls ' +
      'and requests could happen, and checks the invariants after every step and once nothing is left to happen. ' +
      'The first broken invariant it finds comes with one of the shortest runs that break it.'),
    element('fieldset', {}, element('legend', {}, 'Also try, at most once per run:'), ...faults),
    element('div', { class: 'explorer-buttons' },
      element('button', { type: 'button', 'data-go': '' }, 'Search every order'),
      element('button', { type: 'button', 'data-close': '' }, 'Close')),
    element('progress', { max: '1', value: '0', 'aria-label': 'Search' }),
    element('p', { class: 'explorer-status', role: 'status' }),
    element('div', { class: 'explorer-result' }));
  box.addEventListener('click', (event) => {
    if (event.target.closest('[data-go]')) search();
    if (event.target.closest('[data-close]')) close();
    const open = event.target.closest('[data-open]');
    if (open) {
      close();
      location.hash = open.dataset.open;
    }
  });
  box.addEventListener('close', stop);
  document.body.append(box);
  return box;
}

function stop() {
  worker?.terminate();
  worker = undefined;
  if (!dialog) return;
  dialog.querySelector('[data-go]').textContent = 'Search every order';
  dialog.querySelector('progress').value = 0;
}

function close() {
  stop();
  dialog.close();
}

function say(text) {
  dialog.querySelector('.explorer-status').textContent = text;
}

const count = (n) => Math.round(n).toLocaleString('en');

async function search() {
  if (worker) return stop();
  const at = place();
  const result = dialog.querySelector('.explorer-result');
  result.replaceChildren();
  // How many states are left is not known until the search ends: the bar
  // moves without a measure (the status line counts) and fills at the end.
  const progress = dialog.querySelector('progress');
  progress.removeAttribute('value');
  let text;
  try {
    text = await lessonText(at.lesson);
  } catch (error) {
    say(`The explorer cannot start: ${error.message}.`);
    return;
  }
  const faults = [...dialog.querySelectorAll('fieldset input:checked')].map((box) => box.name).join(',');
  worker = new Worker(files.worker);
  dialog.querySelector('[data-go]').textContent = 'Stop';
  const started = performance.now();
  say(at.step > 0 ? `Starting from step ${at.step}…` : 'Starting from the lesson\'s start…');
  worker.onmessage = ({ data }) => {
    const seconds = Math.max(performance.now() - started, 1) / 1000;
    const size = `${count(data.distinct)} distinct states (${count(data.transitions)} steps taken), ` +
      `up to ${data.depth} choices deep`;
    if (data.kind === 'progress') {
      say(`Searching: ${size}, ${count(data.transitions / seconds)} steps a second.`);
      return;
    }
    stop();
    progress.value = 1;
    // The worker's memory once searched, for ./scripts/bench.
    dialog.querySelector('.explorer-status').dataset.memory = data.memory ?? '';
    if (data.kind === 'error') {
      say(`The explorer stopped: ${data.message}.`);
    } else if (data.kind === 'clean') {
      // A search cut short is no pass: it says so, and what it missed.
      const missed = data.unreached ? `no run it searched reached the script's ${data.unreached.replaceAll('_', ' ')}`
        : data.ended === 0 ? 'no run it searched reached its end, so nothing was checked at rest'
          : `${count(data.ended)} ${data.ended === 1 ? 'run was' : 'runs were'} searched to the end, the others were not`;
      const how = {
        nothing: 'No violation: every order of these events keeps every invariant, every run searched to its end',
        depth: `No violation within ${DEPTH} choices, but some runs are longer: they were cut there`,
        states: `Inconclusive: the search stopped at its cap of ${count(data.maxStates)} states, ${data.depth} choices deep. ` +
          `Nothing broke among them, but that is not a pass: ${missed}`,
      }[data.cut];
      say(`${how}. Searched ${size} in ${seconds.toFixed(1)} s.`);
    } else {
      say(`Searched ${size} in ${seconds.toFixed(2)} s.`);
      found(data, at, result);
    }
  };
  worker.onerror = (event) => {
    stop();
    say(`The explorer could not run: ${(event.message ?? 'its worker failed to load').replace(/\.+$/, '')}.`);
  };
  worker.postMessage({ lesson: text, variant: at.variant, seed: at.seed, free: at.free, path: at.path, step: at.step, depth: DEPTH, faults });
}

function found(data, at, result) {
  const how = data.chosen === 0
    ? 'The lesson\'s own run already breaks it.'
    : `It takes ${data.chosen} ${data.chosen === 1 ? 'step' : 'steps'} in another order than the lesson's timing` +
      ' (marked in the run\'s step log).';
  const when = data.atRest ? ' once nothing was left to happen' : '';
  const link = `#/${at.lesson}?variant=${at.variant}&step=${data.first}&seed=${at.seed}` +
    `${at.guided ? '' : '&guided=0'}${at.free ? '&free=1' : ''}&path=${data.path}`;
  result.replaceChildren(
    element('p', {}, element('strong', {}, `Found: ${data.meaning}`), `${when}. In this run, ${data.detail}.`),
    element('p', {}, how),
    element('div', { class: 'explorer-buttons' },
      element('button', { type: 'button', 'data-open': link }, 'Open this run'),
      // Beside the lesson's own run, step by step (when they differ at all).
      ...(data.chosen ? [element('button', { type: 'button', 'data-open': `${link}&compare=1` }, 'Open it beside the lesson\'s run')] : [])));
  // The next thing to do, in view even in a slide-sized window.
  result.querySelector('button').focus();
}

/** Opens the dialog (its first click loads this file). */
export function open() {
  dialog ??= build();
  if (!dialog.open) dialog.showModal();
}
