import { API_BASE_PATHS, type ApiName } from '../environments.js';
import { flattenSchema } from './compare.js';
import { ourOperations, type JsonSchema } from './operations.js';

/**
 * The fidelity table: for every operation we call and every field we send or read, whether it is
 * published (and where) or [inferred]. Tags follow the reference (shared/reference/cesce-api.md §0).
 * The table is generated from `ourOperations()`, so it cannot drift from the schemas; FIDELITY.md is
 * its rendering (checked by fidelity.test.ts).
 */
export type SourceTag = 'portal' | 'support-page' | 'third-party-client' | 'seed' | 'inferred';
export type FidelityFieldLocation = 'body' | 'query' | 'response';

export interface FidelityField {
  location: FidelityFieldLocation;
  /** Dotted path, `[]` marks array items, e.g. `debtor[].endorsementNo`. */
  name: string;
  source: SourceTag;
}

export interface FidelityRow {
  operation: string;
  method: 'GET' | 'POST';
  /** API base path below the catalog, e.g. `sales/v1`. */
  basePath: string;
  basePathSource: SourceTag;
  /** Path below the base path, e.g. `/contracts/{contractNo}/sales`. */
  path: string;
  /** Source of the method + path below the base path. */
  pathSource: SourceTag;
  pathNote?: string | undefined;
  fields: FidelityField[];
}

/** Base paths: only `oauth2` and `portfolio-movements` are published (§1.2, §1.3). */
const BASE_PATH_SOURCE: Record<ApiName, SourceTag> = {
  oauth2: 'portal',
  movements: 'portal',
  classifications: 'inferred',
  sales: 'inferred',
  collections: 'inferred',
  claims: 'inferred',
  financial: 'inferred',
};

/** Operations whose method + path (below the base path) are not published as we call them (§4.5, §8, §9). */
const INFERRED_PATHS: Record<string, string> = {
  'claims.dossier': 'published as `/contracts/{contractNo}/ dossiers/{dossierNo}` (stray space); normalisation [inferred]',
  'claims.recoveries': 'published as `/contracts/{contractNo}/dossiers{dossierNo}/recoveries` (missing `/`); normalisation [inferred]',
  'claims.uploadDocument': 'only the prefix `POST /con…` of "Contribution of documents" is published',
  'financial.request': 'no public Financial API (§9)',
  'financial.list': 'no public Financial API (§9)',
  'financial.status': 'no public Financial API (§9)',
  'financial.answerConditions': 'no public Financial API (§9)',
};

/** Field names published anywhere, whatever the operation (§4.2, §5.2, §5.3). The name is attested, its position per operation is not. */
const PUBLISHED_NAMES: Record<string, SourceTag> = {
  saleCesceReferenceNo: 'support-page',
  maturityAmount: 'support-page',
  endorsementNo: 'support-page',
  customerReference: 'support-page',
  nonPaymentInd: 'seed',
};

/** Movements debtor record fields as the real client reads them (§4.4). */
const MOVEMENTS_DEBTOR_FIELDS = [
  'countryCode', 'taxCode', 'endorsementNo', 'customerReference', 'companyName', 'address', 'city', 'state',
  'postalCode', 'phoneNo', 'email', 'creditLimitRequested', 'paymentMethodRequestedCode', 'paymentTermsRequested',
  'currencyCode', 'creditLimitGranted', 'commercialRiskCoverPct', 'politicalRiskCoverPct', 'paymentMethodGrantedCode',
  'paymentTermsGranted', 'commercialRiskGroupCode', 'politicalRiskGroupCode', 'classificationDecisionCode', 'statusCode',
  'cesceCode', 'requestEntryDate', 'effectiveDate', 'cancellationDate', 'validityDate', 'classificationDate',
  'validityReasonCode', 'commentsInd',
] as const;

/** Fields published at a precise position of one operation: `location:name` → tag. */
const POSITIONED: Record<string, Record<string, SourceTag>> = {
  'movements.list': Object.fromEntries<SourceTag>([
    ['query:languageCode', 'third-party-client'],
    ['query:nextEndorsementNo', 'third-party-client'],
    ...['error', 'error.errorCode', 'error.errorDescription', 'client', 'client.contractNo', 'client.nextEndorsementNo', 'debtor']
      .map((n): [string, SourceTag] => [`response:${n}`, 'third-party-client']),
    ...MOVEMENTS_DEBTOR_FIELDS.map((n): [string, SourceTag] => [`response:debtor[].${n}`, 'third-party-client']),
  ]),
  // Required list `["client", "sale", "collectionDat…` (§4.3); the third entry completed.
  'collections.create': { 'body:client': 'portal', 'body:sale': 'portal', 'body:collectionDate': 'portal' },
};

/** The token endpoint (formData, not in `ourOperations()`), mirroring auth/token-provider.ts (§2). */
const OAUTH_ROW: FidelityRow = {
  operation: 'oauth.token',
  method: 'POST',
  basePath: API_BASE_PATHS.oauth2,
  basePathSource: 'portal',
  path: '/token',
  pathSource: 'portal',
  fields: [
    ...['grant_type', 'client_id', 'client_secret', 'scope', 'username', 'password'].map(
      (name): FidelityField => ({ location: 'body', name, source: 'portal' }),
    ),
    { location: 'response', name: 'access_token', source: 'portal' },
    { location: 'response', name: 'token_type', source: 'third-party-client' },
    { location: 'response', name: 'expires_in', source: 'third-party-client' },
    { location: 'response', name: 'scope', source: 'inferred' },
  ],
};

