import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  readJsonFile,
  sandboxDataSchema,
  CATALOGS,
  SCOPES,
  type Catalog,
  type SandboxApplication,
  type SandboxClassification,
  type SandboxCollection,
  type SandboxDossier,
  type SandboxFinancingRequest,
  type SandboxSettlement,
  type SandboxData,
  type SandboxPolicy,
  type SandboxSale,
  type Scope,
} from './data.js';

/** A policy as held by the emulator: its sales and collections lists always present. */
export type PolicyState = SandboxPolicy & {
  sales: SandboxSale[];
  collections: SandboxCollection[];
  dossiers: SandboxDossier[];
  settlements: SandboxSettlement[];
  financingRequests: SandboxFinancingRequest[];
};

export interface TokenRecord {
  token: string;
  clientId: string;
  scopes: Scope[];
  /** Epoch milliseconds (emulator clock). */
  expiresAt: number;
  /** The catalog that issued it: it is refused (401) in the others. */
  environment: Catalog;
}

/** What `emulator.state()` returns: a deep copy, safe to inspect and keep. */
export interface EmulatorState {
  environment: 'sandbox' | 'pre' | 'pro';
  /** Today's date for the emulator (YYYY-MM-DD). */
  today: string;
  applications: SandboxApplication[];
  /** Every policy with its classifications and ALL recorded sales (duplicates included). */
  policies: PolicyState[];
  /** Last request number handed out (classification requests; endorsementNo of classified debtors). */
  lastRequestNo: string;
  /** Last saleCesceReferenceNo handed out. */
  lastSaleCesceReferenceNo: string;
  /** Tokens issued since the state was seeded. */
  tokensIssued: number;
  /** Tokens not yet expired. */
  activeTokens: number;
}

const STATE_FORMAT = 'cesce-sandbox-state';

/** The state file: the seed data (with sales) plus counters and live tokens. */
export const stateFileSchema = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.literal(1),
  savedAt: z.string().optional(),
  lastRequestNo: z.string().regex(/^\d+$/),
  lastSaleCesceReferenceNo: z.string().regex(/^\d+$/),
  tokensIssued: z.number().int().min(0),
  tokens: z.array(
    z.object({
      token: z.string().min(1),
      clientId: z.string(),
      scopes: z.array(z.enum(SCOPES)),
      expiresAt: z.number(),
      /** Absent in state files written before catalogs: the emulator's environment. */
      environment: z.enum(CATALOGS).optional(),
    }),
  ),
  data: sandboxDataSchema,
});
export type StateFile = z.infer<typeof stateFileSchema>;

/** Request numbers start after this when the seed has none. [inferred] */
const DEFAULT_LAST_REQUEST_NO = 1_000_000n;
/** Sale references are numeric strings starting at 9000000001. [inferred] */
const DEFAULT_LAST_SALE_REF = 9_000_000_000n;
/** Collection references are numeric strings starting at 7000000001. [inferred] */
const DEFAULT_LAST_COLLECTION_REF = 7_000_000_000n;
/** Dossier numbers are numeric strings starting at 8000000001. [inferred] */
const DEFAULT_LAST_DOSSIER_NO = 8_000_000_000n;
/** Claims document numbers start at 1. [inferred] */
const DEFAULT_LAST_DOCUMENT_NO = 0n;
/** Financing request numbers start at 8500000001. [inferred] */
const DEFAULT_LAST_FINANCING_NO = 8_500_000_000n;

function maxNumeric(values: Iterable<string | null | undefined>, floor: bigint): bigint {
  let max = floor;
  for (const v of values) {
    if (v && /^\d{1,30}$/.test(v)) {
      const n = BigInt(v);
      if (n > max) max = n;
    }
  }
  return max;
}

export class Store {
  readonly applications: SandboxApplication[];
  readonly policies: PolicyState[];
  readonly description: string | undefined;
  readonly dataTokenTtlSeconds: number | undefined;
  readonly dataMovementsPageSize: number | undefined;
  private lastRequestNo: bigint;
  /** Derived from the recorded collections (which the state file keeps), so it needs no counter of its own. */
  private lastCollectionRef: bigint;
  private lastSaleRef: bigint;
  /** Derived from the recorded dossiers and documents (kept by the state file). */
  private lastDossierNo: bigint;
  private lastDocumentNo: bigint;
  private lastFinancingNo: bigint;
  private tokensIssued: number;
  private readonly tokens = new Map<string, TokenRecord>();

  private constructor(
    data: SandboxData,
    counters: { lastRequestNo: bigint; lastSaleRef: bigint; tokensIssued: number },
    tokens: TokenRecord[],
    private readonly stateFile: string | undefined,
  ) {
    const copy = structuredClone(data);
    this.description = copy.description;
    this.dataTokenTtlSeconds = copy.tokenTtlSeconds;
    this.dataMovementsPageSize = copy.movementsPageSize;
    this.applications = copy.applications;
    this.policies = copy.policies.map((p) => ({
      ...p,
      sales: p.sales ?? [],
      collections: p.collections ?? [],
      dossiers: p.dossiers ?? [],
      settlements: p.settlements ?? [],
      financingRequests: p.financingRequests ?? [],
    }));
    this.lastFinancingNo = maxNumeric(
      this.policies.flatMap((p) => p.financingRequests.map((f) => f.requestNo)),
      DEFAULT_LAST_FINANCING_NO,
    );
    this.lastDossierNo = maxNumeric(
      this.policies.flatMap((p) => p.dossiers.map((d) => d.dossierNo)),
      DEFAULT_LAST_DOSSIER_NO,
    );
    this.lastDocumentNo = maxNumeric(
      this.policies.flatMap((p) => p.dossiers.flatMap((d) => (d.documents ?? []).map((x) => x.documentNo))),
      DEFAULT_LAST_DOCUMENT_NO,
    );
    this.lastCollectionRef = maxNumeric(
      this.policies.flatMap((p) => p.collections.map((c) => c.collectionReferenceNo)),
      DEFAULT_LAST_COLLECTION_REF,
    );
    this.lastRequestNo = counters.lastRequestNo;
    this.lastSaleRef = counters.lastSaleRef;
    this.tokensIssued = counters.tokensIssued;
    for (const t of tokens) this.tokens.set(t.token, { ...t });
  }

