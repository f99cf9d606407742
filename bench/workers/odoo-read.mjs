// Reads every posted customer invoice and credit note of company 1 from an Odoo server through
// the connector (streamed page by page) and prints one JSON line:
//   { documents, debtors, ms, erpCalls, pages, maxRssMb, protocol }
// Usage: node bench/workers/odoo-read.mjs URL PROTOCOL PAGE_SIZE
import { createOdooSource, connectOdooTransport, setupOdoo } from '@cesce-connect/connector-odoo';
import { GENERATED } from '@cesce-connect/connector-odoo/testing';

const [url, protocol = 'auto', pageSize = '500'] = process.argv.slice(2);
const options = { url, database: GENERATED.database, username: GENERATED.login, password: GENERATED.password, protocol };
const { transport } = await connectOdooTransport(options);
// A generated database is a fresh Odoo: create the connector's fields first, as an admin would.
await transport.authenticate();
await setupOdoo(transport, {});
let erpCalls = 0;
const counted = new Proxy(transport, {
  get(target, prop) {
    if (prop === 'executeKw') return (...args) => (erpCalls++, target.executeKw(...args));
    const v = Reflect.get(target, prop, target);
    return typeof v === 'function' ? v.bind(target) : v;
  },
});
const source = createOdooSource({ ...options, companyId: GENERATED.companyId, pageSize: Number(pageSize) }, { transport: counted });
await source.connect();
const setupCalls = erpCalls;
const started = performance.now();
let documents = 0;
for await (const _ of source.documents()) documents++;
const ms = performance.now() - started;
const readCalls = erpCalls - setupCalls;
await source.close();
console.log(JSON.stringify({ documents, ms, erpCalls: readCalls, setupCalls, maxRssMb: process.resourceUsage().maxRSS / 1024, protocol: transport.protocol }));