/** APIs with nothing public: every field is [inferred], even a published name such as `saleCesceReferenceNo` (§9). */
const ALL_INFERRED: ReadonlySet<ApiName> = new Set<ApiName>(['financial']);

const leafName = (dotted: string): string => dotted.slice(dotted.lastIndexOf('.') + 1).replace(/\[\]$/, '');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldsOf(api: ApiName, operation: string, location: FidelityFieldLocation, schema: JsonSchema | undefined): FidelityField[] {
  if (!schema) return [];
  const names = ALL_INFERRED.has(api) ? {} : PUBLISHED_NAMES;
  const flat = flattenSchema(schema, (s: unknown) => (isObject(s) ? s : undefined)) ?? {};
  return Object.keys(flat).map((name) => ({
    location,
    name,
    source: POSITIONED[operation]?.[`${location}:${name}`] ?? names[leafName(name)] ?? 'inferred',
  }));
}

/** Every operation we call (the token endpoint first), with the source of its path and of each field. */
export function fidelityTable(): FidelityRow[] {
  const rows = ourOperations().map((op): FidelityRow => {
    const note = INFERRED_PATHS[op.id];
    return {
      operation: op.id,
      method: op.method,
      basePath: op.basePath,
      basePathSource: BASE_PATH_SOURCE[op.api],
      path: op.path,
      pathSource: note ? 'inferred' : 'portal',
      ...(note ? { pathNote: note } : {}),
      fields: [
        ...fieldsOf(op.api, op.id, 'body', op.request),
        ...fieldsOf(op.api, op.id, 'query', op.query),
        ...fieldsOf(op.api, op.id, 'response', op.response),
      ],
    };
  });
  return [{ ...OAUTH_ROW, fields: OAUTH_ROW.fields.map((f) => ({ ...f })) }, ...rows];
}

const tag = (t: SourceTag) => `[${t}]`;
const code = (s: string) => `\`${s}\``;

/** FIDELITY.md: a summary table, then every operation's fields with their tags. */
export function renderFidelityMarkdown(rows: readonly FidelityRow[] = fidelityTable()): string {
  const out: string[] = [
    '# Fidelity table',
    '',
    '<!-- Generated from packages/core/src/spec/fidelity.ts. Do not edit by hand; regenerate with',
    '     UPDATE_FIDELITY=1 pnpm exec vitest run packages/core/src/spec/fidelity.test.ts -->',
    '',
    'Every operation the client calls and every field it sends or reads, with where it comes from.',
    'Tags are those of the API reference: **[portal]** Cesce developer portal, **[support-page]** Cesce',
    'integration support page, **[third-party-client]** the open-source CesceSync client (Movements only),',
    '**[seed]** the project seed, **[inferred]** a design assumption of ours.',
    '',
    '- *Base path* is the API path below the catalog; only `oauth2/v1` and `portfolio-movements/v1` are published.',
    '- *Path source* is the source of the method and the path below the base path.',
    '- A field tag attests the field **name**. Names published without an operation (`saleCesceReferenceNo`,',
    '  `maturityAmount`, `endorsementNo`, `customerReference`, `nonPaymentInd`) keep their tag wherever they',
    '  appear, though their position there is inferred (except in the Financial API, where everything is inferred). Movements fields are tagged at their observed position;',
    '  the same names elsewhere are [inferred]. Path parameters are part of the path.',
    '',
    '## Summary',
    '',
    '| Operation | Method | Base path | Path | Path source | Fields published | Fields inferred |',
    '|---|---|---|---|---|---:|---:|',
  ];
  for (const r of rows) {
    const published = r.fields.filter((f) => f.source !== 'inferred').length;
    out.push(
      `| ${code(r.operation)} | ${r.method} | ${code(r.basePath)} ${tag(r.basePathSource)} | ${code(r.path)} | ${tag(r.pathSource)} | ${published} | ${r.fields.length - published} |`,
    );
  }
  const all = rows.flatMap((r) => r.fields);
  const published = all.filter((f) => f.source !== 'inferred').length;
  out.push('', `${rows.length} operations, ${all.length} fields: ${published} published, ${all.length - published} inferred.`);
  for (const r of rows) {
    out.push('', `## ${code(r.operation)}`, '', `${r.method} ${code(`${r.basePath}${r.path}`)}. Base path ${tag(r.basePathSource)}, path ${tag(r.pathSource)}.`);
    if (r.pathNote) out.push('', `Path: ${r.pathNote}.`);
    out.push('');
    if (r.fields.length === 0) {
      out.push('No fields.');
      continue;
    }
    out.push('| Location | Field | Source |', '|---|---|---|');
    for (const f of r.fields) out.push(`| ${f.location} | ${code(f.name)} | ${tag(f.source)} |`);
  }
  return `${out.join('\n')}\n`;
}
