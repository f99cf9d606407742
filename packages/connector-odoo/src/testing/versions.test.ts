import { describe, expect, test } from 'vitest';
import { fixtureDataset, FIXTURE } from '../__fixtures__/dataset.js';
import { OdooDatasetError, validateOdooDataset, type OdooDataset } from './dataset.js';
import { OdooDispatcher } from './dispatch.js';
import { OdooFault } from './faults.js';
import { OdooOrm, XmlRpcDouble } from './orm.js';

type Row = Record<string, unknown>;

/** The dispatcher's result as a client decodes it (doubles as numbers). */
const plain = (v: unknown): unknown =>
  v instanceof XmlRpcDouble ? v.value : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;

function server(version: string, patch: (d: OdooDataset) => void = () => {}) {
  const dataset = fixtureDataset(version);
  patch(dataset);
  const valid = validateOdooDataset(dataset);
  const d = new OdooDispatcher(valid, new OdooOrm(valid));
  const call = <T = unknown>(model: string, method: string, args: unknown[] = [], kwargs: Row = {}) =>
    plain(d.object('execute_kw', [FIXTURE.database, 2, FIXTURE.password, model, method, args, kwargs])) as T;
  return { d, call };
}

const fault = (fn: () => unknown): OdooFault => {
  try {
    fn();
  } catch (err) {
    if (err instanceof OdooFault) return err;
    throw err;
  }
  throw new Error('expected an Odoo fault');
};

describe('version selection', () => {
  test.each(['14.0', '15.0', '16.0', 'saas~17.2', '17.0+e', '18.0', '19.0'])('%s is accepted and reported by common.version', (v) => {
    const { d } = server(v);
    const info = d.common('version', []) as { server_version_info: number[]; server_version: string };
    expect(info.server_version).toBe(v);
    expect(info.server_version_info[0]).toBe(Number.parseInt(v.replace('saas~', ''), 10));
  });

  test.each(['13.0', '20.0', 'seventeen'])('%s is refused', (v) => {
    expect(() => validateOdooDataset({ ...fixtureDataset(), version: v })).toThrow(/\$\.version: expected an Odoo version from 14\.0 to 19\.x/);
  });

  test('payment term lines must use the fields of their version', () => {
    const ds = fixtureDataset('17.0');
    ds.version = '15.0';
    const err = (() => {
      try {
        validateOdooDataset(ds);
      } catch (e) {
        return e as OdooDatasetError;
      }
      throw new Error('expected an error');
    })();
    expect(err.issues).toContain('$.records["account.payment.term.line"][0].nb_days: unknown field of account.payment.term.line (declare custom fields in customFields)');
  });
});

