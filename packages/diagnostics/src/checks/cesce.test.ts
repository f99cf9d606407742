/**
 * The credential, scope, contract and policy checks against the real Cesce emulator: each fault is
 * provoked by the config or the emulator's data, and the report must name it with its fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_FILE, DEFAULT_SANDBOX_MODEL_FILE, loadSandboxData, type SandboxData } from '@cesce-connect/sandbox';
import { resultOf, startDemoSetup, type DemoSetup } from '../test-support.js';
import type { DiagnosisOutcome } from '../types.js';

/** Only the checks of this file (and what they need): no ERP checks. */
const ONLY = { only: ['auth', 'contract', 'policy'] };

const PRE_USER = { username: 'demo-user', password: 'demo-pre-password' } as const;

/** The demo data, changed by `edit` (the demo app is `applications[0]`). */
function demoData(edit: (data: SandboxData) => void = () => {}): SandboxData {
  const data = loadSandboxData(DEFAULT_DATA_FILE);
  edit(data);
  return data;
}

/** The demo app with a PRE/PRO username and password. */
const withPreUser = (data: SandboxData): void => {
  Object.assign(data.applications[0]!, PRE_USER);
};

/** An application registered in PRE only (its own client id, secret, username and password). */
const withPreApp = (data: SandboxData): void => {
  data.applications.push({
    clientId: 'pre-app',
    clientSecret: 'pre-app-secret',
    username: 'pre-user',
    password: 'pre-password',
    scopes: ['create', 'read', 'update', 'delete'],
    products: ['oauth', 'classifications', 'sales'],
    policyholderTaxCode: data.applications[0]!.policyholderTaxCode,
    environments: ['pre'],
  });
};
const PRE_APP_SECRETS = { CESCE_CLIENT_SECRET: 'pre-app-secret', CESCE_PASSWORD: 'pre-password' };

/** Config fields for PRE or PRO at the given base URL, the password through the environment. */
const preConfig = (environment: 'pre' | 'pro', baseUrl: string) => ({
  environment,
  baseUrl,
  username: PRE_USER.username,
  password: 'env:CESCE_PASSWORD',
});

let setup: DemoSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

async function start(options: Parameters<typeof startDemoSetup>[0] = {}): Promise<DemoSetup> {
  setup = await startDemoSetup(options);
  return setup;
}

/** The token requests the emulator answered (other checks may send other requests). */
const tokenRequests = (s: DemoSetup) => s.cesce.requestLog.filter((l) => l.operation === 'token');

/** The report as JSON consumers get it: no secret may appear in it. */
function expectNoSecrets(outcome: DiagnosisOutcome, ...secrets: string[]): void {
  const json = JSON.stringify(outcome.report);
  for (const s of secrets) expect(json).not.toContain(s);
}

