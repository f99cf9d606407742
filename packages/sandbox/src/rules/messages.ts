/**
 * Every error the emulator answers, in ONE table: HTTP status, code, message template and the
 * knowledge-base entry (packages/core/src/knowledge-base/entries.ts) the message is written to
 * match. Cesce publishes no error messages ([seed] gives only the solutions and the 422 example
 * `'nonPaymentInd' is missing.`), so every code and text here is [inferred] unless noted.
 *
 * The business rules of an operation are checked in the order they appear below, except that the
 * record a request names (classification, sale) is looked up right after the body's shape is
 * checked, before the content rules about that record.
 *
 * Body formats:
 * - `business`: `{"error":{"errorCode":"<code>","errorDescription":"<message>"}}` (Movements envelope).
 * - `oauth`:    `{"error":"<code>","error_description":"<message>"}` (RFC 6749 §5.2).
 * - `gateway`:  `{"httpCode":"<status>","httpMessage":"<reason>","moreInformation":"<message>"}` (IBM API Connect).
 */
export type RuleBody = 'business' | 'oauth' | 'gateway';

export interface RuleDefinition {
  status: number;
  /** errorCode (business), OAuth2 `error` (oauth) or the status as text (gateway). */
  code: string;
  body: RuleBody;
  /** Gateway reason phrase. */
  httpMessage?: string;
  /** Message with `{placeholders}`. */
  message: string;
  /** Operations the rule applies to. */
  operations: readonly string[];
  /** The knowledge-base entry id this error must resolve to (`matchKnowledgeBase`). */
  kb: string;
  /** What triggers it, for the README. */
  when: string;
}

const ALL_API = [
  'classifications.query',
  'classifications.create',
  'classifications.activateDeactivate',
  'classifications.cancel',
  'classifications.acceptDenyPremium',
  'movements.list',
  'sales.create',
  'sales.list',
  'sales.consult',
  'sales.modify',
  'sales.subsidiaries',
  'collections.create',
  'claims.dossiers',
  'claims.dossier',
  'claims.nonPayments',
  'claims.nonPayment',
  'claims.declareNonPayment',
  'claims.settlements',
  'claims.settlement',
  'claims.unpaidSettlements',
  'claims.recoveries',
  'claims.documents',
  'claims.uploadDocument',
  'claims.processingSteps',
  'claims.recoveryProcedures',
  'claims.datesPendingSettlements',
  'financial.request',
  'financial.list',
  'financial.status',
  'financial.answerConditions',
] as const;

/** Claims operations on one dossier named in the path. */
const DOSSIER_OPS = [
  'claims.dossier',
  'claims.nonPayments',
  'claims.nonPayment',
  'claims.declareNonPayment',
  'claims.recoveries',
  'claims.documents',
  'claims.uploadDocument',
  'claims.processingSteps',
  'claims.recoveryProcedures',
  'claims.datesPendingSettlements',
] as const;

/** The operations that act on one classification, named by endorsementNo or requestNo. */
const CLASSIFICATION_OPS = ['classifications.activateDeactivate', 'classifications.cancel', 'classifications.acceptDenyPremium'] as const;

