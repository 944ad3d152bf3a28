// Overview: namespaces, entities, listeners, relayed connections, and charts of the last minutes of traffic.
import { del, get, list, namespaces, put, RELAY } from './api.js';
import { attempt, badge, bytes, el, heading, promptDescription, replace, section, stat, table } from './dom.js';
import { lineChart } from './chart.js';

const REFRESH_MS = 5000;

/** Rates per second between successive running totals. */
function rates(samples, field) {
  return samples.slice(1).map((sample, index) => {
    const previous = samples[index];
    const seconds = (Date.parse(sample.time) - Date.parse(previous.time)) / 1000;
    return seconds > 0 ? Math.max(0, sample[field] - previous[field]) / seconds : 0;
  });
}

function createNamespaceForm(refresh) {
  const name = el('input', { id: 'ns-name', required: true, size: 24, placeholder: 'such as fabrikam-relay',
    pattern: '[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]' });
  const location = el('input', { id: 'ns-location', size: 14, value: 'westeurope' });
  return el('form', {
    id: 'ns-create',
    class: 'inline-form',
    onsubmit: async (event) => {
      event.preventDefault();
      if (await attempt(() => put(`${RELAY}/${encodeURIComponent(name.value)}`, { location: location.value }),
        `Namespace ${name.value} created.`)) {
        refresh();
      }
    },
  }, el('label', {}, 'Name ', name), el('label', {}, 'Region ', location),
  el('button', { type: 'submit', class: 'primary' }, 'Create namespace'));
}

function deleteNamespaceButton(ns, refresh) {
  return el('button', {
    type: 'button',
    class: 'danger',
    onclick: async () => {
      const confirmed = await promptDescription(`Delete namespace ${ns.name}?`,
        'Its hybrid connections go with it; their listeners are closed.', { withDescription: false });
      if (confirmed !== null && await attempt(() => del(`${RELAY}/${encodeURIComponent(ns.name)}`),
        `Namespace ${ns.name} deleted.`) !== undefined) {
        refresh();
      }
    },
  }, 'Delete');
}

export default async function overview(main, { onLeave, refresh }) {
  const charts = el('div', { class: 'charts', id: 'charts' });
  const stats = el('div', { class: 'stats', id: 'stats' });
  const namespaceTable = el('div');
  replace(main, heading('Overview', 'The gateway at a glance; the charts cover the last ten minutes and refresh '
      + 'every five seconds.'), stats, section('Traffic', charts),
  section('Namespaces', createNamespaceForm(refresh), namespaceTable));

  async function render() {
    const [all, history] = await Promise.all([namespaces(), get('/relaysim/stats')]);
    const entities = await Promise.all(all.map((ns) => list(`${RELAY}/${ns.name}/hybridConnections`)));
    const listeners = entities.flat().reduce((sum, hc) => sum + (hc.properties?.listenerCount ?? 0), 0);
    const samples = history.samples;
    const now = samples[samples.length - 1];
    replace(stats,
      stat('Namespaces', all.length, 'stat-namespaces'),
      stat('Hybrid connections', entities.flat().length, 'stat-entities'),
      stat('Listeners connected', listeners, 'stat-listeners'),
      stat('Active relayed connections', now.activeConnections, 'stat-connections'),
      stat('Bytes relayed', bytes(now.relayedBytes), 'stat-bytes'),
      stat('Refusals', now.refusals, 'stat-refusals'));
    const times = samples.slice(1).map((sample) => new Date(sample.time));
    replace(charts,
      lineChart('Throughput (bytes/s, both directions)', times,
        [{ name: 'relayed', values: rates(samples, 'relayedBytes') }], (value) => `${bytes(value)}/s`),
      lineChart('Refusals and new connections (per second)', times,
        [{ name: 'refusals', values: rates(samples, 'refusals') },
          { name: 'connections', values: rates(samples, 'connections') }],
        (value) => (value < 10 ? value.toFixed(1) : String(Math.round(value)))),
      lineChart('Listeners and active connections', samples.map((sample) => new Date(sample.time)),
        [{ name: 'listeners', values: samples.map((sample) => sample.listeners) },
          { name: 'active connections', values: samples.map((sample) => sample.activeConnections) }]));
    replace(namespaceTable, table([
      { title: 'Name', value: (ns) => el('a', { href: `#/hybrid-connections?namespace=${encodeURIComponent(ns.name)}` },
        ns.name) },
      { title: 'Host', value: (ns) => new URL(ns.properties.serviceBusEndpoint).hostname },
      { title: 'Region', value: (ns) => ns.location ?? '' },
      { title: 'Hybrid connections', value: (ns) => String(entities[all.indexOf(ns)].length) },
      { title: 'Public network access', value: (ns) => badge(ns.properties.publicNetworkAccess) },
      { title: 'Private endpoint connections',
        value: (ns) => String(ns.properties.privateEndpointConnections?.length ?? 0) },
      { title: '', value: (ns) => deleteNamespaceButton(ns, refresh) },
    ], all, { key: (ns) => ns.name, id: 'namespaces' }));
  }

  await render();
  const timer = setInterval(() => render().catch(() => {}), REFRESH_MS);
  onLeave(() => clearInterval(timer));
}
