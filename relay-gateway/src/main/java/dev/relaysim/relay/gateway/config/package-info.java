/**
 * The gateway's configuration: {@link dev.relaysim.relay.gateway.config.GatewayConfig} and its
 * records, read by {@link dev.relaysim.relay.gateway.config.ConfigLoader} from the embedded
 * {@code default-config.json}, a JSON file, environment variables and flags (flag &gt; environment
 * &gt; file &gt; default).
 *
 * <h2>JSON schema</h2>
 * Field names are camelCase as in Azure Resource Manager. Unknown fields are refused, naming their
 * JSON path; a field left out (or {@code null}) keeps its default.
 * <pre>{@code
 * {
 *   "listen": {
 *     "bindAddress": "127.0.0.1",                 // IP literal or host name
 *     "tls":   { "enabled": true, "port": 9443 }, // port 0-65535, 0 = ephemeral
 *     "plain": { "enabled": true, "port": 9080 }, // at least one of tls/plain enabled
 *     "rendezvousPorts": "9400-9599",             // "first-last" or "port", 1-65535, at most 200 ports
 *     "management": { "enabled": true, "port": 9390, // plain HTTP: /health, /metrics, the ARM API; 0 = ephemeral;
 *                                                 // not a front-end port, outside rendezvousPorts
 *                     "adminKey": "relaysim-dev-admin-key" } // ARM routes need "Authorization: Bearer <adminKey>";
 *                                                 // 1-256 visible ASCII characters
 *     "advertised": {                             // what clients are told when it differs from what is bound (in a
 *                                                 // container); each left out = the bound value
 *       "host": "localhost",                      // in accept/request addresses, banner, DNS public answers (IPv4),
 *                                                 // the dev certificate's names
 *       "tlsPort": 9443, "plainPort": 9080,       // published front-end ports; 0 = the bound port
 *       "rendezvousPorts": "9400-9599"            // published port of g0..gN in order: ranges/ports with commas,
 *     }                                           // as many as rendezvousPorts; default the bound ports
 *   },
 *   "protocol": {
 *     "rendezvousTimeout": "30s",                 // durations: "500ms", "30s", "5m", "1h" or ISO-8601 "PT30S"; > 0
 *     "handshakeTimeout": "10s",
 *     "maxMessageSize": "16MiB",                  // integer bytes or "64KiB"/"16MiB"; 1 KiB-256 MiB
 *     "maxListenersPerEndpoint": 25,              // 1-25
 *     "shutdownTimeout": "5s",
 *     "responseTimeout": "60s",                   // HTTP senders get 504 when the listener has not answered by then
 *     "tokenExpiryGrace": "5m"                    // control channels close 1008 this long after an unrenewed token expired
 *   },
 *   "limits": {                                   // each 1-1000000; refusals count as reason "limit"
 *     "maxConnectionsPerSource": 10000,           // open TCP connections from one source IP to the front ends and
 *                                                 // rendezvous ports (also at private endpoint IPs; not DNS, not
 *                                                 // management); beyond: the request gets 429 with Retry-After
 *     "maxPendingRendezvousPerEntity": 1000,      // senders waiting for an accept on one hybrid connection; beyond: 429
 *     "maxRelayedConnectionsPerNamespace": 5000   // relayed connections + waiting senders per namespace (Azure's
 *                                                 // quota); beyond: 403 "Quota exceeded. ..."
 *   },
 *   "dns": {                                      // the split-horizon DNS responder (gateway.dns)
 *     "enabled": true,
 *     "bindAddress": "127.0.0.1",                 // IP literal; UDP and TCP
 *     "port": 1053,                               // 0 = ephemeral; not one of listen's TCP ports on the same address
 *     "faults": {                                 // private-zone failure toggles at start; PUT /relaysim/dns/faults
 *       "staleARecords": {},                      // {"contoso": "127.10.0.9"}: VNet clients get this old address
 *       "missingARecords": []                     // ["contoso"]: <ns>.privatelink... is NXDOMAIN for VNet clients
 *     }
 *   },
 *   "dataDirectory": "~/.relaysim",               // default $HOME/.relaysim; "~/" expands; relative = relative to the file
 *                                                 // set explicitly (here, flag or env): management API changes are
 *                                                 // saved in <dir>/network-state.json and restored at start
 *   "defaultNamespace": "sandbox",                // for localhost and IP literals; must be declared below;
 *                                                 // default: the first namespace of a file that declares namespaces
 *   "namespaces": [                               // at least one; replaces the default list as a whole
 *     {
 *       "name": "sandbox",                        // 6-50 of [A-Za-z0-9-], starts with a letter, does not end with '-'
 *       "hostName": "sandbox.servicebus.windows.net", // default <name>.servicebus.windows.net
 *       "authorizationRules": [                   // namespace-level rules; default []
 *         {
 *           "name": "RootManageSharedAccessKey",  // 1-256 of [A-Za-z0-9._-]
 *           "primaryKey": "...",                  // 1-256 characters, used as-is as the HMAC key
 *           "secondaryKey": "...",                // optional, default: primaryKey
 *           "rights": ["Listen", "Send", "Manage"], // not empty, case-insensitive; Manage needs Listen and Send
 *           "trustedService": false               // default false; see "Trusted services" below
 *         }
 *       ],
 *       "hybridConnections": [                    // default []
 *         {
 *           "name": "echo",                       // 1-260 of [A-Za-z0-9._-/], no leading/trailing/doubled '/'
 *           "requiresClientAuthorization": true,  // default true
 *           "authorizationRules": []              // entity-level rules, same shape; default []
 *         }
 *       ],
 *       "region": "westeurope",                   // default westeurope; endpoints may sit in other regions
 *       "publicNetworkAccess": "Enabled",         // Enabled | Disabled | SecuredByPerimeter (treated as Disabled)
 *       "networkRuleSet": {                       // public traffic only; default: Allow, no rules
 *         "defaultAction": "Allow",               // Allow | Deny, for public traffic no IP rule matched
 *         "ipRules": [{ "ipMask": "203.0.113.0/24", "action": "Allow" }], // IPv4 or CIDR, first match; <= 128;
 *                                                 // action optional, only Allow
 *         "trustedServiceAccessEnabled": false    // trusted services pass a Deny (not Disabled public access)
 *       },
 *       "privateEndpoints": [                     // <= 64 per namespace, <= 64 namespaces with endpoints
 *         {
 *           "name": "contoso-pe",                 // unique in the namespace, ignoring case
 *           "region": "westeurope",               // default: the virtual network's region, which it must equal
 *           "virtualNetwork": "vnet1",            // one of virtualNetworks
 *           "subnet": "default",                  // one of its subnets
 *           "privateIpAddress": "127.10.0.4",     // optional: the subnet's lowest free address (.4 first), as Azure
 *                                                 // allocates; else an assignable one (5th to last but one) no other
 *                                                 // endpoint has
 *           "status": "Approved",                 // Pending | Approved | Rejected | Disconnected;
 *                                                 // default Approved, Pending with manualApproval
 *           "description": "Auto-Approved",       // default Auto-Approved when auto-approved, else ""
 *           "manualApproval": false,              // requested as a manual connection (default false)
 *           "privateDnsZoneGroup": true           // registers its A record in privatelink.servicebus.windows.net
 *                                                 // (private DNS integration; default true, as in the portal)
 *         }
 *       ]
 *     }
 *   ],
 *   "virtualNetworks": [                          // the simulated VNets; default: vnet1 below
 *     {
 *       "name": "vnet1",                          // unique, ignoring case
 *       "region": "westeurope",                   // default westeurope
 *       "addressPrefixes": ["127.10.0.0/16"],     // at least one IPv4 prefix (host bits zero)
 *       "subnets": [{ "name": "default", "addressPrefix": "127.10.0.0/24" }], // inside the prefixes, no overlap, /29+
 *       "connectedNetworks": [],                  // peered VNets, on-premises ranges over VPN/ExpressRoute:
 *                                                 // sources that reach the VNet's endpoints too
 *       "privateDnsZoneLinked": true              // the private zone is linked: its clients (and the connected
 *                                                 // networks') get private DNS answers (default true)
 *     }
 *   ]
 * }
 * }</pre>
 * Names of namespaces, host names, hybrid connections and rules are unique in their list, ignoring
 * case. Errors carry one message: {@code <json path>: <value> (expected: ...)}, for instance
 * {@code namespaces[0].hybridConnections[1].name: "echo" (expected: a name not already used by
 * hybridConnections[0], ignoring case)}; malformed JSON is reported with its line and column.
 *
 * <p>The embedded default has namespace {@code sandbox} with hybrid connection {@code echo} and the
 * rule {@code RootManageSharedAccessKey} (Listen, Send, Manage) whose primary key is the public
 * development key {@link dev.relaysim.relay.common.connection.DevDefaults#KEY}; and namespace {@code contoso}, the
 * same but with public network access Disabled and private endpoint {@code contoso-pe} at 127.10.0.4 (Approved) in
 * subnet {@code default} (127.10.0.0/24) of virtual network {@code vnet1} (127.10.0.0/16, standing for Azure's
 * 10.0.0.0/16). A file that declares {@code namespaces} or {@code virtualNetworks} replaces that list as a whole.
 * Network settings are validated together ({@link dev.relaysim.relay.gateway.network.NetworkModel}); errors found
 * there name the endpoint by name: {@code namespaces.contoso.privateEndpoints.pe.region: "eastus" (expected:
 * "westeurope", the region of virtual network vnet1)}.
 *
 * <h2>Network enforcement</h2>
 * The gateway also listens on every private endpoint's address (front ends and rendezvous ports, same port
 * numbers). A connection to an endpoint's address is private traffic for the endpoint's namespace (a request whose
 * host is {@code localhost} or an IP literal goes to that namespace), admitted only from the endpoint's virtual
 * network or its connected networks and only while the endpoint is Approved; any other connection is public
 * traffic, checked against {@code publicNetworkAccess}, the IP rules, {@code defaultAction}, then trusted services.
 * Refusals are 401 {@code Ip has been prevented to connect to the endpoint.} before the upgrade and before SAS.
 * At run time the settings live in {@link dev.relaysim.relay.gateway.network.NetworkState}; the config is only the
 * start.
 *
 * <h2>Trusted services</h2>
 * A caller counts as a trusted Microsoft service when its SAS token is signed with the key of an authorization rule
 * flagged {@code "trustedService": true} (namespace- or entity-level). Public traffic that no IP rule matched under
 * {@code defaultAction} Deny is then admitted only if the namespace has {@code trustedServiceAccessEnabled} and the
 * token is valid and signed by such a rule; anything else gets the same 401 as any refused address. Trusted services
 * do not bypass {@code publicNetworkAccess} Disabled or a private endpoint's state (Azure leaves that open).
 */
package dev.relaysim.relay.gateway.config;
