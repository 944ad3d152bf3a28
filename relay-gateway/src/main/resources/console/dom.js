// Building the page: every value goes in as text (textContent, attributes), never as HTML.

/**
 * An element: attributes (on* values are listeners, 'class', 'dataset' objects, booleans toggle), then children
 * (strings become text nodes; null and false are skipped).
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of {@code parent}. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

/**
 * A table: columns [{title, value(row) -> text or Node}], rows; an empty table says {@code empty}.
 * Each row gets data-name from {@code key(row)} so that tests and scripts can find it.
 */
export function table(columns, rows, { empty = 'None.', key, id } = {}) {
  const body = rows.length === 0
    ? [el('tr', {}, el('td', { colspan: columns.length, class: 'empty' }, empty))]
    : rows.map((row) => el('tr', { dataset: key ? { name: key(row) } : undefined },
      columns.map((column) => el('td', { class: column.class }, column.value(row)))));
  return el('table', { class: 'grid', id },
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', {}, column.title)))),
    el('tbody', {}, body));
}

/** A page heading with an optional description. */
export function heading(title, description) {
  return [el('h1', {}, title), description ? el('p', { class: 'lead' }, description) : null];
}

export function section(title, ...children) {
  return el('section', { class: 'card' }, el('h2', {}, title), ...children);
}

/** A figure with its label, as the pages' summaries show them. */
export function stat(label, value, id) {
  return el('div', { class: 'stat', id }, el('div', { class: 'stat-value' }, String(value)),
    el('div', { class: 'stat-label' }, label));
}

/** A state badge such as Approved / Pending / Rejected. */
export function badge(text) {
  return el('span', { class: `badge badge-${String(text).toLowerCase()}` }, text);
}

let toastTimer;

/** A short message at the bottom of the page; errors stay until the next one. */
export function toast(message, { error = false } = {}) {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.className = error ? 'error' : '';
  box.hidden = false;
  clearTimeout(toastTimer);
  if (!error) {
    toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
  }
}

/** Runs an action, reporting its failure in the toast; returns its result or undefined. */
export async function attempt(action, success) {
  try {
    const result = await action();
    if (success) {
      toast(success);
    }
    return result;
  } catch (error) {
    toast(error.message, { error: true });
    return undefined;
  }
}

/**
 * Asks for a description (the portal's Approve / Reject / Remove prompt); resolves to the text, or null when
 * cancelled.
 */
export function promptDescription(title, text, { withDescription = true } = {}) {
  const dialog = document.getElementById('prompt');
  const description = document.getElementById('prompt-description');
  document.getElementById('prompt-title').textContent = title;
  document.getElementById('prompt-text').textContent = text;
  document.getElementById('prompt-label').hidden = !withDescription;
  description.value = '';
  return new Promise((resolve) => {
    const cancel = document.getElementById('prompt-cancel');
    const done = (value) => {
      dialog.removeEventListener('close', onClose);
      cancel.removeEventListener('click', onCancel);
      resolve(value);
    };
    const onClose = () => done(dialog.returnValue === 'ok' ? description.value.trim() : null);
    const onCancel = () => { dialog.returnValue = 'cancel'; dialog.close(); };
    dialog.addEventListener('close', onClose);
    cancel.addEventListener('click', onCancel);
    dialog.returnValue = '';
    document.getElementById('prompt-ok').value = 'ok';
    dialog.showModal();
    (withDescription ? description : document.getElementById('prompt-ok')).focus();
  });
}

/** Copies text to the clipboard (a secure context: 127.0.0.1 is one), falling back to selecting it. */
export async function copy(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Copied to the clipboard.');
  } catch {
    if (field) {
      field.select();
    }
    toast('Select and copy the text (the clipboard is not available here).');
  }
}

/** Human-readable bytes. */
export function bytes(count) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** The last segment of an ARM id. */
export const lastSegment = (id) => String(id ?? '').split('/').filter(Boolean).pop() ?? '';

/** A namespace chooser that remembers the choice in the hash query (#/page?namespace=x). */
export function namespaceSelect(names, selected, onChange) {
  return el('label', { class: 'inline' }, 'Namespace ',
    el('select', {
      id: 'namespace-select',
      onchange: (event) => onChange(event.target.value),
    }, names.map((name) => el('option', { value: name, selected: name === selected }, name))));
}
