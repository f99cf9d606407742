/**
 * Values from the packages that the command definitions show in `--help` (check ids, emulator
 * presets, demo credentials, API names). Importing the packages themselves costs ~200 ms (zod
 * schemas, the knowledge base, SOAP and SQLite libraries), far too much for `cesce --help`.
 *
 * Read through this module, they cost nothing in the built CLI: the build (tsup.config.ts,
 * `snapshotHelpFacts`) runs this module once and puts its exports into dist as plain JSON literals,
 * so dist/cesce.js does not import the packages to print help. Run from source (vitest, tsc), it
 * imports them as written here. Only plain JSON data may be exported (the build fails otherwise),
 * and nothing machine-specific such as an absolute path (it would be frozen at build time).
 *
 * A command whose help needs another value from a package: export it from here, and read it from
 * here in its definition under src/commands/.
 */
import { API_BASE_PATHS } from '@cesce-connect/core';
import { ALL_CHECKS, GROUP_TITLES } from '@cesce-connect/diagnostics';
import { GENERATED } from '@cesce-connect/connector-odoo/testing';
import { SAP_DEMO_USER, SOAP_ERP_EMULATOR_PRESETS, SOAP_ERP_PITFALLS } from '@cesce-connect/connector-soap-erp/testing';

/** `cesce diagnose`: every check, in run order, with its group and the groups' titles. */
export const DIAGNOSE_CHECKS: readonly { id: string; group: keyof typeof GROUP_TITLES }[] = ALL_CHECKS.map((c) => ({ id: c.id, group: c.group }));
export const DIAGNOSE_GROUP_TITLES: Readonly<Record<keyof typeof GROUP_TITLES, string>> = { ...GROUP_TITLES };

/** `cesce spec check --api`: the Cesce APIs. */
export const API_NAMES: readonly (keyof typeof API_BASE_PATHS)[] = Object.keys(API_BASE_PATHS) as (keyof typeof API_BASE_PATHS)[];

/** `cesce emulate odoo`: the login of a generated database. */
export const ODOO_GENERATED_LOGIN: { readonly database: string; readonly login: string; readonly password: string } = {
  database: GENERATED.database,
  login: GENERATED.login,
  password: GENERATED.password,
};

/** `cesce emulate soap-erp`: presets, the SAP demo user, and the pitfalls per preset. */
export const SOAP_ERP_PRESETS: readonly string[] = [...SOAP_ERP_EMULATOR_PRESETS];
export const SAP_DEMO_LOGIN: { readonly username: string; readonly password: string } = { ...SAP_DEMO_USER };
export const SOAP_ERP_PITFALL_NAMES: Readonly<Record<'sap-bapi' | 'dynamics-nav', readonly string[]>> = {
  'sap-bapi': [...SOAP_ERP_PITFALLS['sap-bapi']],
  'dynamics-nav': [...SOAP_ERP_PITFALLS['dynamics-nav']],
};
