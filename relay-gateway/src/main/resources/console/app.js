// The console's shell: the admin key prompt, the navigation and the page router (#/page?query).
import { adminKey, get, whenUnauthorized, RELAY } from './api.js';
import { replace, el, toast } from './dom.js';
import overview from './page-overview.js';
import hybridConnections from './page-hybrid-connections.js';
import networking from './page-networking.js';
import virtualNetworks from './page-virtual-networks.js';
import events from './page-events.js';
import faults from './page-faults.js';
import metrics from './page-metrics.js';
import nodes from './page-nodes.js';

const PAGES = {
  overview,
  'hybrid-connections': hybridConnections,
  networking,
  'virtual-networks': virtualNetworks,
  events,
  faults,
  metrics,
  nodes,
};

const main = document.getElementById('main');
let stopCurrent = null;

function route() {
  const [name, query] = (window.location.hash.replace(/^#\/?/, '') || 'overview').split('?');
  const page = PAGES[name] ?? overview;
  const params = new URLSearchParams(query ?? '');
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.dataset.page === name);
  }
  if (stopCurrent) {
    stopCurrent();
    stopCurrent = null;
  }
  replace(main, el('p', { class: 'muted' }, 'Loading…'));
  main.dataset.page = name in PAGES ? name : 'overview';
  main.dataset.ready = 'false';
  const context = {
    params,
    /** Changes the hash query of this page (re-renders). */
    navigate: (next) => { window.location.hash = `#/${name}${next ? `?${new URLSearchParams(next)}` : ''}`; },
    /** Renders again (after a change). */
    refresh: () => route(),
    /** Registers what to stop when the page is left (timers, streams). */
    onLeave: (stop) => { stopCurrent = stop; },
  };
  Promise.resolve(page(main, context))
    .catch((error) => replace(main, el('p', { class: 'error' }, error.message)))
    .finally(() => { main.dataset.ready = 'true'; });
}

async function signIn(key) {
  await get(RELAY, { key });
  adminKey.set(key);
}

function showLogin(message) {
  const dialog = document.getElementById('login');
  const error = document.getElementById('login-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  document.getElementById('sign-out').hidden = true;
  if (!dialog.open) {
    dialog.showModal();
  }
  document.getElementById('login-key').focus();
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = document.getElementById('login-key');
  try {
    await signIn(field.value);
    field.value = '';
    document.getElementById('login').close();
    document.getElementById('sign-out').hidden = false;
    route();
  } catch (error) {
    showLogin(error.status === 401 ? 'That is not the admin key.' : error.message);
  }
});

document.getElementById('login').addEventListener('cancel', (event) => event.preventDefault());

document.getElementById('sign-out').addEventListener('click', () => {
  adminKey.clear();
  if (stopCurrent) {
    stopCurrent();
    stopCurrent = null;
  }
  replace(main);
  showLogin();
});

whenUnauthorized(() => {
  adminKey.clear();
  showLogin('The admin key was refused; enter it again.');
});

window.addEventListener('hashchange', () => {
  document.getElementById('toast').hidden = true;
  route();
});

fetch('/health', { cache: 'no-store' }).then((response) => response.json())
  .then((health) => { document.getElementById('version').textContent = `v${health.version}`; })
  .catch(() => toast('The gateway does not answer /health.', { error: true }));

if (adminKey.get()) {
  document.getElementById('sign-out').hidden = false;
  route();
} else {
  showLogin();
}
