// The Cesce emulator's raw capacity for the sales declarations a sync sends: one token from the
// emulator's token endpoint, then every body of BODIES_FILE POSTed once (each a new declaration)
// with autocannon at CONCURRENCY connections, one request in flight per connection. Prints one
// JSON line: { requests, ok, non2xx, errors, timeouts, ms, perSecond, latencyMs: {p50, p99}, expiresIn }.
//
// Usage: node bench/workers/raw-declare.mjs BASE_URL BODIES_FILE CONCURRENCY
//   BODIES_FILE: { tokenPath, form, salesPath, bodies: [json string, …] } (see bench/suites/sync.mjs)
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [baseUrl, bodiesFile, concurrencyArg] = process.argv.slice(2);
const { tokenPath, form, salesPath, bodies } = JSON.parse(readFileSync(bodiesFile, 'utf8'));
const concurrency = Number(concurrencyArg);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`CONCURRENCY must be a positive whole number, not '${concurrencyArg}'`);

const res = await fetch(new URL(tokenPath, baseUrl), {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: new URLSearchParams(form).toString(),
});
if (!res.ok) throw new Error(`token request to ${tokenPath} answered HTTP ${res.status}`);
const { access_token: token, expires_in: expiresIn } = await res.json();

let next = 0;
const started = performance.now();
const result = await autocannon({
  url: baseUrl,
  connections: concurrency,
  pipelining: 1,
  amount: bodies.length,
  timeout: 30,
  requests: [
    {
      method: 'POST',
      path: salesPath,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      // A distinct body per request: every POST is a new declaration, as in the sync.
      setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
    },
  ],
});
const ms = performance.now() - started;
const ok = result['2xx'];
console.log(
  JSON.stringify({
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ms,
    perSecond: ok / (ms / 1000),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    expiresIn,
  }),
);
