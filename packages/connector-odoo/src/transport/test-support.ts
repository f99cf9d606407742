/** Shared by the transport tests (not exported by the package). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ErpError } from '@cesce-connect/core';
import { FIXTURE, fixtureDataset } from '../__fixtures__/dataset.js';
import { startOdooEmulator, type OdooDataset, type OdooEmulator } from '../testing/index.js';

/** An API key for the fixture's "other" user (company 2 only), added by `datasetFor`. */
export const OTHER_API_KEY = 'other-api-key-9876543210';

/** Every secret of the fixture, none of which may appear in an error. */
export const SECRETS = [FIXTURE.password, FIXTURE.apiKey, FIXTURE.otherPassword, OTHER_API_KEY];

/**
 * An emulator of the fixture served as Odoo `version`, started before the file's tests and closed
 * after them; its HTML-answer switch is reset after each test. Returns the running emulator.
 */
export function emulatorFor(version: string): () => OdooEmulator {
  let emulator: OdooEmulator | undefined;
  beforeAll(async () => {
    emulator = await startOdooEmulator({ dataset: datasetFor(version) });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  afterEach(() => {
    if (emulator) emulator.htmlAnswer = undefined;
  });
  return () => emulator!;
}

/** The fixture dataset served as Odoo `version` (fields that version lacks left out). */
export function datasetFor(version: string): OdooDataset {
  const dataset = structuredClone(fixtureDataset());
  dataset.version = version;
  const major = Number.parseInt(version, 10);
  // nb_days/delay_type exist from 17 on; the transport tests do not read payment terms.
  if (major < 17) delete dataset.records['account.payment.term.line'];
  for (const user of dataset.users) if (user.login === 'other') user.apiKeys = [OTHER_API_KEY];
  return dataset;
}

export async function failure(promise: Promise<unknown>): Promise<ErpError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ErpError);
    return err as ErpError;
  }
  throw new Error('expected the call to fail');
}

/** Asserts that no secret appears in the message, hint, details or cause of `err`. */
export function expectNoSecret(err: ErpError, secrets: readonly string[]): void {
  const text = [err.message, err.hint ?? '', err.details ?? '', String((err as { cause?: unknown }).cause ?? '')].join('\n');
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** A throw-away HTTP server on loopback. */
export async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server that reads requests and never answers. */
export function silentServer(): ReturnType<typeof serve> {
  return serve((req) => {
    req.resume();
  });
}

/** A free loopback port with nothing listening on it. */
export async function closedPortUrl(): Promise<string> {
  const s = await serve(() => undefined);
  await s.close();
  return s.url;
}
