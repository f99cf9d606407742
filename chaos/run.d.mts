/** Types of run.mjs, for chaos.test.ts. */
export interface ChaosOptions {
  rounds?: number;
  kills?: number;
  invoices?: number;
  creditNotes?: number;
  seed: number;
  concurrency?: number;
  timeoutMs?: number;
  roundTimeoutMs?: number;
  quiet?: boolean;
  /** Copy what the tool produced (sync logs, ledgers) into this folder at the end. */
  outputsDir?: string;
}
export interface ChaosResult {
  ok: boolean;
  seed: number;
  rounds: number;
  kills: number;
  killsWanted: number;
  invoices: number;
  creditNotes: number;
  expectedDeclarations: number;
  declarations: number;
  faults: Record<string, number>;
  faultRequests: number;
  exitCodes: Record<string, number>;
  reconciled: { confirmed: number; resent: number };
  stuckRounds: number;
  cleanRunFailed: number;
  duplicates: number;
  missing: number;
  extra: number;
  amountMismatches: number;
  orderViolations: number;
  ledgerMismatches: number;
  problems: string[];
  elapsedMs: number;
  workFolder: string;
  kept?: boolean;
}
export declare const DEFAULTS: Required<Omit<ChaosOptions, 'seed' | 'quiet' | 'creditNotes'>>;
export declare function chaosFaults(seed: number, timeoutMs: number): unknown;
export declare function runChaos(options: ChaosOptions, log?: (line: string) => void): Promise<ChaosResult>;
export declare function formatTable(result: ChaosResult): string;
export interface SaleLike {
  saleCesceReferenceNo: string;
  endorsementNo: string;
  invoiceNo: string;
  amount: string;
  originalInvoiceNo?: string | null;
}
export declare function compare(input: {
  expected: SaleLike[];
  actual: SaleLike[];
  seedRefs: Set<string>;
  ledger: { key: string; kind: string; state: string; cesceRef: string | null; invoiceNo: string | null }[];
}): { duplicates: number; missing: number; extra: number; amountMismatches: number; orderViolations: number; ledgerMismatches: number; problems: string[] };
