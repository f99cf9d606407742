import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cesceConfigSchema, checkContractNumber, MODALITIES, parseJsonText, resolveEnvReferences, zodIssues } from '@cesce-connect/core';
import { environmentToCheck } from '../catalogs.js';
import type { CesceApi, CheckDefinition, CheckOutcome, ConfigIssue, DiagnosticContext } from '../types.js';

/** Secret values of the `cesce` section. */
const CESCE_SECRET_PATHS = ['cesce.clientSecret', 'cesce.password'] as const;
/** Personal data of the `cesce` section (masked in the Markdown report). */
const CESCE_PERSONAL_PATHS = ['cesce.username'] as const;

/** A config value by dotted path. */
export function valueAt(value: unknown, path: string): unknown {
  let v = value;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function listIssues(issues: readonly ConfigIssue[]): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}

/** The config is read, is JSON, and every `env:`/`file:` reference resolves. */
const configFile: CheckDefinition = {
  id: 'config.file',
  group: 'config',
  title: 'Config file',
  needs: [],
  async run(ctx) {
    let raw = ctx.options.rawConfig;
    if (raw === undefined) {
      let text: string;
      try {
        text = readFileSync(ctx.configFile, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return {
          status: 'fail',
          observed: code === 'ENOENT' ? `${resolve(ctx.configFile)} does not exist` : `${resolve(ctx.configFile)} cannot be read (${code})`,
          fix: 'Pass the path of your cesce config file with --config (see examples/demo/cesce.config.json).',
        };
      }
      const parsed = parseJsonText(text);
      if (!parsed.ok) {
        return { status: 'fail', observed: `${ctx.configFile} is not valid JSON at ${parsed.message}`, fix: 'Correct the JSON syntax at the line and column given (text values in "double quotes").' };
      }
      raw = parsed.value;
    }
    if (!isObject(raw)) return { status: 'fail', observed: `${ctx.configFile} does not hold a JSON object`, fix: 'The config is one object with a cesce section and an ERP section.' };
    ctx.raw = raw;
    const missing: ConfigIssue[] = [];
    const resolved = resolveEnvReferences(raw, ctx.options.env ?? process.env, [], missing, {
      baseDir: dirname(resolve(ctx.configFile)),
      onValue: (path, source) => ctx.sources.set(path, source),
    }) as Record<string, unknown>;
    ctx.resolved = resolved;
    for (const path of CESCE_SECRET_PATHS) ctx.secret(asString(valueAt(resolved, path)));
    for (const path of ctx.options.erp?.secretPaths ?? []) ctx.secret(asString(valueAt(resolved, path)));
    for (const path of CESCE_PERSONAL_PATHS) ctx.personal(asString(valueAt(resolved, path)));
    const references = [...ctx.sources.values()].filter((s) => s !== 'inline').length;
    if (missing.length > 0) {
      return {
        status: 'fail',
        observed: `${missing.length} reference${missing.length === 1 ? '' : 's'} to the environment or to a file cannot be resolved`,
        details: listIssues(missing),
        fix: 'Set the environment variables named (e.g. in the scheduler that runs cesce), or create the files named.',
      };
    }
    return { status: 'pass', observed: `${ctx.configFile} read; ${references} value${references === 1 ? '' : 's'} taken from the environment or a file` };
  },
};

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The `cesce` section: every required value present and well-formed (the contract number has its own check). */
const configRequired: CheckDefinition = {
  id: 'config.required',
  group: 'config',
  title: 'Cesce settings',
  needs: ['config.file'],
  async run(ctx) {
    const section = ctx.resolved?.cesce;
    if (!isObject(section)) {
      return { status: 'fail', observed: 'the config has no cesce section', fix: 'Add a cesce section: environment, contractNo, clientId, clientSecret (and username/password in PRE and PRO).' };
    }
    // The contract number is judged by contract.format; a valid stand-in lets the other fields be
    // checked (and credentials tried) even when it is wrong.
    const contractNo = section.contractNo;
    const parsed = cesceConfigSchema.safeParse({ ...section, contractNo: '34100000000' });
    if (!parsed.success) {
      const issues = zodIssues(parsed.error, ['cesce']);
      return {
        status: 'fail',
        observed: `${issues.length} problem${issues.length === 1 ? '' : 's'} in the cesce section`,
        details: listIssues(issues),
        fix: 'Correct the values named. Secrets go in as "env:NAME" or "file:PATH", never written in the file.',
      };
    }
    const c = parsed.data;
    ctx.cesce = {
      environment: c.environment,
      baseUrl: c.baseUrl,
      contractNo: typeof contractNo === 'number' ? String(contractNo) : typeof contractNo === 'string' ? contractNo : '',
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      username: c.username,
      password: c.password,
      scope: c.scope,
      timeoutMs: c.timeoutMs,
      apis: [...new Set(c.apis)] as CesceApi[],
      tlsCa: c.tlsCa,
    };
    const override = ctx.options.environment;
    if (override && (override === 'pre' || override === 'pro') && !(c.username && c.password)) {
      return {
        status: 'fail',
        observed: `checking ${override.toUpperCase()} (--env), but the config has no username and password`,
        fix: `PRE and PRO need the username and password Cesce sends by e-mail from noreply@cesce.es for ${override.toUpperCase()}; add cesce.username and cesce.password (as env:NAME).`,
      };
    }
    try {
      ctx.environment = environmentToCheck(c.environment, c.baseUrl, override);
    } catch (error) {
      return { status: 'fail', observed: (error as Error).message, fix: 'Correct cesce.baseUrl.' };
    }
    const env = ctx.environment;
    const where = override && override !== c.environment ? ` (--env ${override}; the config says ${c.environment})` : '';
    // A base URL naming another environment's catalog: e.g. environment sandbox at …/pro.
    const catalog = c.baseUrl ? new URL(c.baseUrl).pathname.replace(/\/+$/, '').split('/').pop() : undefined;
    if (!override && c.environment !== 'custom' && catalog && ['sandbox', 'pre', 'pro'].includes(catalog) && catalog !== c.environment) {
      return {
        status: 'fail',
        observed: `cesce.environment is ${c.environment}, but cesce.baseUrl ${c.baseUrl} points at the ${catalog.toUpperCase()} catalog`,
        fix: `Make them agree: cesce.environment "${catalog}" for ${c.baseUrl}, or a base URL ending in /${c.environment} for ${c.environment}.`,
      };
    }
    return {
      status: 'pass',
      observed: `${env.name.toUpperCase()} at ${env.baseUrl}${where}; APIs used: ${ctx.cesce.apis.join(', ')}`,
      data: { environment: env.name, baseUrl: env.baseUrl, apis: ctx.cesce.apis },
    };
  },
};

/** The ERP and sync sections, through the tool's own schemas (the CLI's, a web page's…). */
const configErp: CheckDefinition = {
  id: 'config.erp',
  group: 'config',
  title: 'ERP settings',
  needs: ['config.file'],
  skipWhen: (ctx) => (ctx.options.erp ? undefined : 'no ERP given to check (library call without ERP hooks)'),
  async run(ctx) {
    const loaded = ctx.options.erp!.load(ctx.resolved!);
    if (!loaded.ok) {
      return {
        status: 'fail',
        observed: `${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'} in the ERP settings`,
        details: listIssues(loaded.issues),
        fix: 'Correct the values named (see the config reference: cesce sync --help).',
      };
    }
    ctx.erp.source = loaded.source;
    ctx.erp.ledgerFile = loaded.ledgerFile;
    const system = ctx.resolved?.odoo ? 'odoo' : ctx.resolved?.soapErp ? 'soapErp' : 'ERP';
    return { status: 'pass', observed: `the ${system} section is complete` };
  },
};

/** Secrets are references (environment, file), not written in the config file. */
const configSecrets: CheckDefinition = {
  id: 'config.secrets',
  group: 'config',
  title: 'Secrets kept out of the config file',
  needs: ['config.file'],
  after: ['config.required'],
  async run(ctx) {
    const paths = [...CESCE_SECRET_PATHS, ...(ctx.options.erp?.secretPaths ?? [])];
    const inline = paths.filter((p) => ctx.sources.get(p) === 'inline' && typeof valueAt(ctx.resolved, p) === 'string');
    const given = paths.filter((p) => ctx.sources.has(p));
    if (inline.length === 0) {
      return { status: 'pass', observed: given.length > 0 ? `${given.join(', ')} taken from the environment or a file` : 'no secret in the config' };
    }
    if (onlyLocalTargets(ctx)) {
      return {
        status: 'pass',
        observed: `${inline.join(', ')} written in the config file: acceptable for local emulators only`,
        fix: 'Before using real credentials, give them as "env:NAME" or "file:PATH".',
      };
    }
    // Production credentials written in a file that gets copied, shared and versioned block go-live.
    const environment = ctx.environment?.name ?? ctx.options.environment ?? valueAt(ctx.resolved, 'cesce.environment');
    return {
      status: environment === 'pro' ? 'fail' : 'warn',
      observed: `${inline.join(', ')} ${inline.length === 1 ? 'is' : 'are'} written in the config file${environment === 'pro' ? ' of a PRO installation' : ''}`,
      fix: 'Give each secret as "env:NAME" (an environment variable of the scheduler that runs cesce) or "file:PATH" (a file only the service user can read), so the config file can be shared with support and kept in version control.',
    };
  },
};

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Every URL of the config points at this machine: the demo and test setups. */
function onlyLocalTargets(ctx: DiagnosticContext): boolean {
  const urls: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string' && /(^|\.)(url|baseUrl)$/i.test(key)) urls.push(v);
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, key ? `${key}.${k}` : k);
  };
  walk(ctx.resolved, '');
  // No cesce.baseUrl means Cesce's own gateway.
  return typeof valueAt(ctx.resolved, 'cesce.baseUrl') === 'string' && urls.every(isLoopbackUrl);
}