export const RULES = {
  // ---- token endpoint -------------------------------------------------------------------------
  unsupportedGrantType: {
    status: 400,
    code: 'unsupported_grant_type',
    body: 'oauth',
    message: 'The authorization grant type is not supported: send grant_type=password as application/x-www-form-urlencoded.',
    operations: ['token'],
    kb: 'cesce-400-generic',
    when: 'grant_type is not `password`',
  },
  invalidClient: {
    status: 401,
    code: 'invalid_client',
    body: 'oauth',
    message: 'Client authentication failed: invalid client_id or client_secret.',
    operations: ['token'],
    kb: 'cesce-401-client-credentials',
    when: 'unknown client_id or wrong client_secret; an application not registered in this catalog (`environments`)',
  },
  oauthNotSubscribed: {
    status: 401,
    code: '401',
    body: 'gateway',
    httpMessage: 'Unauthorized',
    message: 'The application is not subscribed to the OAuth product.',
    operations: ['token'],
    kb: 'cesce-401-product-subscription',
    when: "the application lacks the product 'oauth'",
  },
  invalidGrant: {
    status: 400,
    code: 'invalid_grant',
    body: 'oauth',
    message: 'Invalid username or password.',
    operations: ['token'],
    kb: 'cesce-400-oauth-credentials',
    when: 'environment pre/pro: username/password missing or wrong (ignored in sandbox)',
  },
  invalidScope: {
    status: 400,
    code: 'invalid_scope',
    body: 'oauth',
    message: "The requested scope '{scope}' is invalid, unknown, or exceeds the scopes granted to the application.",
    operations: ['token'],
    kb: 'cesce-400-generic',
    when: "a requested scope is not one of the application's scopes",
  },
  // ---- gateway ----------------------------------------------------------------------------------
  notFound: {
    status: 404,
    code: '404',
    body: 'gateway',
    httpMessage: 'Not Found',
    message: 'No resources match requested URI',
    operations: [],
    kb: 'cesce-404-sandbox-dataset',
    when: 'unknown path',
  },
  methodNotAllowed: {
    status: 405,
    code: '405',
    body: 'gateway',
    httpMessage: 'Method Not Allowed',
    message: 'The method {method} is not allowed for the requested URL.',
    operations: [],
    kb: 'cesce-405-method',
    when: 'known path, wrong method',
  },
  payloadTooLarge: {
    status: 413,
    code: '413',
    body: 'gateway',
    httpMessage: 'Payload Too Large',
    message: 'The request body exceeds {limit} bytes.',
    operations: [],
    kb: 'cesce-0-generic',
    when: 'request body larger than 1 MiB',
  },
  securityChecks: {
    status: 401,
    code: '401',
    body: 'gateway',
    httpMessage: 'Unauthorized',
    message:
      'Cannot pass the security checks that are required by the target API or operation, Enable debug headers for more details.',
    operations: ALL_API,
    kb: 'cesce-401-client-credentials',
    when: 'missing, unknown or expired Bearer token, or one issued in another catalog',
  },
  productNotSubscribed: {
    status: 401,
    code: '401',
    body: 'gateway',
    httpMessage: 'Unauthorized',
    message: 'The application is not subscribed to the product for this API.',
    operations: ALL_API,
    kb: 'cesce-401-product-subscription',
    when: "the token's application lacks the route's product: 'classifications', 'sales', 'movements', 'collections', 'claims' or 'financial'",
  },
  missingScope: {
    status: 403,
    code: '403',
    body: 'gateway',
    httpMessage: 'Forbidden',
    message: 'The token does not have the scope required by this operation.',
    operations: ALL_API,
    kb: 'cesce-403-policy-not-registered',
    when: 'token without the scope of the operation (GET read; create/declare create; modify, activate-deactivate, accept-deny-premium update; cancel delete)',
  },
  // ---- contract and policy (every API operation) -------------------------------------------
  contractFormat: {
    status: 400,
    code: 'CON001',
    body: 'business',
    message:
      "El número de contrato '{contractNo}' no tiene un formato válido: modalidad (341 o 381) y número de póliza juntos, sin espacios, por ejemplo 34109150331.",
    operations: ALL_API,
    kb: 'cesce-400-contract-format',
    when: 'contractNo fails `checkContractNumber` (core)',
  },
  policyNotRegistered: {
    status: 403,
    code: 'POL003',
    body: 'business',
    message: 'El contrato {contractNo} no está dado de alta para el NIF del tomador.',
    operations: ALL_API,
    kb: 'cesce-403-policy-not-registered',
    when: "contract unknown, not of the application's policyholder, or not registered in this catalog (`environments`)",
  },
  policyExpired: {
    status: 400,
    code: 'POL005',
    body: 'business',
    message: 'La póliza {contractNo} está vencida desde {expiryDate}.',
    operations: ALL_API,
    kb: 'cesce-400-policy-expired',
    when: 'today > policy expiryDate',
  },
  policyInactive: {
    status: 400,
    code: 'POL007',
    body: 'business',
    message: 'La póliza {contractNo} no es válida para operar.',
    operations: ALL_API,
    kb: 'cesce-400-check-policy',
    when: 'the policy is flagged `inactive: true` in the data',
  },
  debtorInconsistent: {
    status: 400,
    code: 'SYS001',
    body: 'business',
    message: 'Se ha producido un error técnico: los datos del deudor {taxCode} presentan una inconsistencia.',
    operations: ['classifications.query'],
    kb: 'cesce-400-support-review',
    when: 'a query finds a classification flagged `inconsistent: true` in the data',
  },
  // ---- request bodies and parameters --------------------------------------------------------
  missingField: {
    status: 422,
    code: 'VAL422',
    body: 'business',
    message: "'{field}' is missing.",
    operations: [
      'classifications.create',
      ...CLASSIFICATION_OPS,
      'sales.create',
      'sales.consult',
      'sales.modify',
      'collections.create',
      'claims.declareNonPayment',
      'claims.documents',
      'claims.uploadDocument',
      'financial.request',
      'financial.answerConditions',
    ],
    kb: 'cesce-422-missing-field',
    when: "a required field (`*_REQUIRED` order; `endorsementNo` when neither it nor `requestNo` names the classification; `nonPaymentInd` first on a non-payment declaration, the seed's example; `dossierNo` on the documents list) is absent, null or empty",
  },
  classificationInvalid: {
    status: 400,
    code: 'CLA009',
    body: 'business',
    message: 'No se ha podido procesar la solicitud: {detail}.',
    operations: ['classifications.create', ...CLASSIFICATION_OPS],
    kb: 'cesce-400-transformation',
    when: 'classification body violates the schema (format, e.g. `activeInd` not S/N), or amount not > 0',
  },
  queryInvalid: {
    status: 400,
    code: 'GEN009',
    body: 'business',
    message: 'No se ha podido procesar la solicitud: {detail}.',
    operations: ['classifications.query', 'sales.list', 'movements.list', 'claims.dossiers', 'financial.list'],
    kb: 'cesce-400-transformation',
    when: 'query parameters invalid (no debtor key; bad invoiceMonth/pageNo/pageSize; bad languageCode/nextEndorsementNo; dossiers: bad statusCode/pageNo/pageSize; financing requests: bad statusCode)',
  },
  saleInvalid: {
    status: 400,
    code: 'VEN009',
    body: 'business',
    message: 'Los datos de la venta no son válidos: {detail}.',
    operations: ['sales.create', 'sales.modify'],
    kb: 'cesce-400-sale-data',
    when: 'schema violation, invalid calendar date, dueDate before invoiceDate, zero amount, more than 2 decimals; modify: nothing to correct, endorsementNo changed, sign changed, maturityAmount outside a prórroga; prórroga: of a credit note, with correction fields, dueDate not after the original, maturityAmount ≤ 0',
  },
  collectionInvalid: {
    status: 400,
    code: 'COB009',
    body: 'business',
    message: 'Los datos del cobro no son válidos: {detail}.',
    operations: ['collections.create'],
    kb: 'cesce-400-sale-data',
    when: 'schema violation (client/sale without a key), invalid date, collectionDate after today or before invoiceDate, amount ≤ 0 or more than 2 decimals, sale of another debtor, a credit note, another currency',
  },
  // ---- classifications ---------------------------------------------------------------------
  classificationNotFound: {
    status: 400,
    code: 'CLA002',
    body: 'business',
    message: 'No existe una clasificación para el deudor indicado.',
    operations: ['classifications.query', ...CLASSIFICATION_OPS, 'collections.create'],
    kb: 'cesce-400-classification-required',
    when: 'query without a match; activate-deactivate / cancel / accept-deny-premium on an unknown endorsementNo/requestNo; collection for a debtor (client) without a suplemento (400, not 404, per the reference §4.1)',
  },
  duplicateClassification: {
    status: 400,
    code: 'CLA008',
    body: 'business',
    message: 'Ya existe una solicitud de clasificación para el deudor {taxCode}.',
    operations: ['classifications.create'],
    kb: 'cesce-400-adjust-to-policy',
    when: 'a classification not cancelled (66) nor denied (10) exists for taxCode + countryCode',
  },
  classificationCurrencyNotAllowed: {
    status: 400,
    code: 'POL008',
    body: 'business',
    message: 'La divisa {currency} no está permitida por las condiciones de la póliza.',
    operations: ['classifications.create'],
    kb: 'cesce-400-adjust-to-policy',
    when: "currencyCode not in the policy's currencies",
  },
  classificationStateConflict: {
    status: 400,
    code: 'CLA010',
    body: 'business',
    message: 'La clasificación {key} está en estado {state} y no admite esta operación.',
    operations: CLASSIFICATION_OPS,
    kb: 'cesce-400-classification-state',
    when: 'activate-deactivate on a classification not classified (2); cancel or accept-deny-premium on a cancelled (66) or denied (10) one',
  },
  premiumNotOffered: {
    status: 400,
    code: 'CLA011',
    body: 'business',
    message: 'La clasificación {key} no tiene una oferta de prima pendiente de aceptar o denegar.',
    operations: ['classifications.acceptDenyPremium'],
    kb: 'cesce-400-classification-state',
    when: "accept-deny-premium on a classification without `premium`, or whose premium is no longer 'offered'",
  },
  // ---- sales (declaration, in check order) ------------------------------------------------------
  saleWithoutClassification: {
    status: 400,
    code: 'CLA002',
    body: 'business',
    message: 'No existe una clasificación vigente para el deudor con suplemento {endorsementNo}.',
    operations: ['sales.create', 'sales.modify'],
    kb: 'cesce-400-classification-required',
    when: 'declaration or prórroga: no classification with that endorsementNo on the policy, or it is in progress (1), denied (10) or deactivated (activate-deactivate)',
  },
  endorsementsNotIncluded: {
    status: 400,
    code: 'POL006',
    body: 'business',
    message:
      'La póliza no incluye el suplemento de Endosos: no se admiten ventas sobre suplementos anulados o vencidos.',
    operations: ['sales.create', 'sales.modify'],
    kb: 'cesce-400-policy-conditions',
    when: 'declaration or prórroga: classification cancelled (66) or invoiceDate after its validityDate, and !options.endorsements',
  },
  currencyNotAllowed: {
    status: 400,
    code: 'POL008',
    body: 'business',
    message: 'La divisa {currency} no está permitida por las condiciones de la póliza.',
    operations: ['sales.create', 'sales.modify'],
    kb: 'cesce-400-adjust-to-policy',
    when: "declaration or correction: currencyCode not in the policy's currencies",
  },
  paymentTermTooLong: {
    status: 400,
    code: 'POL008',
    body: 'business',
    message: 'El plazo de pago de {days} días supera el plazo máximo de la póliza ({max} días).',
    operations: ['sales.create', 'sales.modify'],
    kb: 'cesce-400-adjust-to-policy',
    when: 'declaration or correction: dueDate − invoiceDate (days) > options.maxPaymentTermDays',
  },
  creditNotesNotIncluded: {
    status: 400,
    code: 'POL006',
    body: 'business',
    message: 'Las condiciones de la póliza no incluyen la declaración de abonos.',
    operations: ['sales.create'],
    kb: 'cesce-400-policy-conditions',
    when: 'negative amount and !options.creditNotes',
  },
  creditNoteWithoutSale: {
    status: 400,
    code: 'VEN010',
    body: 'business',
    message: 'No existe una venta previa en positivo para la factura {originalInvoiceNo} que compense el abono.',
    operations: ['sales.create'],
    kb: 'cesce-400-credit-note-order',
    when: 'negative amount without originalInvoiceNo, or no earlier positive sale of that invoice for the endorsementNo',
  },
  duplicateInvoice: {
    status: 400,
    code: 'VEN011',
    body: 'business',
    message: 'Ya existe una solicitud de declaración para la factura {invoiceNo}.',
    operations: ['sales.create', 'sales.modify'],
    kb: 'cesce-400-adjust-to-policy',
    when: 'same endorsementNo + invoiceNo + sign already declared (by another sale, for a correction) and options.rejectDuplicateInvoices (else recorded again)',
  },
  maturityAmountExceeded: {
    status: 400,
    code: 'VEN012',
    body: 'business',
    message:
      'Los datos de la venta no son válidos: el importe pendiente (maturityAmount) {maturityAmount} supera el importe de la factura original {invoiceNo} ({amount}).',
    operations: ['sales.modify'],
    kb: 'cesce-400-sale-data',
    when: 'prórroga whose maturityAmount is above the original sale amount (published rule: it may never exceed the original invoice)',
  },
  collectionExceedsOutstanding: {
    status: 400,
    code: 'COB010',
    body: 'business',
    message:
      'Los datos del cobro no son válidos: el importe cobrado {collectedAmount} supera el importe pendiente de la venta {saleCesceReferenceNo} ({outstanding}).',
    operations: ['collections.create'],
    kb: 'cesce-400-sale-data',
    when: 'collectedAmount > outstanding: sale amount (maturityAmount for a prórroga) − credit notes of its invoice − earlier collections − amounts moved to its prórrogas',
  },
  saleNotFound: {
    status: 404,
    code: 'VEN404',
    body: 'business',
    message: 'No se encuentra la venta {saleCesceReferenceNo}.',
    operations: ['sales.consult', 'sales.modify', 'collections.create', 'claims.declareNonPayment'],
    kb: 'cesce-404-sandbox-dataset',
    when: 'unknown saleCesceReferenceNo on this contract (collections: or no positive original sale of the debtor with that invoiceNo; non-payments: a sale of another policy is unknown too)',
  },
  // ---- claims ([inferred] codes and texts) ---------------------------------------------------------
  nonPaymentInvalid: {
    status: 400,
    code: 'SIN009',
    body: 'business',
    message: 'Los datos del impago no son válidos: {detail}.',
    operations: ['claims.declareNonPayment'],
    kb: 'cesce-400-sale-data',
    when: 'schema violation, `nonPaymentInd` not `S`, amount ≤ 0 or more than 2 decimals, another currency than the sale, a credit note, a sale of another debtor than the dossier, a closed dossier',
  },
  nonPaymentExceedsOutstanding: {
    status: 400,
    code: 'SIN010',
    body: 'business',
    message:
      'Los datos del impago no son válidos: el importe impagado {unpaidAmount} supera el importe pendiente de la venta {saleCesceReferenceNo} ({outstanding}).',
    operations: ['claims.declareNonPayment'],
    kb: 'cesce-400-sale-data',
    when: "`unpaidAmount` above the sale's outstanding amount (as for collections) minus the non-payments already declared on it",
  },
  documentInvalid: {
    status: 400,
    code: 'DOC009',
    body: 'business',
    message: 'No se ha podido procesar la solicitud: {detail}.',
    operations: ['claims.uploadDocument'],
    kb: 'cesce-400-transformation',
    when: 'upload body breaks the schema (e.g. `content` not base64), empty content, a closed dossier',
  },
  documentTooLarge: {
    status: 400,
    code: 'DOC010',
    body: 'business',
    message: 'El documento {fileName} ocupa {size} bytes y supera el tamaño máximo permitido ({max} bytes).',
    operations: ['claims.uploadDocument'],
    kb: 'cesce-400-adjust-to-policy',
    when: 'decoded content larger than `MAX_DOCUMENT_BYTES` (core, 512 KiB)',
  },
  dossierNotFound: {
    status: 404,
    code: 'SIN404',
    body: 'business',
    message: 'No se encuentra el expediente {dossierNo}.',
    operations: DOSSIER_OPS,
    kb: 'cesce-404-sandbox-dataset',
    when: 'unknown dossierNo on this contract (path, or `?dossierNo=` of the documents list); pre/pro: resolves to `cesce-404-real-data`',
  },
  nonPaymentNotFound: {
    status: 404,
    code: 'SIN405',
    body: 'business',
    message: 'No se encuentra el impago {internalNo} del expediente {dossierNo}.',
    operations: ['claims.nonPayment'],
    kb: 'cesce-404-sandbox-dataset',
    when: 'unknown internalNo in the dossier',
  },
  settlementNotFound: {
    status: 404,
    code: 'SIN406',
    body: 'business',
    message: 'No se encuentra la liquidación {settlementNo}.',
    operations: ['claims.settlement', 'claims.unpaidSettlements'],
    kb: 'cesce-404-sandbox-dataset',
    when: 'unknown settlementNo on this contract',
  },
  // ---- financial (everything [inferred]) ------------------------------------------------------------
  financingInvalid: {
    status: 400,
    code: 'FIN009',
    body: 'business',
    message: 'No se ha podido procesar la solicitud: {detail}.',
    operations: ['financial.request', 'financial.answerConditions'],
    kb: 'cesce-400-transformation',
    when: 'body breaks the schema (empty list, `conditionsAcceptedInd` not S/N), a sale listed twice, sales in different currencies',
  },
  financingNotIncluded: {
    status: 400,
    code: 'POL006',
    body: 'business',
    message: 'Las condiciones de la póliza no incluyen la financiación de facturas (Financial).',
    operations: ['financial.request'],
    kb: 'cesce-400-policy-conditions',
    when: 'the policy has no `financing` rules in the data file',
  },
  financingRequestNotFound: {
    status: 404,
    code: 'FIN404',
    body: 'business',
    message: 'No se encuentra la solicitud de financiación {requestNo}.',
    operations: ['financial.status', 'financial.answerConditions'],
    kb: 'cesce-404-sandbox-dataset',
    when: 'unknown requestNo on this contract',
  },
  financingNotPending: {
    status: 400,
    code: 'FIN010',
    body: 'business',
    message: 'La solicitud de financiación {requestNo} está en estado {status} y no admite esta operación.',
    operations: ['financial.answerConditions'],
    kb: 'cesce-400-financing-state',
    when: 'accepting or declining conditions of a request that is not `CONDITIONS` (already ACCEPTED, DENIED or DECLINED)',
  },
  // ---- emulator fault ----------------------------------------------------------------------------
  internalError: {
    status: 500,
    code: '500',
    body: 'business',
    message: 'Error interno del emulador: {detail}.',
    operations: [],
    kb: 'cesce-500-service-unavailable',
    when: 'a bug in the emulator',
  },
  // ---- injected faults (options.faults) ------------------------------------------------------------
  rateLimited: {
    status: 429,
    code: '429',
    body: 'gateway',
    httpMessage: 'Too Many Requests',
    message: 'Rate limit exceeded: {requests} requests per {perSeconds} s. Retry after {retryAfter} s.',
    operations: [],
    kb: 'cesce-429-rate-limit',
    when: '`faults.rateLimit`: more than N requests in a window of S seconds (answer carries `Retry-After`)',
  },
  serviceUnavailable: {
    status: 503,
    code: '503',
    body: 'gateway',
    httpMessage: 'Service Unavailable',
    message: 'The service is temporarily unavailable.',
    operations: [],
    kb: 'cesce-500-service-unavailable',
    when: '`faults.status5xxRate` (deterministic: every 1/rate-th API call)',
  },
} as const satisfies Record<string, RuleDefinition>;

export type RuleName = keyof typeof RULES;

/** Fills `{placeholders}`; a missing parameter is a programming error. */
export function formatMessage(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`message parameter '${key}' missing for template: ${template}`);
    return String(value);
  });
}

export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  rule: RuleName;
}

/** Builds the HTTP answer of a rule. */
export function ruleError(name: RuleName, params: Record<string, string | number> = {}): ErrorReply {
  const rule: RuleDefinition = RULES[name];
  const message = formatMessage(rule.message, params);
  let body: unknown;
  if (rule.body === 'business') body = { error: { errorCode: rule.code, errorDescription: message } };
  else if (rule.body === 'oauth') body = { error: rule.code, error_description: message };
  else body = { httpCode: String(rule.status), httpMessage: rule.httpMessage ?? '', moreInformation: message };
  const headers: Record<string, string> = {};
  if (rule.status === 401 && rule.body === 'gateway') headers['www-authenticate'] = 'Bearer realm="cesce-emulator"';
  return { status: rule.status, body, headers, rule: name };
}
