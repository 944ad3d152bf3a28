// The gateway's Prometheus metrics (/metrics, public), as a filterable table of series with their help as tooltip.
import { el, heading, replace, section, table } from './dom.js';

function parse(text) {
  const help = new Map();
  const series = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) {
      const [, , name, ...rest] = line.split(' ');
      help.set(name, rest.join(' '));
    } else if (line && !line.startsWith('#')) {
      const cut = line.lastIndexOf(' ');
      const key = line.slice(0, cut);
      const brace = key.indexOf('{');
      const name = brace < 0 ? key : key.slice(0, brace);
      series.push({ name, labels: brace < 0 ? '' : key.slice(brace + 1, -1), value: line.slice(cut + 1) });
    }
  }
  return { help, series };
}

export default async function metrics(main, { onLeave }) {
  const filter = el('input', { id: 'metrics-filter', type: 'search', value: 'relay_', placeholder: 'filter by name' });
  const holder = el('div');
  let parsed = { help: new Map(), series: [] };
  const render = () => {
    const wanted = filter.value.trim();
    const rows = parsed.series.filter((row) => row.name.includes(wanted) && !row.name.endsWith('_bucket'));
    replace(holder, table([
      { title: 'Series', value: (row) => el('span', { title: parsed.help.get(row.name)
        ?? parsed.help.get(row.name.replace(/_(count|sum|max)$/, '')) }, row.name) },
      { title: 'Labels', value: (row) => row.labels },
      { title: 'Value', value: (row) => row.value, class: 'number' },
    ], rows, { id: 'metrics-table', empty: 'No series matches.' }));
  };
  const load = async () => {
    const response = await fetch('/metrics', { cache: 'no-store', credentials: 'omit' });
    parsed = parse(await response.text());
    render();
  };
  filter.addEventListener('input', render);
  replace(main, heading('Metrics', 'The Prometheus series of /metrics (public, for scrapers), refreshed every ten '
    + 'seconds; histogram buckets are left out here.'), section('Series', el('div', { class: 'toolbar' },
    el('label', { class: 'inline' }, 'Filter ', filter)), holder));
  await load();
  const timer = setInterval(() => load().catch(() => {}), 10000);
  onLeave(() => clearInterval(timer));
}
