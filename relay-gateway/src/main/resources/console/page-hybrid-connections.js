// Hybrid connections of a namespace: create and delete them, see their listeners, and the shared access policies'
// keys and connection strings (shown on demand, copied, regenerated).
import { list, namespaces, post, put, del, RELAY } from './api.js';
import { attempt, copy, el, heading, namespaceSelect, promptDescription, replace, section, table } from './dom.js';

function secretField(label, value, id) {
  const field = el('input', { type: 'text', readonly: true, value, id, class: 'secret', spellcheck: 'false' });
  return el('div', { class: 'secret-row' }, el('label', { for: id }, label), field,
    el('button', { type: 'button', class: 'copy', onclick: () => copy(value, field) }, 'Copy'));
}

async function showKeys(panel, rulePath, ruleName, refreshKeys) {
  const keys = await post(`${rulePath}/listKeys`);
  const id = (what) => `${ruleName}-${what}`;
  replace(panel,
    secretField('Primary key', keys.primaryKey, id('primary-key')),
    secretField('Secondary key', keys.secondaryKey, id('secondary-key')),
    secretField('Primary connection string', keys.primaryConnectionString, id('primary-connection-string')),
    secretField('Secondary connection string', keys.secondaryConnectionString, id('secondary-connection-string')),
    el('div', { class: 'buttons' },
      ['Primary', 'Secondary'].map((which) => el('button', {
        type: 'button',
        id: `${ruleName}-regenerate-${which.toLowerCase()}`,
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

function policies(namespacePath, rules) {
  return table([
    { title: 'Policy', value: (rule) => rule.name },
    { title: 'Claims', value: (rule) => (rule.properties?.rights ?? []).join(', ') },
    {
      title: 'Keys',
      class: 'wide',
      value: (rule) => {
        const panel = el('div', { class: 'keys', id: `keys-${rule.name}` });
        const rulePath = `${namespacePath}/authorizationRules/${encodeURIComponent(rule.name)}`;
        const refreshKeys = () => attempt(() => showKeys(panel, rulePath, rule.name, refreshKeys));
        return el('div', {},
          el('button', { type: 'button', id: `show-keys-${rule.name}`, onclick: refreshKeys }, 'Show keys'), panel);
      },
    },
  ], rules, { key: (rule) => rule.name, id: 'policies' });
}

export default async function hybridConnections(main, { params, navigate, refresh }) {
  const names = (await namespaces()).map((ns) => ns.name);
  const namespace = names.includes(params.get('namespace')) ? params.get('namespace') : names[0];
  if (!namespace) {
    replace(main, heading('Hybrid connections'), el('p', {}, 'No namespace is configured.'));
    return;
  }
  const namespacePath = `${RELAY}/${encodeURIComponent(namespace)}`;
  const [entities, rules] = await Promise.all([list(`${namespacePath}/hybridConnections`),
    list(`${namespacePath}/authorizationRules`)]);

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
      { title: 'Name', value: (hc) => hc.name },
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
    section('Shared access policies', policies(namespacePath, rules)));
}
