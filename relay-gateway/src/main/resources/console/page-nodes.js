// Nodes: the gateway cluster as this node sees it (the cluster section of /health, which is public): its members,
// which of them is this node, and how many listeners' control channels each one holds; refreshed every five seconds.
import { el, heading, replace, section, stat, table } from './dom.js';

const REFRESH_MS = 5000;

function members(cluster, listeners) {
  return table([
    { title: 'Node', value: (member) => [member, member === cluster.node
      ? [' ', el('span', { class: 'badge badge-local' }, 'this node')] : null], class: 'member' },
    { title: 'Listeners', value: (member) => String(listeners[member] ?? 0), class: 'number listeners' },
  ], cluster.members, { id: 'nodes', key: (member) => member, empty: 'No member answers.' });
}

export default async function nodes(main, { onLeave }) {
  const summary = el('div', { class: 'stats', id: 'node-stats' });
  const holder = el('div');
  replace(main, heading('Nodes', 'The gateway nodes of the cluster as this node sees them (Hazelcast members, '
    + 'address:cluster port) and the listeners whose control channels each holds; a node that leaves or dies is '
    + 'gone from the list within seconds. Refreshed every five seconds.'), summary, section('Members', holder));

  async function render() {
    const health = await (await fetch('/health', { cache: 'no-store', credentials: 'omit' })).json();
    const cluster = health.cluster;
    if (!cluster) {
      replace(summary, stat('Nodes', 1, 'stat-nodes'));
      replace(holder, el('p', { id: 'single-node', class: 'muted' }, 'This gateway runs alone: it was started '
        + 'without cluster members (--cluster-members, cluster.members). See docs/cluster.md to run several nodes.'));
      return;
    }
    const listeners = cluster.listeners ?? {};
    const total = cluster.members.reduce((sum, member) => sum + (listeners[member] ?? 0), 0);
    replace(summary, stat('Nodes', cluster.members.length, 'stat-nodes'),
      stat('Listeners in the cluster', total, 'stat-cluster-listeners'));
    replace(holder, members(cluster, listeners));
  }

  await render();
  const timer = setInterval(() => render().catch(() => {}), REFRESH_MS);
  onLeave(() => clearInterval(timer));
}
