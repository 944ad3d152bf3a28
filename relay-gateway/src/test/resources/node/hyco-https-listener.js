'use strict';
// Microsoft's hyco-https listener answering HTTP requests relayed by the gateway.
// Usage: node hyco-https-listener.js <listen URL> <key name> <key> [echo|silent] [maxErrors]
//   echo (default):
//     GET  ?size=N  -> 200, N bytes where byte i is i % 251 (application/octet-stream)
//     GET  other    -> 200, JSON {method, url, headers} (what the listener was told)
//     HEAD ?size=N  -> 200, no body (the Content-Length set here is dropped by hyco-https)
//     POST/PUT      -> 200, the request body echoed, plus x-received-length
//     ?status=N&reason=R on any method -> that status and reason instead of 200 (no body)
//   silent: never answers.
// Prints "listening" once the control channel is up, "request <method> <url>" per request and
// "error: ..." per failure; exits 3 after maxErrors errors (hyco-https reconnects forever).
const https = require('hyco-https');
const url = require('url');

const [listenUrl, keyName, key, modeArg, maxErrorsArg] = process.argv.slice(2);
const mode = modeArg || 'echo';
const maxErrors = Number(maxErrorsArg || 20);
let errors = 0;

function pattern(size) {
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    body[i] = i % 251;
  }
  return body;
}

const server = https.createRelayedServer({
  server: listenUrl,
  token: () => https.createRelayToken(listenUrl, keyName, key)
}, (req, res) => {
  console.log('request ' + req.method + ' ' + req.url);
  if (mode === 'silent') {
    return;
  }
  const query = url.parse(req.url, true).query;
  if (query.status) {
    res.writeHead(Number(query.status), query.reason || undefined, {'x-listener': 'hyco-https'});
    res.end();
    return;
  }
  if (req.method === 'GET' && query.size !== undefined) {
    const body = pattern(Number(query.size));
    res.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': body.length});
    // hyco-https never sends a response ended with an empty buffer: end without one.
    res.end(body.length > 0 ? body : undefined);
  } else if (req.method === 'GET') {
    res.writeHead(200, {'content-type': 'application/json'});
    res.end(JSON.stringify({method: req.method, url: req.url, headers: req.headers}));
  } else if (req.method === 'HEAD') {
    res.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': Number(query.size || 0)});
    res.end();
  } else {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, {'content-type': 'application/octet-stream', 'x-received-length': String(body.length)});
      res.end(body.length > 0 ? body : undefined);
    });
  }
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
server.listen();
process.stdin.on('end', () => { server.close(); process.exit(0); });
process.stdin.resume();
