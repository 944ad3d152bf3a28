// Line charts drawn as SVG from numbers (no library): one or more series over the same time axis.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 560;
const HEIGHT = 180;
const PAD = { left: 84, right: 12, top: 12, bottom: 26 };

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

function niceMax(value) {
  if (value <= 0) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value);
  return step * power;
}

/**
 * A chart: times (Date[]), series [{name, values: number[], class}], a y-axis formatter; labelled for screen
 * readers by {@code title}.
 */
export function lineChart(title, times, series,
  format = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(1))) {
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img' });
  chart.append(svg('title', {}, title));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((line) => line.values)));
  const x = (index) => PAD.left + (times.length <= 1 ? plotWidth : (index / (times.length - 1)) * plotWidth);
  const y = (value) => PAD.top + plotHeight - (value / max) * plotHeight;

  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    chart.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: 'grid-line' }));
    chart.append(svg('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'axis' },
      format(value)));
  }
  if (times.length > 0) {
    const label = (date) => date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    chart.append(svg('text', { x: PAD.left, y: HEIGHT - 6, class: 'axis' }, label(times[0])));
    chart.append(svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end', class: 'axis' },
      label(times[times.length - 1])));
  }
  series.forEach((line, index) => {
    const points = line.values.map((value, i) => `${x(i).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
    if (line.values.length > 0) {
      chart.append(svg('polyline', { points, class: `series series-${index}` }));
    }
  });
  const legend = document.createElement('div');
  legend.className = 'legend';
  series.forEach((line, index) => {
    const item = document.createElement('span');
    item.className = `legend-item series-${index}`;
    const last = line.values.length ? line.values[line.values.length - 1] : 0;
    item.textContent = `${line.name}: ${format(last)}`;
    legend.append(item);
  });
  const figure = document.createElement('figure');
  figure.className = 'chart-figure';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption, chart, legend);
  return figure;
}
