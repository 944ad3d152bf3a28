'use strict';
// A bare listener control channel, opened with the ws module hyco-ws uses, that reports how it ends (hyco-ws itself
// reconnects at once and never says why a control channel closed).
// Usage: node control-channel.js <connection string>
// Prints "open", then "close <code> <reason>" or "error <message>", and exits.
const WebSocket = require('hyco-ws');
const ws = require('ws');
const parseConnectionString = require('./connection-string');

const cs = parseConnectionString(process.argv[2]);
const listenUrl = WebSocket.createRelayListenUri(cs.host, cs.path);
const token = WebSocket.createRelayToken(listenUrl, cs.keyName, cs.key);
const channel = new ws(listenUrl, null, { headers: { ServiceBusAuthorization: token } });
channel.on('open', () => console.log('open'));
channel.on('close', (code, reason) => {
  console.log('close ' + code + ' ' + (reason || ''));
  process.exit(0);
});
channel.on('error', (err) => {
  console.log('error ' + err.message);
  process.exit(1);
});
