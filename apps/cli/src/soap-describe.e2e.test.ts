/**
 * `cesce soap describe` against the SAP emulator's WSDL, as an integrator writing a profile
 * would run it: basic auth from an environment variable, never on the command line.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSoapErpEmulator, type SoapErpEmulator } from '@cesce-connect/connector-soap-erp/testing';
import { root, runCli } from './test-support.js';

let sap: SoapErpEmulator;
beforeAll(async () => {
  sap = await startSoapErpEmulator({ preset: 'sap-bapi', dataFile: join(root, 'examples/demo/sap-dataset.json') });
});
afterAll(() => sap.close());

const wsdl = () => `${sap.url}/sap/bc/srt/rfc/sap/zbapi_customer_getdetail2/100/zbapi_customer_getdetail2/zbapi_customer_getdetail2_bind?wsdl`;

const describeWsdl = (args: string[], env: Record<string, string> = {}) => runCli(['soap', 'describe', wsdl(), ...args], env);

describe('cesce soap describe', () => {
  it('prints the operation and its element tree, with the password taken from the environment', async () => {
    const run = await describeWsdl(['--username', 'CESCE_RFC', '--password-env', 'SAP_PW'], { SAP_PW: 'demo-sap-password' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('BAPI_CUSTOMER_GETDETAIL2');
    expect(run.stdout).toContain('CUSTOMERNO');
    expect(run.stdout).toContain('CUSTOMERADDRESS');
    expect(run.stdout).not.toContain('demo-sap-password');
  });

  it('says the WSDL needs credentials when they are missing, naming the URL without secrets', async () => {
    const run = await describeWsdl([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/401|credentials|refused/i);
    expect(run.stderr).toContain(sap.url);
  });
});
