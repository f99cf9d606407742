import { describe, expect, it } from 'vitest';
import { ourOperations } from '@cesce-connect/core';
import { ROUTES } from '@cesce-connect/sandbox';

describe('ourOperations (the table `cesce spec check` compares)', () => {
  it('has the same method and path for every operation as the emulator route table', () => {
    const ours = ourOperations()
      .map((o) => `${o.method} /${o.basePath}${o.path} ${o.id}`)
      .sort();
    const routes = ROUTES.filter((r) => r.operation !== 'token')
      .map((r) => `${r.method} ${r.path} ${r.operation}`)
      .sort();
    expect(ours).toEqual(routes);
  });
});
