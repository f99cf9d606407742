import { ErpError } from '@cesce-connect/core';

/** Counts rows across pages and stops a list that passes the hard cap. */
export class RowCap {
  private count = 0;
  constructor(
    private readonly label: string,
    private readonly max: number,
  ) {}

  add(rows: number): void {
    this.count += rows;
    if (this.count > this.max) {
      throw new ErpError('soap-erp', 'protocol', `${this.label}: more than ${this.max} rows; stopped (a server that keeps answering, or raise the row cap)`);
    }
  }
}

export function repeatedPage(label: string, what: string): ErpError {
  return new ErpError('soap-erp', 'protocol', `${label}: the server answered the same page again (${what}); stopped instead of looping`, {
    hint: 'check the paging settings of the profile (keyPath, cursorPath, placeholders in the request)',
  });
}
