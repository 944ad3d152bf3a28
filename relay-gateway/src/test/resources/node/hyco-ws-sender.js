'use strict';
// Microsoft's hyco-ws sender: sends text and binary messages of the given sizes, checks that each
// comes back byte-exact with its type, and prints one JSON line with the outcome.
// Usage: node hyco-ws-sender.js <send URL> <key name> <key> <size> [<size> ...]
//        node hyco-ws-sender.js <connection string> <size> [<size> ...]
const crypto = require('crypto');
const WebSocket = require('hyco-ws');

const args = process.argv.slice(2);
if (args[0].startsWith('Endpoint=')) {
  const cs = require('./connection-string')(args[0]);
  args.splice(0, 1, WebSocket.createRelaySendUri(cs.host, cs.path), cs.keyName, cs.key);
}
const [sendUrl, keyName, key, ...sizeArgs] = args;
const sizes = sizeArgs.map(Number);
const token = keyName ? WebSocket.createRelayToken(sendUrl, keyName, key) : null;

const expected = [];
sizes.forEach((size, i) => {
  const binary = i % 2 === 1;
  const payload = binary ? crypto.randomBytes(size) : Buffer.from('x'.repeat(size) + '').subarray(0, size);
  expected.push({ binary, payload });
});

function finish(result, code) {
  console.log(JSON.stringify(result));
  process.exit(code);
}

const ws = WebSocket.relayedConnect(sendUrl, token);
let received = 0;
ws.on('open', () => {
  for (const { binary, payload } of expected) {
    ws.send(binary ? payload : payload.toString('utf8'), { binary });
  }
});
ws.on('message', (data, flags) => {
  const want = expected[received];
  const got = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  if (!!flags.binary !== want.binary || !got.equals(want.payload)) {
    finish({ ok: false, reason: 'message ' + received + ' differs', binary: !!flags.binary, length: got.length }, 1);
  }
  received++;
  if (received === expected.length) {
    ws.close(1000, 'done');
  }
});
ws.on('close', (code, reason) => {
  finish({ ok: received === expected.length, received, closeCode: code, closeReason: reason || '' },
         received === expected.length ? 0 : 1);
});
ws.on('error', (err) => finish({ ok: false, reason: err.message }, 1));
