// Networking, laid out like the Azure portal's page of a Relay namespace: public access (Enabled / Selected
// networks / Disabled, IP rules, trusted services) and the private endpoint connections with Approve / Reject /
// Remove.
import { get, list, namespaces, put, del, RELAY } from './api.js';
import { attempt, badge, el, heading, lastSegment, namespaceSelect, promptDescription, replace, section, table }
  from './dom.js';

const ACCESS_CHOICES = [
  { value: 'Enabled', label: 'Enabled', hint: 'All networks, including the internet, reach the namespace.' },
  { value: 'SelectedNetworks', label: 'Selected networks',
    hint: 'Only the IP ranges below (and trusted services, if allowed) reach the public endpoint.' },
  { value: 'Disabled', label: 'Disabled', hint: 'Only private endpoints reach the namespace.' },
];

function accessChoice(rules) {
  if (rules.publicNetworkAccess === 'Disabled') {
    return 'Disabled';
  }
  return rules.defaultAction === 'Deny' ? 'SelectedNetworks' : 'Enabled';
}

function publicAccess(ruleSetPath, rules, refresh) {
  let choice = accessChoice(rules);
  const ipRules = rules.ipRules.map((rule) => rule.ipMask);
  const selectedOnly = el('div', { id: 'selected-networks' });
  const trusted = el('input', { type: 'checkbox', id: 'trusted-services', checked: rules.trustedServiceAccessEnabled });

  function renderSelected() {
    selectedOnly.hidden = choice !== 'SelectedNetworks';
    const newRule = el('input', { id: 'ip-rule-new', placeholder: 'IPv4 address or CIDR range, such as 127.12.0.0/16', size: 44 });
    replace(selectedOnly,
      el('h3', {}, 'Firewall'),
      el('p', { class: 'muted' }, 'Add IP ranges to allow access from the internet or your on-premises networks.'),
      table([
        { title: 'Address range', value: (mask) => mask },
        { title: '', value: (mask) => el('button', { type: 'button', class: 'link',
          onclick: () => { ipRules.splice(ipRules.indexOf(mask), 1); renderSelected(); } }, 'Remove') },
      ], ipRules, { id: 'ip-rules', key: (mask) => mask, empty: 'No IP rule.' }),
      el('div', { class: 'inline-form' }, newRule, el('button', {
        type: 'button',
        id: 'ip-rule-add',
        onclick: () => {
          const mask = newRule.value.trim();
          if (mask && !ipRules.includes(mask)) {
            ipRules.push(mask);
          }
          renderSelected();
        },
      }, 'Add address range')),
      el('h3', {}, 'Exceptions'),
      el('label', {}, trusted, ' Allow trusted Microsoft services to bypass this firewall'));
  }

  const radios = ACCESS_CHOICES.map((option) => el('label', { class: 'radio' },
    el('input', {
      type: 'radio',
      name: 'public-access',
      value: option.value,
      id: `public-access-${option.value}`,
      checked: option.value === choice,
      onchange: () => { choice = option.value; renderSelected(); },
    }), ` ${option.label}`, el('span', { class: 'hint' }, option.hint)));

  renderSelected();
  return el('form', {
    id: 'public-access-form',
    onsubmit: async (event) => {
      event.preventDefault();
      const properties = {
        publicNetworkAccess: choice === 'Disabled' ? 'Disabled' : 'Enabled',
        defaultAction: choice === 'SelectedNetworks' ? 'Deny' : 'Allow',
        ipRules: ipRules.map((ipMask) => ({ ipMask, action: 'Allow' })),
        trustedServiceAccessEnabled: trusted.checked,
      };
      if (await attempt(() => put(ruleSetPath, { properties }), 'Public network access saved.')) {
        refresh();
      }
    },
  }, el('fieldset', { class: 'radios' }, el('legend', {}, 'Public network access'), radios), selectedOnly,
  el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary', id: 'public-access-save' },
    'Save')));
}

function connections(namespacePath, list, refresh) {
  const selected = new Set();
  const actions = el('div', { class: 'toolbar' });
  const act = async (verb, status) => {
    const names = [...selected];
    const description = await promptDescription(`${verb} connection${names.length > 1 ? 's' : ''}`,
      `${verb} ${names.join(', ')}? Enter a description (optional).`);
    if (description === null) {
      return;
    }
    for (const name of names) {
      const path = `${namespacePath}/privateEndpointConnections/${encodeURIComponent(name)}`;
      const done = status === 'Disconnected'
        ? await attempt(() => del(path))
        : await attempt(() => put(path, { properties: { privateLinkServiceConnectionState: { status, description } } }));
      if (done === undefined) {
        break;
      }
    }
    refresh();
  };
  const buttons = [['Approve', 'Approved'], ['Reject', 'Rejected'], ['Remove', 'Disconnected']].map(([verb, status]) =>
    el('button', { type: 'button', id: `connection-${verb.toLowerCase()}`, disabled: true,
      onclick: () => act(verb, status) }, verb));
  const updateButtons = () => buttons.forEach((button) => { button.disabled = selected.size === 0; });
  actions.append(...buttons, el('button', { type: 'button', onclick: refresh }, 'Refresh'));
  return [actions, table([
    {
      title: '',
      value: (connection) => el('input', {
        type: 'checkbox',
        'aria-label': `Select ${connection.name}`,
        class: 'select-connection',
        onchange: (event) => {
          if (event.target.checked) {
            selected.add(connection.name);
          } else {
            selected.delete(connection.name);
          }
          updateButtons();
        },
      }),
    },
    { title: 'Connection name', value: (connection) => connection.name },
    { title: 'Connection state', class: 'state',
      value: (connection) => badge(connection.properties.privateLinkServiceConnectionState.status) },
    { title: 'Private endpoint', value: (connection) => lastSegment(connection.properties.privateEndpoint?.id) },
    { title: 'Description', class: 'description',
      value: (connection) => connection.properties.privateLinkServiceConnectionState.description ?? '' },
  ], list, { id: 'private-endpoint-connections', key: (connection) => connection.name,
    empty: 'No private endpoint connection. Create a private endpoint in a virtual network to see it here.' })];
}

export default async function networking(main, { params, navigate, refresh }) {
  const names = (await namespaces()).map((ns) => ns.name);
  const namespace = names.includes(params.get('namespace')) ? params.get('namespace') : names[0];
  if (!namespace) {
    replace(main, heading('Networking'), el('p', {}, 'No namespace is configured.'));
    return;
  }
  const namespacePath = `${RELAY}/${encodeURIComponent(namespace)}`;
  const ruleSetPath = `${namespacePath}/networkRuleSets/default`;
  const [rules, endpointConnections] = await Promise.all([get(ruleSetPath),
    list(`${namespacePath}/privateEndpointConnections`)]);
  replace(main,
    heading('Networking', 'Who reaches the namespace: its public endpoint and its private endpoints.'),
    el('div', { class: 'toolbar' }, namespaceSelect(names, namespace, (next) => navigate({ namespace: next }))),
    section('Public access', publicAccess(ruleSetPath, rules.properties, refresh)),
    section('Private access: private endpoint connections', ...connections(namespacePath, endpointConnections,
      refresh)));
}
