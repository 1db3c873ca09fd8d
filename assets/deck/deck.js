// The example deck: reveal.js, and the fragments of the "driven" slide
// stepping the embedded saga through SagaScope's host API (postMessage).
/* global Reveal */
Reveal.initialize({ hash: true, width: 1280, height: 720, margin: 0.02 });

const driven = document.getElementById('driven');
const said = document.getElementById('driven-state');
let asked = 0;
// The step the fragments shown name, and the embed's step and playing as
// it last reported them.
let target = 0;
let step = 0;
let playing = false;
// While a step back's reversed moves play (see `steer`).
let stepping = 0;
// A step's messages take one hop (450 ms) at the embed's default speed;
// the next step back waits for them, so each is seen moving.
const HOP_MS = 500;

/** Sends `method` (with `args`) to the embed. */
function call(method, args) {
  if (!driven.contentWindow) return;
  asked += 1;
  driven.contentWindow.postMessage({ namespace: 'sagascope', v: 1, id: asked, method, args }, '*');
}

/** The step of the last fragment shown on the driven slide, or 0. */
function currentBeat() {
  const shown = driven.closest('section').querySelectorAll('.fragment.visible[data-goto]');
  return shown.length ? Number(shown[shown.length - 1].dataset.goto) : 0;
}

/**
 * Moves the embed towards `target` so that the learner sees every step's
 * messages move: forward it plays (play waits for each step's moves before
 * the next, `goto` would jump) and pauses on the target; back it takes one
 * step back at a time (`prev` plays the moves reversed), a hop apart.
 */
function steer() {
  if (step < target) {
    if (!playing) call('play');
    return;
  }
  if (playing) call('pause');
  if (step > target && !stepping) {
    call('prev');
    stepping = setTimeout(() => { stepping = 0; steer(); }, HOP_MS);
  }
}

function beatChanged(event) {
  if (!event.fragment.dataset.goto) return;
  target = currentBeat();
  steer();
}
Reveal.on('fragmentshown', beatChanged);
Reveal.on('fragmenthidden', beatChanged);

// What the embed reports, shown as text (never as markup).
addEventListener('message', (event) => {
  if (event.source !== driven.contentWindow || event.data?.namespace !== 'sagascope') return;
  const { state } = event.data;
  if (!state) return;
  ({ step, playing } = state);
  said.textContent = `SagaScope: step ${step} of ${state.steps}`;
  // A fresh load (reveal.js loads the iframe each time its slide comes
  // back) stands where the fragments say at once.
  if (event.data.event === 'ready') {
    target = currentBeat();
    if (step !== target) call('goto', { step: target });
    return;
  }
  steer();
});
