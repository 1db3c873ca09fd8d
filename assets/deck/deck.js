// The example deck: reveal.js, and the fragments of the "driven" slide
// stepping the embedded saga through SagaScope's host API (postMessage).
/* global Reveal */
Reveal.initialize({ hash: true, width: 1280, height: 720, margin: 0.02 });

const driven = document.getElementById('driven');
const said = document.getElementById('driven-state');
let asked = 0;

/** Asks the embed to go to `step`. */
function goto(step) {
  if (!driven.contentWindow) return;
  asked += 1;
  driven.contentWindow.postMessage({ namespace: 'sagascope', v: 1, id: asked, method: 'goto', args: { step } }, '*');
}

/** The step of the last fragment shown on the driven slide, or 0. */
function currentBeat() {
  const shown = driven.closest('section').querySelectorAll('.fragment.visible[data-goto]');
  return shown.length ? Number(shown[shown.length - 1].dataset.goto) : 0;
}

Reveal.on('fragmentshown', (event) => { if (event.fragment.dataset.goto) goto(currentBeat()); });
Reveal.on('fragmenthidden', (event) => { if (event.fragment.dataset.goto) goto(currentBeat()); });

// What the embed reports, shown as text (never as markup).
addEventListener('message', (event) => {
  if (event.source !== driven.contentWindow || event.data?.namespace !== 'sagascope') return;
  const { state } = event.data;
  if (event.data.event === 'ready') goto(currentBeat());
  if (state) said.textContent = `SagaScope: step ${state.step} of ${state.steps}`;
});