/** Sandbox does not issue a username and password: given there, they are not needed. */
const sandboxCredentials: CheckDefinition = {
  id: 'config.sandbox-credentials',
  group: 'config',
  title: 'Credentials for the environment',
  needs: ['config.required'],
  async run(ctx) {
    const c = ctx.cesce!;
    const env = ctx.environment!.name;
    if (env === 'sandbox' && (c.username || c.password)) {
      return {
        status: 'warn',
        observed: `cesce.${c.username ? 'username' : 'password'} is set, but the sandbox does not use a username or password`,
        fix: 'Remove cesce.username and cesce.password for the sandbox: Cesce issues them only for PRE and PRO (by e-mail from noreply@cesce.es). If these are PRE or PRO credentials, this config points at the wrong environment.',
      };
    }
    if (env === 'sandbox') return { status: 'pass', observed: 'client id and secret only, as the sandbox expects' };
    if (env === 'custom') return { status: 'pass', observed: `custom environment: client id and secret${c.username ? ', username and password' : ''}` };
    return { status: 'pass', observed: `client id, secret, username and password given for ${env.toUpperCase()}` };
  },
};

/**
 * Candidate contract numbers for a malformed one: the same digits without separators, or the
 * policy number with each modality in front.
 */
export function contractCandidates(input: string): string[] {
  const compact = input.trim().replace(/[\s.\-/_]/g, '');
  if (!/^\d+$/.test(compact)) return [];
  const modalities = Object.keys(MODALITIES);
  if (compact.length === 11 && modalities.includes(compact.slice(0, 3))) return [compact];
  if (compact.length === 8) return modalities.map((m) => m + compact);
  if (compact.length === 11) return modalities.map((m) => m + compact.slice(3));
  return [];
}

