'use strict';
// The bench's second client stack (BenchMain, NodeStack): Node ws 8 with bufferutil.
//   node bench-ws.js listen           Hybrid Connections listeners that echo every message of every accepted
//                                     connection (RELAYSIM_URL: the listen URL, RELAYSIM_LISTENERS control channels)
//   node bench-ws.js load SCENARIO    connect-rate, throughput or latency against RELAYSIM_URL (a relay sender
//                                     URL or a plain echo WebSocket), checking every echo byte for byte
// RELAYSIM_TOKEN, when set, goes in the ServiceBusAuthorization header as the SDKs send it. Output: one JSON object
// per line on stdout: {"event":"ready"} (listen), {"event":"measuring"} and {"event":"stopped"} around the measured
// interval, then {"event":"measured","count":N,"bytes":B,"figures":{..}} once every connection has closed, or
// {"event":"failed","message":".."} (exit code 1). Standard input closing ends the process.
const WebSocket = require('ws');

const env = process.env;
const url = env.RELAYSIM_URL;
const headers = env.RELAYSIM_TOKEN ? { ServiceBusAuthorization: env.RELAYSIM_TOKEN } : {};
const options = { headers, perMessageDeflate: false };

function emit(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function fail(message) {
  emit({ event: 'failed', message: String(message) });
  process.exit(1);
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

function listen() {
  const count = Number(env.RELAYSIM_LISTENERS || 1);
  let open = 0;
  for (let i = 0; i < count; i++) {
    const control = new WebSocket(url, options);
    control.on('open', () => {
      if (++open === count) {
        emit({ event: 'ready', bufferutil: bufferutilLoaded() });
      }
    });
    control.on('message', (data) => {
      const command = JSON.parse(data.toString());
      if (command.accept) {
        const rendezvous = new WebSocket(command.accept.address, { perMessageDeflate: false });
        rendezvous.on('message', (message, isBinary) => rendezvous.send(message, { binary: isBinary }));
        rendezvous.on('error', (error) => fail('rendezvous ' + command.accept.id + ': ' + error.message));
      }
    });
    control.on('error', (error) => fail('control channel: ' + error.message));
    control.on('close', (code, reason) => fail('control channel closed: ' + code + ' ' + reason));
  }
}

function bufferutilLoaded() {
  try {
    require.resolve('bufferutil');
    return true;
  } catch (e) {
    return false;
  }
}

// Payloads: 4 bytes of sequence number, then a fixed pattern; every echo is compared with what was sent.
const size = Math.max(4, Number(env.RELAYSIM_SIZE || 64));
const pattern = Buffer.alloc(size);
for (let i = 0; i < size; i++) {
  pattern[i] = (i * 31 + 7) & 0xff;
}

function payload(sequence) {
  const buffer = Buffer.allocUnsafe(size);
  pattern.copy(buffer);
  buffer.writeUInt32BE(sequence >>> 0, 0);
  return buffer;
}

function check(data, sequence) {
  if (data.length !== size) {
    return 'an echo of ' + data.length + ' bytes, expected ' + size;
  }
  if (data.readUInt32BE(0) !== (sequence >>> 0)) {
    return 'echo ' + data.readUInt32BE(0) + ' arrived, expected ' + (sequence >>> 0) + ' (lost or reordered)';
  }
  if (data.compare(pattern, 4, size, 4, size) !== 0) {
    return 'echo ' + sequence + ' was corrupted';
  }
  return null;
}

function percentile(samples, p) {
  if (samples.length === 0) {
    return 0;
  }
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p / 100))];
}

const warmupMs = Number(env.RELAYSIM_WARMUP_MS || 0);
const durationMs = Number(env.RELAYSIM_DURATION_MS || 1000);
const MAX_SAMPLES = 1000000;

function phases(onMeasuring, onMeasured) {
  setTimeout(() => {
    emit({ event: 'measuring' });
    const start = process.hrtime.bigint();
    onMeasuring();
    setTimeout(() => {
      emit({ event: 'stopped' });
      onMeasured(Number(process.hrtime.bigint() - start) / 1e9);
    }, durationMs);
  }, warmupMs);
}

