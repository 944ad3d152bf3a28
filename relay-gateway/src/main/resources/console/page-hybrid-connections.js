// Hybrid connections of a namespace: create and delete them, see their listeners, and the shared access policies'
// keys and connection strings (shown on demand, copied, regenerated).
import { list, namespaces, post, put, del, RELAY } from './api.js';
import { attempt, copy, el, heading, namespaceSelect, promptDescription, replace, section, table } from './dom.js';

function secretField(label, value, id) {
  const field = el('input', { type: 'text', readonly: true, value, id, class: 'secret', spellcheck: 'false' });
  return el('div', { class: 'secret-row' }, el('label', { for: id }, label), field,
    el('button', { type: 'button', class: 'copy', onclick: () => copy(value, field) }, 'Copy'));
}

async function showKeys(panel, rulePath, ruleName, refreshKeys, prefix) {
  const keys = await post(`${rulePath}/listKeys`);
  const id = (what) => `${prefix}${ruleName}-${what}`;
  replace(panel,
    secretField('Primary key', keys.primaryKey, id('primary-key')),
    secretField('Secondary key', keys.secondaryKey, id('secondary-key')),
    secretField('Primary connection string', keys.primaryConnectionString, id('primary-connection-string')),
    secretField('Secondary connection string', keys.secondaryConnectionString, id('secondary-connection-string')),
    el('div', { class: 'buttons' },
      ['Primary', 'Secondary'].map((which) => el('button', {
        type: 'button',
        id: id(`regenerate-${which.toLowerCase()}`),
        onclick: async () => {
          const confirmed = await promptDescription(`Regenerate the ${which.toLowerCase()} key of ${ruleName}?`,
            'Clients signing with the current key are refused from then on.', { withDescription: false });
          if (confirmed !== null) {
            await attempt(() => post(`${rulePath}/regenerateKeys`, { keyType: `${which}Key` }),
              `The ${which.toLowerCase()} key of ${ruleName} was regenerated.`);
            await refreshKeys();
          }
        },
      }, `Regenerate ${which.toLowerCase()} key`)),
      el('button', { type: 'button', onclick: () => replace(panel) }, 'Hide keys')));
}

const RIGHTS = ['Listen', 'Send', 'Manage'];

/** A form adding a shared access policy (name and claims) under {@code parentPath}. */
function addPolicyForm(parentPath, refresh) {
  const name = el('input', { id: 'policy-name', required: true, size: 20, placeholder: 'such as app',
    pattern: '[A-Za-z0-9._-]{1,256}' });
  const boxes = RIGHTS.map((right) => el('input', { type: 'checkbox', value: right, id: `policy-${right}`,
    checked: right !== 'Manage' }));
  return el('form', {
    id: 'policy-create',
    class: 'inline-form',
    onsubmit: async (event) => {
      event.preventDefault();
      const rights = boxes.filter((box) => box.checked).map((box) => box.value);
      if (await attempt(() => put(`${parentPath}/authorizationRules/${encodeURIComponent(name.value)}`,
        { properties: { rights } }), `Policy ${name.value} added.`)) {
        refresh();
      }
    },
  }, el('label', {}, 'Policy ', name), boxes.map((box) => el('label', {}, box, ` ${box.value}`)),
  el('button', { type: 'submit', class: 'primary' }, 'Add policy'));
}

/** The policies of {@code parentPath}; element ids start with {@code prefix}. */
function policies(parentPath, rules, prefix = '') {
  return table([
    { title: 'Policy', value: (rule) => rule.name },
    { title: 'Claims', value: (rule) => (rule.properties?.rights ?? []).join(', ') },
    {
      title: 'Keys',
      class: 'wide',
      value: (rule) => {
        const panel = el('div', { class: 'keys', id: `${prefix}keys-${rule.name}` });
        const rulePath = `${parentPath}/authorizationRules/${encodeURIComponent(rule.name)}`;
        const refreshKeys = () => attempt(() => showKeys(panel, rulePath, rule.name, refreshKeys, prefix));
        return el('div', {},
          el('button', { type: 'button', id: `${prefix}show-keys-${rule.name}`, onclick: refreshKeys }, 'Show keys'), panel);
      },
    },
  ], rules, { key: (rule) => rule.name, id: `${prefix}policies`, empty: 'No shared access policy.' });
}

