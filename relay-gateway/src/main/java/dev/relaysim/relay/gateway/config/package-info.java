/**
 * The gateway's configuration: {@link dev.relaysim.relay.gateway.config.GatewayConfig} and its
 * records, read by {@link dev.relaysim.relay.gateway.config.ConfigLoader} from the declared defaults
 * ({@link dev.relaysim.relay.gateway.config.GatewaySettings}), the embedded {@code default-config.json} (namespaces,
 * virtual networks), a JSON file, environment variables and flags (flag &gt; environment &gt; file &gt; default),
 * or built in code with {@link dev.relaysim.relay.gateway.config.GatewayConfig#builder()}. The value types of the
 * fault toggles ({@code RendezvousFaults}, {@code DnsFaults}) live here too, so that the packages that apply them
 * depend on this one and not the other way round.
 *
 * <h2>JSON schema</h2>
 * Field names are camelCase as in Azure Resource Manager. Unknown fields are refused, naming their
 * JSON path; a field left out (or {@code null}) keeps its default. Every setting that is one value (under
 * {@code listen}, {@code protocol}, {@code limits}, {@code events}, {@code dns}, and {@code dataDirectory},
 * {@code defaultNamespace}) is declared once in {@link dev.relaysim.relay.gateway.config.GatewaySettings}: JSON path,
 * type, default, flag, environment variable and help; {@code docs/configuration.md} lists them. The structured
 * parts:
 * <pre>{@code
 * {
 *   "dns": {
 *     "faults": {                                 // private-zone failure toggles at start; PUT /relaysim/dns/faults
 *       "staleARecords": {},                      // {"contoso": "127.10.0.9"}: VNet clients get this old address
 *       "missingARecords": []                     // ["contoso"]: <ns>.privatelink... is NXDOMAIN for VNet clients
 *     }
 *   },
 *   "faults": {                                   // rendezvous faults at start; PUT /relaysim/faults/rendezvous
 *     "blockedRendezvousPorts": [{ "ports": "9500-9599", "sources": ["127.10.0.0/16"] }]
 *   },
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
 * At run time the settings live in {@link dev.relaysim.relay.gateway.internal.network.NetworkState}; the config is only
 * the start.
 *
 * <h2>Trusted services</h2>
 * A caller counts as a trusted Microsoft service when its SAS token is signed with the key of an authorization rule
 * flagged {@code "trustedService": true} (namespace- or entity-level). Public traffic that no IP rule matched under
 * {@code defaultAction} Deny is then admitted only if the namespace has {@code trustedServiceAccessEnabled} and the
 * token is valid and signed by such a rule; anything else gets the same 401 as any refused address. Trusted services
 * do not bypass {@code publicNetworkAccess} Disabled or a private endpoint's state (Azure leaves that open).
 */
package dev.relaysim.relay.gateway.config;