function connectRate() {
  const inFlight = Number(env.RELAYSIM_IN_FLIGHT || 16);
  let running = true;
  let measuring = false;
  let completed = 0;
  let cycles = [];
  let workers = inFlight;
  let figures = null;
  let measuredCount = 0;
  function cycle() {
    if (!running) {
      if (--workers === 0) {
        emit({ event: 'measured', count: measuredCount, bytes: 0, figures });
        process.exit(0);
      }
      return;
    }
    const started = process.hrtime.bigint();
    const socket = new WebSocket(url, options);
    let echoed = false;
    socket.on('open', () => socket.send(payload(0)));
    socket.on('message', (data) => {
      const problem = echoed ? 'an extra message arrived' : check(data, 0);
      if (problem) {
        fail(problem);
      }
      echoed = true;
      socket.close(1000);
    });
    socket.on('error', (error) => fail('a connection cycle failed: ' + error.message));
    socket.on('close', (code) => {
      if (!echoed || code !== 1000) {
        fail('the connection closed with ' + code + (echoed ? '' : ' before the echo'));
      }
      if (measuring) {
        completed++;
        if (cycles.length < MAX_SAMPLES) {
          cycles.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }
      cycle();
    });
  }
  for (let i = 0; i < inFlight; i++) {
    cycle();
  }
  phases(() => {
    measuring = true;
    completed = 0;
    cycles = [];
  }, (seconds) => {
    measuredCount = completed;
    figures = {
      'connections/s': completed / seconds,
      'cycle p50 ms': percentile(cycles, 50),
      'cycle p99 ms': percentile(cycles, 99),
    };
    running = false;
  });
}

function streams(window, latency) {
  const count = Number(env.RELAYSIM_CONNECTIONS || 1);
  const connections = [];
  let measuring = false;
  let stopping = false;
  let sent = 0;
  let received = 0;
  let roundTrips = [];
  let openCount = 0;
  let closed = 0;
  let figures = null;
  let measuredCount = 0;
  let measuredBytes = 0;
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(url, options);
    const state = { socket, next: 0, expected: 0, sentAt: [] };
    connections.push(state);
    const send = () => {
      state.sentAt.push(process.hrtime.bigint());
      socket.send(payload(state.next++));
      if (measuring) {
        sent++;
      }
    };
    socket.on('open', () => {
      for (let w = 0; w < window; w++) {
        send();
      }
      if (++openCount === count) {
        start();
      }
    });
    socket.on('message', (data) => {
      const problem = check(data, state.expected++);
      if (problem) {
        fail(problem);
      }
      const rtt = Number(process.hrtime.bigint() - state.sentAt.shift()) / 1e3;
      if (measuring) {
        received++;
        if (roundTrips.length < MAX_SAMPLES) {
          roundTrips.push(rtt);
        }
      }
      if (!stopping) {
        send();
      } else if (state.expected === state.next) {
        socket.close(1000);
      }
    });
    socket.on('error', (error) => fail('connection ' + i + ': ' + error.message));
    socket.on('close', (code) => {
      if (!stopping || code !== 1000) {
        fail('connection ' + i + ' closed with ' + code + (stopping ? '' : ' while in use'));
      }
      if (++closed === count) {
        emit({ event: 'measured', count: measuredCount, bytes: measuredBytes, figures });
        process.exit(0);
      }
    });
  }
  function start() {
    phases(() => {
      measuring = true;
      sent = 0;
      received = 0;
      roundTrips = [];
    }, (seconds) => {
      measuring = false;
      stopping = true;
      measuredCount = received;
      measuredBytes = (sent + received) * size;
      const mib = size / 1048576;
      figures = latency ? {
        'p50 us': percentile(roundTrips, 50),
        'p90 us': percentile(roundTrips, 90),
        'p99 us': percentile(roundTrips, 99),
        'p99.9 us': percentile(roundTrips, 99.9),
        'round trips/s': received / seconds,
      } : {
        'up MB/s': sent * mib / seconds,
        'down MB/s': received * mib / seconds,
        'up msg/s': sent / seconds,
        'down msg/s': received / seconds,
        'RTT p50 us': percentile(roundTrips, 50),
        'RTT p99 us': percentile(roundTrips, 99),
      };
      for (const state of connections) {
        if (state.expected === state.next) {
          state.socket.close(1000);
        }
      }
    });
  }
}

const mode = process.argv[2];
if (mode === 'listen') {
  listen();
} else if (mode === 'load') {
  const scenario = process.argv[3];
  if (scenario === 'connect-rate') {
    connectRate();
  } else if (scenario === 'throughput') {
    streams(Number(env.RELAYSIM_WINDOW || 16), false);
  } else if (scenario === 'latency') {
    streams(1, true);
  } else {
    fail('SCENARIO: ' + scenario + ' (expected: connect-rate, throughput or latency)');
  }
} else {
  fail('mode: ' + mode + ' (expected: listen or load)');
}