  /**
   * Seeds from data, or resumes from `stateFile` when it exists. `environment`: the catalog of
   * saved tokens that do not name one (state files written before catalogs).
   */
  static open(seed: () => SandboxData, stateFile: string | undefined, environment: Catalog = 'sandbox'): Store {
    if (stateFile && existsSync(stateFile)) {
      const state = readJsonFile(stateFile, stateFileSchema);
      return new Store(
        state.data,
        {
          lastRequestNo: BigInt(state.lastRequestNo),
          lastSaleRef: BigInt(state.lastSaleCesceReferenceNo),
          tokensIssued: state.tokensIssued,
        },
        state.tokens.map((t) => ({ ...t, environment: t.environment ?? environment })),
        stateFile,
      );
    }
    const data = seed();
    const classifications = data.policies.flatMap((p) => p.classifications);
    const store = new Store(
      data,
      {
        lastRequestNo: maxNumeric(
          classifications.flatMap((c) => [c.requestNo, c.endorsementNo]),
          DEFAULT_LAST_REQUEST_NO,
        ),
        lastSaleRef: maxNumeric(
          data.policies.flatMap((p) => (p.sales ?? []).map((s) => s.saleCesceReferenceNo)),
          DEFAULT_LAST_SALE_REF,
        ),
        tokensIssued: 0,
      },
      [],
      stateFile,
    );
    store.persist();
    return store;
  }

  application(clientId: string): SandboxApplication | undefined {
    return this.applications.find((a) => a.clientId === clientId);
  }

  policy(contractNo: string): PolicyState | undefined {
    return this.policies.find((p) => p.contractNo === contractNo);
  }

  nextRequestNo(): string {
    this.lastRequestNo += 1n;
    return this.lastRequestNo.toString();
  }

  nextSaleCesceReferenceNo(): string {
    this.lastSaleRef += 1n;
    return this.lastSaleRef.toString();
  }

  nextCollectionReferenceNo(): string {
    this.lastCollectionRef += 1n;
    return this.lastCollectionRef.toString();
  }

  nextDossierNo(): string {
    this.lastDossierNo += 1n;
    return this.lastDossierNo.toString();
  }

  nextFinancingRequestNo(): string {
    this.lastFinancingNo += 1n;
    return this.lastFinancingNo.toString();
  }

  nextDocumentNo(): string {
    this.lastDocumentNo += 1n;
    return this.lastDocumentNo.toString();
  }

  addToken(record: TokenRecord, nowMs: number): void {
    this.pruneTokens(nowMs);
    this.tokens.set(record.token, record);
    this.tokensIssued += 1;
    this.persist();
  }

  /** The live token record, or undefined when unknown or expired. */
  token(token: string, nowMs: number): TokenRecord | undefined {
    const record = this.tokens.get(token);
    if (!record) return undefined;
    if (record.expiresAt <= nowMs) return undefined;
    return record;
  }

  private pruneTokens(nowMs: number): void {
    for (const [k, t] of this.tokens) if (t.expiresAt <= nowMs) this.tokens.delete(k);
  }

  addClassification(policy: PolicyState, c: SandboxClassification): void {
    policy.classifications.push(c);
    this.persist();
  }

  addSale(policy: PolicyState, s: SandboxSale): void {
    policy.sales.push(s);
    this.persist();
  }

  addCollection(policy: PolicyState, c: SandboxCollection): void {
    policy.collections.push(c);
    this.persist();
  }

  /** Records an in-place change of a classification or a sale (the caller mutated it). */
  updated(): void {
    this.persist();
  }

  snapshot(extra: { environment: EmulatorState['environment']; today: string; nowMs: number }): EmulatorState {
    let active = 0;
    for (const t of this.tokens.values()) if (t.expiresAt > extra.nowMs) active += 1;
    return structuredClone({
      environment: extra.environment,
      today: extra.today,
      applications: this.applications,
      policies: this.policies,
      lastRequestNo: this.lastRequestNo.toString(),
      lastSaleCesceReferenceNo: this.lastSaleRef.toString(),
      tokensIssued: this.tokensIssued,
      activeTokens: active,
    });
  }

  toStateFile(): StateFile {
    const data: SandboxData = {
      ...(this.description !== undefined ? { description: this.description } : {}),
      ...(this.dataTokenTtlSeconds !== undefined ? { tokenTtlSeconds: this.dataTokenTtlSeconds } : {}),
      ...(this.dataMovementsPageSize !== undefined ? { movementsPageSize: this.dataMovementsPageSize } : {}),
      applications: this.applications,
      policies: this.policies,
    };
    return {
      format: STATE_FORMAT,
      version: 1,
      savedAt: new Date().toISOString(),
      lastRequestNo: this.lastRequestNo.toString(),
      lastSaleCesceReferenceNo: this.lastSaleRef.toString(),
      tokensIssued: this.tokensIssued,
      tokens: [...this.tokens.values()],
      data,
    };
  }

  /** Writes the state file atomically (temp file + rename). Synchronous on purpose: a request's
   * mutation and its persistence happen in one turn of the event loop. */
  persist(): void {
    if (!this.stateFile) return;
    mkdirSync(dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.toStateFile(), null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    renameSync(tmp, this.stateFile);
  }
}
