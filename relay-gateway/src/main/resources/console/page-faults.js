// The failure toggles: the private DNS zone's (stale or missing A records) and the rendezvous ports'.
import { get, namespaces, put } from './api.js';
import { attempt, el, heading, replace, section, table } from './dom.js';

const DNS = '/relaysim/dns/faults';
const RENDEZVOUS = '/relaysim/faults/rendezvous';

function dnsFaults(names, faults, refresh) {
  const stale = new Map(Object.entries(faults.staleARecords ?? {}));
  const missing = new Set(faults.missingARecords ?? []);
  const rows = names.map((name) => {
    const missingBox = el('input', { type: 'checkbox', id: `dns-missing-${name}`, checked: missing.has(name) });
    const staleField = el('input', { id: `dns-stale-${name}`, value: stale.get(name) ?? '', placeholder: 'IPv4, such as 127.10.0.9' });
    return { name, missingBox, staleField };
  });
  return el('form', {
    id: 'dns-faults',
    onsubmit: async (event) => {
      event.preventDefault();
      const body = { staleARecords: {}, missingARecords: [] };
      for (const row of rows) {
        if (row.staleField.value.trim()) {
          body.staleARecords[row.name] = row.staleField.value.trim();
        }
        if (row.missingBox.checked) {
          body.missingARecords.push(row.name);
        }
      }
      if (await attempt(() => put(DNS, body), 'DNS faults saved; the next answer shows them.')) {
        refresh();
      }
    },
  }, table([
    { title: 'Namespace', value: (row) => row.name },
    { title: 'Missing A record', value: (row) => el('label', {}, row.missingBox, ' no answer for the private name') },
    { title: 'Stale A record', value: (row) => row.staleField },
  ], rows, { key: (row) => row.name }), el('div', { class: 'buttons' },
    el('button', { type: 'submit', class: 'primary', id: 'dns-faults-save' }, 'Save DNS faults')));
}

function rendezvousFaults(faults, refresh) {
  const blocked = (faults.blockedRendezvousPorts ?? []).map((block) => ({ ...block }));
  const list = el('div');
  const ports = el('input', { id: 'rendezvous-ports', placeholder: 'ports, such as 9500-9599', size: 22 });
  const sources = el('input', { id: 'rendezvous-sources', placeholder: 'sources (CIDR, comma-separated; empty: all)', size: 40 });
  const render = () => replace(list, table([
    { title: 'Blocked ports', value: (block) => block.ports },
    { title: 'From sources', value: (block) => (block.sources?.length ? block.sources.join(', ') : 'all') },
    { title: '', value: (block) => el('button', { type: 'button', class: 'link',
      onclick: () => { blocked.splice(blocked.indexOf(block), 1); render(); } }, 'Remove') },
  ], blocked, { id: 'rendezvous-blocks', empty: 'No rendezvous port is blocked.' }));
  render();
  return el('form', {
    id: 'rendezvous-faults',
    onsubmit: async (event) => {
      event.preventDefault();
      if (await attempt(() => put(RENDEZVOUS, { blockedRendezvousPorts: blocked }), 'Rendezvous faults saved.')) {
        refresh();
      }
    },
  }, list, el('div', { class: 'inline-form' }, ports, sources, el('button', {
    type: 'button',
    onclick: () => {
      if (ports.value.trim()) {
        const block = { ports: ports.value.trim() };
        const cidrs = sources.value.split(',').map((text) => text.trim()).filter(Boolean);
        if (cidrs.length) {
          block.sources = cidrs;
        }
        blocked.push(block);
        render();
      }
    },
  }, 'Block')), el('div', { class: 'buttons' },
    el('button', { type: 'submit', class: 'primary', id: 'rendezvous-faults-save' }, 'Save rendezvous faults')));
}

export default async function faults(main, { refresh }) {
  const [all, dns, rendezvous] = await Promise.all([namespaces(), get(DNS), get(RENDEZVOUS)]);
  replace(main,
    heading('Faults', 'Failure toggles for testing clients: what the DNS responder answers for the private zone, and '
      + 'rendezvous ports a firewall would block. Changes apply to the next query or connection.'),
    section('DNS', dnsFaults(all.map((ns) => ns.name), dns, refresh)),
    section('Rendezvous ports', rendezvousFaults(rendezvous, refresh)));
}
