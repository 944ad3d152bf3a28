// Live events: the event journal (GET /relaysim/events) filtered by namespace, entity and kind, then followed live
// through its Server-Sent Events stream, read with fetch() so that the admin key stays in a header.
import { get, namespaces, send } from './api.js';
import { el, heading, replace, section, table } from './dom.js';

const KINDS = ['NewListenerRegistered', 'ListenerUnregistered', 'ListenerAcceptingConnection',
  'ListenerAcceptingConnectionTimeout', 'ListenerRejectedConnection', 'SenderListenerConnectionEstablished',
  'SenderConnectionClosed', 'ListenerAcceptingRequestTimeout', 'ListenerReturningHttpResponseFailed',
  'AuthorizationFailed', 'ConnectionRefused', 'ManagementChange', 'EventsDropped'];
const SHOWN = 300;
const RETRY_MS = 3000;
const DETAIL_FIELDS = ['closeCode', 'statusCode', 'reason', 'rule', 'action', 'resource', 'bytesSenderToListener',
  'bytesListenerToSender', 'durationMs', 'trackingId'];

function details(event) {
  const parts = DETAIL_FIELDS.filter((field) => event[field] !== undefined)
    .map((field) => `${field}=${event[field]}`);
  return [event.message, parts.join(' ')].filter(Boolean).join(' · ');
}

/** Reads an SSE stream: calls onEvent with each message's parsed data; resolves when the stream ends. */
async function readStream(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, '')).join('\n');
      if (data) {
        onEvent(JSON.parse(data));
      }
      end = buffer.indexOf('\n\n');
    }
  }
}

export default async function events(main, { params, navigate, onLeave }) {
  const filters = {
    namespace: params.get('namespace') ?? '',
    entity: params.get('entity') ?? '',
    kinds: params.get('kinds') ?? '',
  };
  const names = (await namespaces()).map((ns) => ns.name);
  const chosenKinds = new Set(filters.kinds ? filters.kinds.split(',') : []);
  const namespaceField = el('select', { id: 'events-namespace' }, el('option', { value: '' }, 'All namespaces'),
    names.map((name) => el('option', { value: name, selected: name === filters.namespace }, name)));
  const entityField = el('input', { id: 'events-entity', value: filters.entity, placeholder: 'hybrid connection',
    size: 20 });
  const kindBoxes = KINDS.map((kind) => el('label', { class: 'kind' },
    el('input', { type: 'checkbox', value: kind, checked: chosenKinds.has(kind) }), ` ${kind}`));
  const form = el('form', {
    id: 'events-filters',
    onsubmit: (event) => {
      event.preventDefault();
      const kinds = kindBoxes.map((label) => label.firstChild).filter((box) => box.checked).map((box) => box.value);
      navigate({ namespace: namespaceField.value, entity: entityField.value.trim(), kinds: kinds.join(',') });
    },
  }, el('div', { class: 'inline-form' }, el('label', { class: 'inline' }, 'Namespace ', namespaceField),
    el('label', { class: 'inline' }, 'Entity ', entityField),
    el('button', { type: 'submit', class: 'primary', id: 'events-apply' }, 'Apply filters')),
  el('details', {}, el('summary', {}, `Kinds (${chosenKinds.size ? [...chosenKinds].join(', ') : 'all'})`),
    el('div', { class: 'kinds' }, kindBoxes)));

  const status = el('span', { id: 'events-status', class: 'muted' }, 'Loading…');
  const holder = el('div', { class: 'events-log' });
  const shown = [];
  const render = () => replace(holder, table([
    { title: 'Time', value: (event) => new Date(event.time).toLocaleTimeString([], { hour12: false }) },
    { title: 'Operation', class: 'event-kind', value: (event) => event.operationName },
    { title: 'Namespace', value: (event) => event.namespace ?? '' },
    { title: 'Entity', value: (event) => event.entity ?? '' },
    { title: 'Listener', value: (event) => (event.listenerId ?? '').slice(0, 8) },
    { title: 'Source', value: (event) => event.source ?? '' },
    { title: 'Details', value: details },
  ], shown, { id: 'events', key: (event) => String(event.id), empty: 'No event matches yet.' }));
  const add = (event) => {
    shown.unshift(event);
    shown.length = Math.min(shown.length, SHOWN);
  };

  replace(main, heading('Events', 'What happened on the gateway, newest first: listeners coming and going, '
      + 'rendezvous, relayed connections with their bytes, refusals and management changes. New events appear as '
      + 'they happen.'), section('Filters', form), section('Journal', el('div', { class: 'toolbar' }, status),
    holder));

  const query = { namespace: filters.namespace, entity: filters.entity, kinds: filters.kinds };
  const journal = await get('/relaysim/events', { query: { ...query, limit: SHOWN } });
  journal.events.forEach(add);
  render();
  let lastId = journal.lastId;

  const controller = new AbortController();
  onLeave(() => controller.abort());
  (async () => {
    while (!controller.signal.aborted) {
      try {
        status.textContent = 'Following live.';
        const response = await send('GET', '/relaysim/events/stream', {
          query, signal: controller.signal, accept: 'text/event-stream', lastEventId: String(lastId),
        });
        await readStream(response, (event) => {
          if (typeof event.id === 'number') {
            lastId = Math.max(lastId, event.id);
          }
          add(event);
          render();
        });
      } catch (error) {
        if (controller.signal.aborted) {
          return;
        }
        status.textContent = `The live stream stopped (${error.message}); reconnecting…`;
      }
      await new Promise((resolve) => { setTimeout(resolve, RETRY_MS); });
    }
  })();
}
