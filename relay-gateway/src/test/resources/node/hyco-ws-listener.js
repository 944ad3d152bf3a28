'use strict';
// Microsoft's hyco-ws listener echoing every message with its type.
// Usage: node hyco-ws-listener.js <listen URL> <key name> <key> [maxErrors]
//        node hyco-ws-listener.js <connection string> [maxErrors]
// Token renewal tests: TOKEN_TTL_SECONDS gives the tokens that lifetime (default 3600), and
// RENEW_INTERVAL_MS replaces hyco-ws's hard-coded hourly renewToken interval (a timer shim, so that
// the library's own renewal code runs within a test); "token" is printed per token made (on every
// connect and every renewal).
// Prints "listening" once the control channel is up, "connection" per accepted sender, and
// "error: ..." per failure; exits 3 after maxErrors errors, since hyco-ws reconnects at once forever.
// LOG_DIALS=1 prints "dial <host>:<port>" per TLS connection made (where the accept addresses lead).
if (process.env.LOG_DIALS) {
  const tls = require('tls');
  const connect = tls.connect;
  tls.connect = function (...args) {
    const options = typeof args[0] === 'object' ? args[0] : { port: args[0], host: args[1] };
    console.log('dial ' + options.host + ':' + options.port);
    return connect.apply(this, args);
  };
}
const renewIntervalMs = Number(process.env.RENEW_INTERVAL_MS || 0);
if (renewIntervalMs > 0) {
  const realSetInterval = global.setInterval;
  global.setInterval = (fn, ms, ...rest) => realSetInterval(fn, ms === 3600 * 1000 ? renewIntervalMs : ms, ...rest);
}
const tokenTtl = Number(process.env.TOKEN_TTL_SECONDS || 3600);
const WebSocket = require('hyco-ws');

const args = process.argv.slice(2);
if (args[0].startsWith('Endpoint=')) {
  const cs = require('./connection-string')(args[0]);
  args.splice(0, 1, WebSocket.createRelayListenUri(cs.host, cs.path), cs.keyName, cs.key);
}
const [listenUrl, keyName, key, maxErrorsArg] = args;
const maxErrors = Number(maxErrorsArg || 20);
let errors = 0;

const server = WebSocket.createRelayedServer({
  server: listenUrl,
  token: () => {
    console.log('token');
    return WebSocket.createRelayToken(listenUrl, keyName, key, tokenTtl);
  }
}, (ws) => {
  console.log('connection');
  ws.on('message', (data, flags) => ws.send(data, { binary: flags.binary }));
  ws.on('close', (code, reason) => console.log('closed ' + code + ' ' + (reason || '')));
  ws.on('error', (err) => console.log('connection error: ' + err.message));
});
server.on('listening', () => console.log('listening'));
server.on('error', (err) => {
  errors++;
  console.log('error: ' + (err && err.message ? err.message : err));
  if (errors >= maxErrors) {
    server.close();
    process.exit(3);
  }
});
process.stdin.on('end', () => { server.close(); process.exit(0); });
process.stdin.resume();
