import './style.css';

import { h } from './dom.js';
import { ExplorerState } from './state.js';
import { dataView } from './views/data.js';
import { literatureView } from './views/literature.js';
import { materialView } from './views/material.js';
import { simulationView } from './views/simulation.js';
import { structureView } from './views/structure.js';

// SciFed Explorer: one page over the gateway's public GraphQL API. Each view
// is a <section>; the URL hash (#material, #structure, …) picks the visible one.

const state = new ExplorerState();
const views = document.getElementById('views')!;
const tabs = document.getElementById('tabs')!;

const VIEW_NAMES = ['material', 'structure', 'simulation', 'literature', 'data'] as const;
type ViewName = (typeof VIEW_NAMES)[number];
const TITLES: Record<ViewName, string> = {
  material: 'Material',
  structure: 'Structure',
  simulation: 'Simulation',
  literature: 'Literature',
  data: 'Data',
};

const show = (name: ViewName) => {
  if (location.hash !== `#${name}`) location.hash = name;
};
const literature = literatureView();
const data = dataView();
const sections: Record<ViewName, HTMLElement> = {
  material: materialView(state, {
    openStructure: (id) => (state.selectStructure(id), show('structure')),
    openPaper: (id) => (show('literature'), void literature.openPaper(id)),
  }),
  structure: structureView(state),
  simulation: simulationView(state, { openStructure: (id) => (state.selectStructure(id), show('structure')) }),
  literature: literature.element,
  data: data.element,
};

for (const name of VIEW_NAMES) {
  tabs.appendChild(h('a', { href: `#${name}`, id: `tab-${name}` }, TITLES[name]));
  views.appendChild(sections[name]);
}

function route(): void {
  const requested = location.hash.slice(1) as ViewName;
  const current = VIEW_NAMES.includes(requested) ? requested : 'material';
  for (const name of VIEW_NAMES) {
    sections[name].hidden = name !== current;
    document.getElementById(`tab-${name}`)!.classList.toggle('active', name === current);
  }
  document.body.dataset.view = current;
}
window.addEventListener('hashchange', route);
route();

// `data-ready` marks that the lists are loaded, for the browser tests and other readers of the DOM.
Promise.all([state.refresh(), data.refresh()])
  .then(() => (document.body.dataset.ready = 'true'))
  .catch((error: unknown) => {
    document.body.dataset.ready = 'error';
    views.prepend(h('p', { class: 'status', 'data-kind': 'error', id: 'startup-error' }, `Could not load the structure, potential and table lists: ${error instanceof Error ? error.message : String(error)}`));
  });