const contractFormat: CheckDefinition = {
  id: 'contract.format',
  group: 'contract',
  title: 'Contract number format',
  needs: ['config.file'],
  async run(ctx): Promise<CheckOutcome> {
    const raw = valueAt(ctx.resolved, 'cesce.contractNo');
    const value = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
    if (!value.trim()) {
      return { status: 'fail', observed: 'cesce.contractNo is missing', fix: 'Set cesce.contractNo: the modality (341 Máster Oro Integral or 381 Póliza Clásica) followed by the 8-digit policy number, e.g. 34109150331.' };
    }
    const check = checkContractNumber(value);
    if (check.ok) {
      const c = check.contract;
      return {
        status: 'pass',
        observed: `${c.value}: modality ${c.modality} (${c.modalityName}), policy ${c.policyNumber}`,
        data: { contractNo: c.value, modality: c.modality, policyNumber: c.policyNumber },
      };
    }
    const candidates = contractCandidates(value);
    const fix =
      candidates.length === 1
        ? `Write it as ${candidates[0]}: modality and policy number together, without spaces or dashes.`
        : candidates.length > 1
          ? `Put the modality in front of the policy number: ${candidates.map((n) => `${n} (${MODALITIES[n.slice(0, 3) as keyof typeof MODALITIES]})`).join(' or ')}; your policy documents say which.${ctx.cesce ? ' contract.lookup asks Cesce which one your credentials can use.' : ''}`
          : 'Copy the contract number from your policy: 11 digits, the modality (341 or 381) followed by the 8-digit policy number, e.g. 34109150331.';
    return {
      status: 'fail',
      observed: `cesce.contractNo ${check.message}`,
      fix,
      ...(candidates.length === 1 ? { suggestion: candidates[0] } : {}),
      ...(candidates.length > 1 ? { details: candidates.map((n) => `candidate: ${n}`) } : {}),
      data: { problem: check.problem, candidates },
    };
  },
};

export const CONFIG_CHECKS: readonly CheckDefinition[] = [configFile, configRequired, configSecrets, sandboxCredentials, configErp, contractFormat];
