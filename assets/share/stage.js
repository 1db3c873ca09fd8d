// Saves the lesson's stage as it is drawn (boxes, lanes, and the messages
// where they are now) as one SVG file that opens on its own: the SVG
// namespace and the page's styles inside. Loaded on the first click of
// Share > "Stage (SVG)" (index.html), so the first load carries none of it.

const xml = new XMLSerializer();

/** `text` safe inside an XML element. */
const escape = (text) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Every rule of the page's stylesheets, as text. */
const pageCss = () => [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText)).join('\n');

/** The messages in flight, each fixed where it is now (its motion along
 * its route is paused at the lesson's clock), as SVG text. */
function stillMessages(layer) {
  const toStage = layer.getScreenCTM().inverse();
  return [...layer.querySelectorAll('.token')].map((token) => {
    const at = toStage.multiply(token.getScreenCTM());
    const still = token.cloneNode(true);
    still.querySelectorAll('animateMotion').forEach((motion) => motion.remove());
    still.setAttribute('transform', `translate(${Math.round(at.e)},${Math.round(at.f)})`);
    return xml.serializeToString(still);
  }).join('');
}

/** Downloads the stage of the lesson on the page. */
export function save() {
  const root = document.querySelector('[data-testid="sagascope"]');
  const canvas = root?.querySelector('.canvas');
  const layer = root?.querySelector('.tokens-layer');
  if (!canvas || !layer) return;
  let svg = xml.serializeToString(canvas);
  if (!svg.startsWith('<svg xmlns=')) svg = svg.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" ');
  const open = svg.indexOf('>') + 1;
  const close = svg.lastIndexOf('</svg>');
  svg = `${svg.slice(0, open)}<style>${escape(pageCss())}</style>${svg.slice(open, close)}<g class="tokens">${stillMessages(layer)}</g></svg>`;
  const variant = new URLSearchParams(location.hash.split('?')[1]).get('variant') ?? '';
  const link = document.createElement('a');
  link.href = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  link.download = `sagascope-${root.dataset.scenario}-${variant}-step${root.dataset.step}.stage.svg`;
  link.click();
}