describe('schema differences (reference §2)', () => {
  const fieldsOf = (version: string, model: string) => Object.keys(server(version).call<Record<string, Row>>(model, 'fields_get', [], { attributes: ['type'] }));

  test.each([
    ['14.0', ['value', 'value_amount', 'days', 'option', 'day_of_the_month'], ['nb_days', 'months']],
    ['16.0', ['value', 'value_amount', 'months', 'days', 'end_month', 'days_after'], ['nb_days', 'option']],
    ['17.0', ['value', 'value_amount', 'nb_days', 'delay_type'], ['days', 'days_end_of_month_on_the']],
    ['18.0', ['nb_days', 'delay_type', 'days_end_of_month_on_the'], ['days']],
  ])('account.payment.term.line on %s', (version, present, absent) => {
    const fields = fieldsOf(version, 'account.payment.term.line');
    expect(fields).toEqual(expect.arrayContaining(present));
    for (const f of absent) expect(fields).not.toContain(f);
  });

  test('reversal_move_id up to 17, reversal_move_ids from 18, both computed from reversed_entry_id', () => {
    const v17 = server('17.0');
    expect(v17.call<Row[]>('account.move', 'read', [[101], ['reversal_move_id']])).toEqual([{ id: 101, reversal_move_id: [103] }]);
    expect(fault(() => v17.call('account.move', 'read', [[101], ['reversal_move_ids']])).faultString).toMatch(/Invalid field 'reversal_move_ids' on model 'account.move'/);
    const v18 = server('18.0');
    expect(v18.call<Row[]>('account.move', 'read', [[101], ['reversal_move_ids', 'invoice_currency_rate']])).toEqual([{ id: 101, reversal_move_ids: [103], invoice_currency_rate: 0 }]);
    expect(fault(() => v18.call('account.move', 'search', [[['reversal_move_id', '!=', false]]])).faultCode).toBe(1);
    expect(fault(() => v17.call('account.move', 'search_read', [[], ['invoice_currency_rate']])).faultString).toMatch(/Invalid field 'invoice_currency_rate'/);
  });

  test('payment_state has invoicing_legacy on 14–18, not on 19', () => {
    const keys = (v: string) =>
      (server(v).call<Record<string, { selection: [string, string][] }>>('account.move', 'fields_get', [['payment_state']], { attributes: ['selection'] }).payment_state!.selection).map(([k]) => k);
    expect(keys('14.0')).toContain('invoicing_legacy');
    expect(keys('18.0')).toContain('invoicing_legacy');
    expect(keys('19.0')).not.toContain('invoicing_legacy');
  });

  test('credit_limit: plain float on 14/15, company-dependent with use_partner_credit_limit from 16', () => {
    const attrs = (v: string) => server(v).call<Record<string, Row>>('res.partner', 'fields_get', [['credit_limit', 'use_partner_credit_limit']], { attributes: ['type', 'company_dependent'] });
    expect(attrs('15.0')).toEqual({ credit_limit: { type: 'float', company_dependent: false } });
    expect(attrs('16.0')).toEqual({ credit_limit: { type: 'float', company_dependent: true }, use_partner_credit_limit: { type: 'boolean', company_dependent: false } });
  });
});

describe('company-dependent values', () => {
  const withLimits = (d: OdooDataset) => {
    const partners = d.records['res.partner']!;
    partners.find((p) => p.id === 10)!.credit_limit = { '1': 50000, '2': 7000 };
    partners.find((p) => p.id === 15)!.credit_limit = 1000;
  };

  test('read for env.company: the first allowed company, else the user default company', () => {
    const { call } = server('17.0', withLimits);
    const read = (ctx: Row) => call<Row[]>('res.partner', 'read', [[10, 15], ['credit_limit', 'use_partner_credit_limit']], { context: ctx });
    expect(read({})).toEqual([
      { id: 10, credit_limit: 50000, use_partner_credit_limit: true },
      { id: 15, credit_limit: 1000, use_partner_credit_limit: true },
    ]);
    expect(read({ allowed_company_ids: [2, 1] }).map((r) => r.credit_limit)).toEqual([7000, 1000]);
    expect(call('res.partner', 'search', [[['credit_limit', '=', 7000]]], { context: { allowed_company_ids: [2] } })).toEqual([10]);
  });

  test('write stores the value for env.company only', () => {
    const { call } = server('16.0', withLimits);
    call('res.partner', 'write', [[15], { credit_limit: 2500 }], { context: { allowed_company_ids: [2] } });
    const limit = (company: number) => call<Row[]>('res.partner', 'read', [[15], ['credit_limit']], { context: { allowed_company_ids: [company] } })[0]!.credit_limit;
    expect(limit(2)).toBe(2500);
    expect(limit(1)).toBe(1000);
  });

  test('on 14/15 a per-company object is refused: the field is a plain float', () => {
    expect(() => validateOdooDataset({ ...fixtureDataset('15.0'), records: { 'res.partner': [{ id: 1, name: 'X', credit_limit: { '1': 5 } }] } })).toThrow(/credit_limit: expected a number or false/);
  });
});

describe('parameter names per version', () => {
  test('create takes vals on 14–16, vals_list on 17+; search takes args on 14–15', () => {
    expect(fault(() => server('16.0').call('res.partner', 'create', [], { vals_list: { name: 'X' } })).faultString).toMatch(/unexpected keyword argument 'vals_list'/);
    expect(typeof server('16.0').call('res.partner', 'create', [], { vals: { name: 'X' } })).toBe('number');
    expect(server('14.0').call('res.partner', 'search', [], { args: [['id', '=', 10]] })).toEqual([10]);
    expect(server('19.0').call('res.partner', 'search', [], { domain: [['id', '=', 10]] })).toEqual([10]);
  });
});