export default async function hybridConnections(main, { params, navigate, refresh }) {
  const chosen = params.get('hc');
  const names = (await namespaces()).map((ns) => ns.name);
  const namespace = names.includes(params.get('namespace')) ? params.get('namespace') : names[0];
  if (!namespace) {
    replace(main, heading('Hybrid connections'), el('p', {}, 'No namespace is configured.'));
    return;
  }
  const namespacePath = `${RELAY}/${encodeURIComponent(namespace)}`;
  const [entities, rules] = await Promise.all([list(`${namespacePath}/hybridConnections`),
    list(`${namespacePath}/authorizationRules`)]);
  const entity = entities.find((hc) => hc.name === chosen);
  const entityPath = entity && `${namespacePath}/hybridConnections/${encodeURIComponent(entity.name)}`;
  const entityRules = entity ? await list(`${entityPath}/authorizationRules`) : [];

  const name = el('input', { id: 'hc-name', required: true, placeholder: 'such as orders', size: 28,
    pattern: '[A-Za-z0-9._-]{1,260}' });
  const requiresAuth = el('input', { id: 'hc-requires-auth', type: 'checkbox', checked: true });
  const form = el('form', {
    id: 'hc-create',
    class: 'inline-form',
    onsubmit: async (event) => {
      event.preventDefault();
      const created = await attempt(() => put(`${namespacePath}/hybridConnections/${encodeURIComponent(name.value)}`,
        { properties: { requiresClientAuthorization: requiresAuth.checked, userMetadata: '' } }),
      `Hybrid connection ${name.value} created.`);
      if (created) {
        refresh();
      }
    },
  }, el('label', {}, 'Name ', name), el('label', {}, requiresAuth, ' Requires client authorization'),
  el('button', { type: 'submit', class: 'primary' }, 'Create'));

  replace(main,
    heading('Hybrid connections', 'Create and delete hybrid connections at run time; keys and connection strings '
      + 'of the namespace\'s shared access policies are shown on demand.'),
    el('div', { class: 'toolbar' }, namespaceSelect(names, namespace, (next) => navigate({ namespace: next }))),
    section('Hybrid connections', form, table([
      { title: 'Name', value: (hc) => (hc.name.includes('/') ? hc.name
        : el('a', { href: `#/hybrid-connections?${new URLSearchParams({ namespace, hc: hc.name })}`,
          title: 'Its own shared access policies' }, hc.name)) },
      { title: 'Listeners', value: (hc) => String(hc.properties?.listenerCount ?? 0) },
      { title: 'Requires client authorization', value: (hc) => (hc.properties?.requiresClientAuthorization ? 'Yes' : 'No') },
      { title: 'User metadata', value: (hc) => hc.properties?.userMetadata ?? '' },
      {
        title: '',
        value: (hc) => el('button', {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            const confirmed = await promptDescription(`Delete ${hc.name}?`,
              'Its listeners and relayed connections are closed.', { withDescription: false });
            if (confirmed !== null && await attempt(() => del(`${namespacePath}/hybridConnections/${encodeURIComponent(hc.name)}`),
              `Hybrid connection ${hc.name} deleted.`) !== undefined) {
              refresh();
            }
          },
        }, 'Delete'),
      },
    ], entities, { key: (hc) => hc.name, id: 'hybrid-connections', empty: 'No hybrid connection.' })),
    entity ? section(`Shared access policies of ${entity.name}`,
      el('p', { class: 'muted' }, 'Policies of the hybrid connection only; their connection strings carry '
        + `EntityPath=${entity.name}.`),
      addPolicyForm(entityPath, refresh), policies(entityPath, entityRules, 'hc-')) : null,
    section('Shared access policies of the namespace', policies(namespacePath, rules)));
}
