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
 *     "rendezvousPorts": "9400-9599"              // "first-last" or "port", 1-65535, at most 200 ports
 *   },
 *   "protocol": {
 *     "rendezvousTimeout": "30s",                 // durations: "500ms", "30s", "5m", "1h" or ISO-8601 "PT30S"; > 0
 *     "handshakeTimeout": "10s",
 *     "maxMessageSize": "16MiB",                  // integer bytes or "64KiB"/"16MiB"; 1 KiB-256 MiB
 *     "maxListenersPerEndpoint": 25,              // 1-25
 *     "shutdownTimeout": "5s"
 *   },
 *   "dataDirectory": "~/.relaysim",               // default $HOME/.relaysim; "~/" expands; relative = relative to the file
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
 *           "rights": ["Listen", "Send", "Manage"] // not empty, case-insensitive; Manage needs Listen and Send
 *         }
 *       ],
 *       "hybridConnections": [                    // default []
 *         {
 *           "name": "echo",                       // 1-260 of [A-Za-z0-9._-/], no leading/trailing/doubled '/'
 *           "requiresClientAuthorization": true,  // default true
 *           "authorizationRules": []              // entity-level rules, same shape; default []
 *         }
 *       ]
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
 * development key {@link dev.relaysim.relay.common.connection.DevDefaults#KEY}.
 */
package dev.relaysim.relay.gateway.config;
