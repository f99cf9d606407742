import { dirname } from 'node:path';
import type { ErpSource } from '@cesce-connect/core';
import { createOdooSource } from '@cesce-connect/connector-odoo';
import { createSoapErpSource, loadProfile } from '@cesce-connect/connector-soap-erp';
import type { Config } from './config.js';

/** The ERP source a config names: its `odoo` or its `soapErp` section (the schema allows exactly one). */
export function sourceFromConfig(config: Pick<Config, 'odoo' | 'soapErp'> & { file: string }): ErpSource {
  if (config.odoo) return createOdooSource(config.odoo);
  const soap = config.soapErp!;
  const profile = loadProfile(soap.profile, dirname(config.file));
  return createSoapErpSource({
    profile,
    connection: {
      baseUrl: soap.baseUrl,
      auth: soap.auth,
      timeoutMs: soap.timeoutMs,
      soapVersion: soap.soapVersion,
      encoding: soap.encoding,
    },
    company: { id: soap.company.id, name: soap.company.name, taxCode: soap.company.taxCode ?? null, currency: soap.company.currency },
  });
}
