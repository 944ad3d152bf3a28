// Virtual networks (the simulated VNets, loopback ranges) and the private endpoints in their subnets.
import { list, NETWORK } from './api.js';
import { badge, el, heading, lastSegment, replace, section, table } from './dom.js';

function endpointConnection(endpoint) {
  const properties = endpoint.properties;
  return [...(properties.privateLinkServiceConnections ?? []),
    ...(properties.manualPrivateLinkServiceConnections ?? [])][0];
}

export default async function virtualNetworks(main) {
  const [networks, endpoints] = await Promise.all([list(`${NETWORK}/virtualNetworks`),
    list(`${NETWORK}/privateEndpoints`)]);
  replace(main,
    heading('Virtual networks', 'The simulated virtual networks (loopback ranges whose addresses stand for VMs) and '
      + 'the private endpoints in their subnets. Create them with the ARM API or ./relaysim network / pe.'),
    section('Virtual networks', table([
      { title: 'Name', value: (vnet) => vnet.name },
      { title: 'Region', value: (vnet) => vnet.location ?? '' },
      { title: 'Address space', value: (vnet) => vnet.properties.addressSpace.addressPrefixes.join(', ') },
      { title: 'Subnets', value: (vnet) => vnet.properties.subnets
        .map((subnet) => `${subnet.name} (${subnet.properties.addressPrefix})`).join(', ') },
    ], networks, { id: 'virtual-networks', key: (vnet) => vnet.name, empty: 'No virtual network.' })),
    section('Private endpoints', table([
      { title: 'Name', value: (endpoint) => endpoint.name },
      { title: 'Subnet', value: (endpoint) => {
        const parts = String(endpoint.properties.subnet?.id ?? '').split('/');
        return `${parts[parts.indexOf('virtualNetworks') + 1] ?? ''}/${lastSegment(endpoint.properties.subnet?.id)}`;
      } },
      { title: 'IP address', value: (endpoint) => (endpoint.properties.customDnsConfigs ?? [])
        .flatMap((config) => config.ipAddresses ?? []).join(', ') },
      { title: 'FQDN', value: (endpoint) => (endpoint.properties.customDnsConfigs ?? [])
        .map((config) => config.fqdn).join(', ') },
      { title: 'Target', value: (endpoint) => lastSegment(endpointConnection(endpoint)?.properties.privateLinkServiceId) },
      { title: 'Connection state', value: (endpoint) =>
        badge(endpointConnection(endpoint)?.properties.privateLinkServiceConnectionState.status ?? 'None') },
    ], endpoints, { id: 'private-endpoints', key: (endpoint) => endpoint.name, empty: 'No private endpoint.' })));
}