describe('auth.token', () => {
  it('passes on the demo setup and reports the token lifetime and granted scope; every Cesce check passes', async () => {
    const s = await start();
    const outcome = await s.run();
    const token = resultOf(outcome, 'auth.token');
    expect(token.status).toBe('pass');
    expect(token.observed).toContain('valid 3600 s');
    expect(token.observed).toContain('scope "create read update delete"');
    for (const id of ['auth.scopes', 'policy.access', 'policy.api.classifications', 'policy.api.sales']) {
      expect(resultOf(outcome, id).status, `${id}: ${resultOf(outcome, id).observed}`).toBe('pass');
    }
    expect(resultOf(outcome, 'policy.access').observed).toContain('Cesce accepted contract 34109150331');
    for (const id of ['policy.api.claims', 'policy.api.financial']) {
      expect(resultOf(outcome, id)).toMatchObject({ status: 'skipped', observed: 'not used by this installation (cesce.apis)' });
    }
    expect(resultOf(outcome, 'contract.lookup').status).toBe('skipped');
    expectNoSecrets(outcome, 'demo-client-secret');
    // The emulator saw requests, but no token value reached the report.
    expect(JSON.stringify(outcome.report)).not.toMatch(/access_token|Bearer [A-Za-z0-9_-]{20,}/);
  });

  it('wrong client secret: invalid_client with the client-credentials entry', async () => {
    const s = await start();
    const outcome = await s.run({}, { ...ONLY, env: { ...s.env, CESCE_CLIENT_SECRET: 'not-the-demo-secret' } });
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-401-client-credentials');
    expect(r.observed).toContain('401 invalid_client');
    expect(r.fix).toContain('CLIENT ID and CLIENT SECRET');
    expect(r.fix).toContain('cesce.clientSecret');
    expect(resultOf(outcome, 'auth.scopes')).toMatchObject({ status: 'skipped', skippedBecause: 'auth.token' });
    expect(resultOf(outcome, 'policy.access')).toMatchObject({ status: 'skipped', skippedBecause: 'auth.token' });
    expectNoSecrets(outcome, 'not-the-demo-secret');
  });

  it('unknown client id: invalid_client with the client-credentials entry', async () => {
    const s = await start();
    const outcome = await s.run({ cesce: { clientId: 'no-such-application' } }, ONLY);
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-401-client-credentials');
    expect(r.observed).toContain('the application is unknown or the secret does not match');
    expect(r.fix).toContain('from the Cesce portal');
  });

  it('PRE with a wrong password: invalid_grant with the oauth-credentials entry; the right one passes', async () => {
    const s = await start({ cesce: { environment: 'pre', data: demoData(withPreUser) } });
    const wrong = await s.run({ cesce: preConfig('pre', s.cesce.url) }, { ...ONLY, env: { ...s.env, CESCE_PASSWORD: 'not-the-password' } });
    const r = resultOf(wrong, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-400-oauth-credentials');
    expect(r.observed).toContain('accepted the client id and secret but refused the username or password');
    expect(r.fix).toContain('noreply@cesce.es for PRE');
    expectNoSecrets(wrong, 'not-the-password', 'demo-client-secret');

    const right = await s.run({ cesce: preConfig('pre', s.cesce.url) }, { ...ONLY, env: { ...s.env, CESCE_PASSWORD: PRE_USER.password } });
    expect(resultOf(right, 'auth.token').status).toBe('pass');
    expectNoSecrets(right, PRE_USER.password);
  });

  it('application not subscribed to the OAuth product: the product-subscription entry', async () => {
    const s = await start({
      cesce: { data: demoData((d) => (d.applications[0]!.products = d.applications[0]!.products.filter((p) => p !== 'oauth'))) },
    });
    const r = resultOf(await s.run({}, ONLY), 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-401-product-subscription');
    expect(r.observed).toContain('not subscribed to the OAuth product');
    expect(r.fix).toContain('choose the OAuth product, select your application');
  });

  it('a scope the application lacks: invalid_scope naming the scope the installation needs', async () => {
    const s = await start({ cesce: { data: demoData((d) => (d.applications[0]!.scopes = ['read'])) } });
    const r = resultOf(await s.run({}, ONLY), 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain("'create'");
    expect(r.data).toMatchObject({ refusal: 'invalid_scope', refusedScopes: ['create', 'update', 'delete'] });
    expect(r.fix).toContain('Ask for the scope create on your application in the Cesce portal');
    expect(r.kb).toBeDefined();
  });

  it('refused scopes the installation does not need: the fix narrows cesce.scope', async () => {
    const s = await start({ cesce: { data: demoData((d) => (d.applications[0]!.scopes = ['read', 'create'])) } });
    const r = resultOf(await s.run({}, ONLY), 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.fix).toContain('set cesce.scope to "create read"');
  });

  it('PRE credentials used against PRO are recognised through the PRE catalog of the same gateway', async () => {
    const s = await start({ cesce: { data: demoData(withPreApp) } });
    const outcome = await s.run(
      { cesce: { ...preConfig('pro', `${s.cesce.url}/pro`), clientId: 'pre-app', username: 'pre-user' } },
      { ...ONLY, env: { ...s.env, ...PRE_APP_SECRETS } },
    );
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('these are PRE credentials used against PRO');
    expect(r.data).toMatchObject({ issuedFor: 'pre' });
    expect(r.kb?.id).toBe('cesce-401-client-credentials');
    expect(r.fix).toContain('Use the PRO credentials');
    expect(r.fix).toContain('PRE and PRO have separate credentials');
    expect(r.fix).toContain(`cesce.environment "pre" and cesce.baseUrl ${s.cesce.url}/pre`);
    // Only the gateway's own catalogs were asked.
    expect(tokenRequests(s).map((l) => l.catalog)).toEqual(['pro', 'pre']);
    expectNoSecrets(outcome, 'pre-app-secret', 'pre-password');
  });

  it('--env pro on a PRE config: the PRE credentials are recognised and the fix offers --env pre', async () => {
    const s = await start({ cesce: { data: demoData(withPreApp) } });
    const outcome = await s.run(
      { cesce: { ...preConfig('pre', `${s.cesce.url}/pre`), clientId: 'pre-app', username: 'pre-user' } },
      { ...ONLY, environment: 'pro', env: { ...s.env, ...PRE_APP_SECRETS } },
    );
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('these are PRE credentials used against PRO');
    expect(r.fix).toContain('--env pre');
  });

  it('sandbox credentials used against PRE are recognised too', async () => {
    const s = await start({ cesce: { data: demoData((d) => (d.applications[0]!.environments = ['sandbox'])) } });
    const outcome = await s.run({ cesce: preConfig('pre', `${s.cesce.url}/pre`) }, { ...ONLY, env: { ...s.env, CESCE_PASSWORD: 'whatever-password' } });
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('these are sandbox credentials used against PRE');
    expect(r.data).toMatchObject({ issuedFor: 'sandbox' });
    expect(r.fix).toContain('Use the PRE credentials');
  });

  it('without a catalog in the base URL only that environment’s catalog on the same host is tried', async () => {
    const s = await start({ cesce: { environment: 'pro', data: demoData((d) => (d.applications[0]!.environments = ['pre'])) } });
    const outcome = await s.run({ cesce: preConfig('pro', s.cesce.url) }, { ...ONLY, env: { ...s.env, CESCE_PASSWORD: 'x-password' } });
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-401-client-credentials');
    expect(r.data?.issuedFor).toBeUndefined();
    expect(tokenRequests(s).map((l) => l.catalog)).toEqual([undefined, 'pro']);
  });

  it('a base URL without its catalog: the credentials are right, the catalog is what is missing', async () => {
    // The emulator's root acts as the sandbox; the PRE application exists in PRE only.
    const s = await start({ cesce: { data: demoData(withPreApp) } });
    const outcome = await s.run(
      { cesce: { ...preConfig('pre', s.cesce.url), clientId: 'pre-app', username: 'pre-user' } },
      { ...ONLY, env: { ...s.env, ...PRE_APP_SECRETS } },
    );
    const r = resultOf(outcome, 'auth.token');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('cesce.baseUrl lacks its catalog');
    expect(r.fix).toContain(`Set cesce.baseUrl to ${s.cesce.url}/pre`);
    expect(r.fix).not.toMatch(/Copy the CLIENT ID/);
    expectNoSecrets(outcome, 'pre-app-secret', 'pre-password');
  });
});

describe('auth.scopes', () => {
  it('fails when the granted scopes miss what the configured APIs need, naming the scope and the operations', async () => {
    const s = await start();
    const outcome = await s.run({ cesce: { scope: 'read' } }, ONLY);
    expect(resultOf(outcome, 'auth.token').status).toBe('pass');
    const r = resultOf(outcome, 'auth.scopes');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain("missing 'create'");
    expect(r.details?.join('\n')).toContain('classifications (classifications.create)');
    expect(r.details?.join('\n')).toContain('sales (sales.create)');
    expect(r.fix).toContain('Add create to cesce.scope');
  });

  it('derives the needs from the APIs used: financial needs update as well', async () => {
    const s = await start();
    const outcome = await s.run({ cesce: { scope: 'read create', apis: ['classifications', 'financial'] } }, ONLY);
    const r = resultOf(outcome, 'auth.scopes');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain("missing 'update'");
    expect(r.details).toEqual(['update: needed by financial (financial.answerConditions)']);
  });
});

describe('policy.access', () => {
  it('expired policy in PRE: the policy-expired entry with the PRE advice only', async () => {
    const s = await start({ cesce: { data: demoData(withPreUser) } });
    const outcome = await s.run(
      { cesce: { ...preConfig('pre', `${s.cesce.url}/pre`), contractNo: '38100029218' } },
      { ...ONLY, env: { ...s.env, CESCE_PASSWORD: PRE_USER.password } },
    );
    const r = resultOf(outcome, 'policy.access');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-400-policy-expired');
    expect(r.observed).toContain('the policy has expired');
    expect(r.fix).toContain('In PRE: ask Cesce’s Transformation team to update the policy’s expiry date');
    expect(r.fix).not.toContain('commercial agent');
    expect(resultOf(outcome, 'policy.api.sales')).toMatchObject({ status: 'skipped', skippedBecause: 'policy.access' });
  });

  it('expired policy in the sandbox: both the PRE and the PRO advice', async () => {
    const s = await start();
    const r = resultOf(await s.run({ cesce: { contractNo: '38100029218' } }, ONLY), 'policy.access');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-400-policy-expired');
    expect(r.fix).toContain('In PRE:');
    expect(r.fix).toContain('In PRO: ask your commercial agent');
  });

  it('policy of another policyholder in PRE: 403 with the not-registered entry, naming the environment', async () => {
    const s = await start({
      cesce: {
        data: demoData((d) => {
          withPreUser(d);
          d.applications[0]!.policyholderTaxCode = 'A28000001';
        }),
      },
    });
    const outcome = await s.run({ cesce: preConfig('pre', `${s.cesce.url}/pre`) }, { ...ONLY, env: { ...s.env, CESCE_PASSWORD: PRE_USER.password } });
    const r = resultOf(outcome, 'policy.access');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-403-policy-not-registered');
    expect(r.observed).toContain('403 POL003');
    expect(r.fix).toContain('register the policy in PRE for your company’s tax id');
  });

  it('a policy registered in PRO only is not registered in PRE', async () => {
    const s = await start({
      cesce: {
        data: demoData((d) => {
          withPreUser(d);
          d.policies[0]!.environments = ['pro'];
        }),
      },
    });
    const outcome = await s.run({ cesce: preConfig('pre', `${s.cesce.url}/pre`) }, { ...ONLY, env: { ...s.env, CESCE_PASSWORD: PRE_USER.password } });
    expect(resultOf(outcome, 'auth.token').status).toBe('pass');
    const r = resultOf(outcome, 'policy.access');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-403-policy-not-registered');
  });

  it('inactive policy: the check-policy entry', async () => {
    const s = await start({ cesce: { data: demoData((d) => (d.policies[0]!.inactive = true)) } });
    const r = resultOf(await s.run({}, ONLY), 'policy.access');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-400-check-policy');
    expect(r.fix).toContain('Transformation team');
  });
});

describe('policy.api.*', () => {
  it('app without the Sales product: sales fails with 401-1 while classifications passes', async () => {
    const s = await start({
      cesce: { data: demoData((d) => (d.applications[0]!.products = d.applications[0]!.products.filter((p) => p !== 'sales'))) },
    });
    const outcome = await s.run({}, ONLY);
    expect(resultOf(outcome, 'policy.access').status).toBe('pass');
    expect(resultOf(outcome, 'policy.api.classifications').status).toBe('pass');
    const r = resultOf(outcome, 'policy.api.sales');
    expect(r.status).toBe('fail');
    expect(r.kb?.id).toBe('cesce-401-product-subscription');
    expect(r.kb?.catalogueRef).toBe('401-1');
    expect(r.fix).toContain('Subscribe the application to the "Sales" product in the Cesce portal');
  });

  it('a token without the read scope: each read fails naming the scope; the policy cannot be checked', async () => {
    const s = await start();
    const outcome = await s.run({ cesce: { scope: 'create' } }, ONLY);
    expect(resultOf(outcome, 'policy.access').status).toBe('warn');
    const r = resultOf(outcome, 'policy.api.sales');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain("the token lacks the 'read' scope");
    expect(r.fix).toContain('Add read to cesce.scope');
  });

  it('claims and financial, when configured, are read too', async () => {
    const s = await start();
    const outcome = await s.run({ cesce: { apis: ['classifications', 'sales', 'claims', 'financial'] } }, ONLY);
    for (const api of ['classifications', 'sales', 'claims', 'financial']) {
      const r = resultOf(outcome, `policy.api.${api}`);
      expect(r.status, `${api}: ${r.observed}`).toBe('pass');
    }
    expect(resultOf(outcome, 'policy.api.claims').observed).toContain('claim-file list answered');
  });

  it('claims not configured: skipped, not used by this installation', async () => {
    const s = await start();
    const r = resultOf(await s.run({}, ONLY), 'policy.api.claims');
    expect(r).toMatchObject({ status: 'skipped', observed: 'not used by this installation (cesce.apis)' });
  });

  it("sandbox model: 404 with the sandbox-dataset entry (the remote sandbox answers only its data sets' requests)", async () => {
    const s = await start({ cesce: { mode: 'sandbox-model', model: DEFAULT_SANDBOX_MODEL_FILE } });
    const outcome = await s.run({}, ONLY);
    expect(resultOf(outcome, 'auth.token').status).toBe('pass');
    expect(resultOf(outcome, 'policy.access').status).toBe('warn');
    const r = resultOf(outcome, 'policy.api.classifications');
    expect(r.status).toBe('warn');
    expect(r.kb?.id).toBe('cesce-404-sandbox-dataset');
    expect(r.observed).toContain("the remote sandbox answers only the data sets' exact requests");
    expect(r.fix).toContain('cesce emulate cesce');
  });
});

describe('contract.lookup', () => {
  it("a policy number without modality: finds the candidate Cesce accepts (34109150331 for '09150331')", async () => {
    const s = await start();
    const outcome = await s.run({ cesce: { contractNo: '09150331' } }, ONLY);
    expect(resultOf(outcome, 'contract.format').status).toBe('fail');
    const r = resultOf(outcome, 'contract.lookup');
    expect(r.status).toBe('pass');
    expect(r.suggestion).toBe('34109150331');
    expect(r.fix).toBe('Set cesce.contractNo to 34109150331.');
    expect(r.details?.some((d) => d.startsWith('38109150331:') && d.includes('403'))).toBe(true);
    expect(resultOf(outcome, 'policy.access')).toMatchObject({ status: 'skipped', skippedBecause: 'contract.format' });
  });

  it('none of the candidates registered: fails saying so', async () => {
    const s = await start();
    const r = resultOf(await s.run({ cesce: { contractNo: '99999999' } }, ONLY), 'contract.lookup');
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('none of the candidates is registered for your credentials');
    expect(r.kb?.id).toBe('cesce-403-policy-not-registered');
    expect(r.fix).toContain('Copy the contract number from your policy documents');
  });

  it('a well-formed contract number: nothing to look up', async () => {
    const s = await start();
    const r = resultOf(await s.run({}, ONLY), 'contract.lookup');
    expect(r).toMatchObject({ status: 'skipped', observed: 'not needed: contract.format passed (the contract number is well-formed)' });
  });
});
