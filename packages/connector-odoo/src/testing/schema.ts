/** Field and model definitions of the Odoo emulator: the subset of Odoo 14–19 the connector touches. */

export const FIELD_TYPES = ['char', 'text', 'html', 'integer', 'float', 'monetary', 'boolean', 'date', 'datetime', 'selection', 'many2one', 'one2many', 'many2many'] as const;

export type OdooFieldType =
  | 'char'
  | 'text'
  | 'html'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many';

export interface FieldDef {
  type: OdooFieldType;
  string: string;
  /** Comodel of relational fields. */
  relation?: string;
  /** one2many: the many2one field on the comodel pointing back. */
  inverse?: string;
  selection?: [string, string][];
  readonly?: boolean;
  required?: boolean;
  store?: boolean;
  company_dependent?: boolean;
  /** A custom (`x_`) field: from the dataset's customFields or created through ir.model.fields. */
  manual?: boolean;
  /** Computed by the emulator when the dataset does not give a value (display_name, ...). */
  computed?: boolean;
}

export interface ModelDef {
  name: string;
  /** `_description`, used in access error messages. */
  description: string;
  /** Default `_order`. */
  order: string;
  /** Multi-company record rule: records visible when company_id is false or among the allowed companies. */
  companyRule?: boolean;
  fields: Record<string, FieldDef>;
}

const MOVE_TYPES: [string, string][] = [
  ['entry', 'Journal Entry'],
  ['out_invoice', 'Customer Invoice'],
  ['out_refund', 'Customer Credit Note'],
  ['in_invoice', 'Vendor Bill'],
  ['in_refund', 'Vendor Credit Note'],
  ['out_receipt', 'Sales Receipt'],
  ['in_receipt', 'Purchase Receipt'],
];

const common = (): Record<string, FieldDef> => ({
  id: { type: 'integer', string: 'ID', readonly: true },
  display_name: { type: 'char', string: 'Display Name', readonly: true, store: false, computed: true },
  create_date: { type: 'datetime', string: 'Created on', readonly: true },
  write_date: { type: 'datetime', string: 'Last Updated on', readonly: true },
});

/** Built-in models of Odoo `major` (default 17) with `modules` installed. Custom fields are added to copies of these. */
export function builtinModels(major = 17, modules: readonly string[] = []): Record<string, ModelDef> {
  const models: Record<string, ModelDef> = {
    'res.company': {
      name: 'res.company',
      description: 'Companies',
      order: 'sequence, name',
      fields: {
        ...common(),
        name: { type: 'char', string: 'Company Name', required: true },
        sequence: { type: 'integer', string: 'Sequence' },
        partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner' },
        vat: { type: 'char', string: 'Tax ID' },
        company_registry: { type: 'char', string: 'Company ID' },
        currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', required: true },
        country_id: { type: 'many2one', string: 'Country', relation: 'res.country' },
        street: { type: 'char', string: 'Street' },
        city: { type: 'char', string: 'City' },
        zip: { type: 'char', string: 'Zip' },
        state_id: { type: 'many2one', string: 'Fed. State', relation: 'res.country.state' },
        active: { type: 'boolean', string: 'Active' },
      },
    },
    'res.country': {
      name: 'res.country',
      description: 'Country',
      order: 'name',
      fields: {
        ...common(),
        name: { type: 'char', string: 'Country Name', required: true },
        code: { type: 'char', string: 'Country Code', required: true },
        currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency' },
      },
    },
    'res.country.state': {
      name: 'res.country.state',
      description: 'Country state',
      order: 'code',
      fields: {
        ...common(),
        name: { type: 'char', string: 'State Name', required: true },
        code: { type: 'char', string: 'State Code', required: true },
        country_id: { type: 'many2one', string: 'Country', relation: 'res.country', required: true },
      },
    },
    'res.currency': {
      name: 'res.currency',
      description: 'Currency',
      order: 'active desc, name',
      fields: {
        ...common(),
        name: { type: 'char', string: 'Currency', required: true },
        symbol: { type: 'char', string: 'Symbol' },
        decimal_places: { type: 'integer', string: 'Decimal Places' },
        rounding: { type: 'float', string: 'Rounding Factor' },
        active: { type: 'boolean', string: 'Active' },
      },
    },
    'res.users': {
      name: 'res.users',
      description: 'User',
      order: 'name, login',
      companyRule: false,
      fields: {
        ...common(),
        name: { type: 'char', string: 'Name' },
        login: { type: 'char', string: 'Login', required: true },
        company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
        company_ids: { type: 'many2many', string: 'Companies', relation: 'res.company' },
        partner_id: { type: 'many2one', string: 'Related Partner', relation: 'res.partner' },
        active: { type: 'boolean', string: 'Active' },
      },
    },
    'res.partner': {
      name: 'res.partner',
      description: 'Contact',
      order: 'display_name asc, id desc',
      companyRule: true,
      fields: {
        ...common(),
        name: { type: 'char', string: 'Name' },
        is_company: { type: 'boolean', string: 'Is a Company' },
        parent_id: { type: 'many2one', string: 'Related Company', relation: 'res.partner' },
        child_ids: { type: 'one2many', string: 'Contact', relation: 'res.partner', inverse: 'parent_id' },
        type: {
          type: 'selection',
          string: 'Address Type',
          selection: [
            ['contact', 'Contact'],
            ['invoice', 'Invoice Address'],
            ['delivery', 'Delivery Address'],
            ['private', 'Private Address'],
            ['other', 'Other Address'],
          ],
        },
        commercial_partner_id: { type: 'many2one', string: 'Commercial Entity', relation: 'res.partner', readonly: true, computed: true },
        vat: { type: 'char', string: 'Tax ID' },
        company_registry: { type: 'char', string: 'Company ID' },
        ref: { type: 'char', string: 'Reference' },
        country_id: { type: 'many2one', string: 'Country', relation: 'res.country' },
        country_code: { type: 'char', string: 'Country Code', readonly: true, store: false, computed: true },
        state_id: { type: 'many2one', string: 'State', relation: 'res.country.state' },
        zip: { type: 'char', string: 'Zip' },
        city: { type: 'char', string: 'City' },
        street: { type: 'char', string: 'Street' },
        street2: { type: 'char', string: 'Street2' },
        email: { type: 'char', string: 'Email' },
        phone: { type: 'char', string: 'Phone' },
        lang: { type: 'selection', string: 'Language', selection: [['es_ES', 'Spanish / Español'], ['en_US', 'English (US)']] },
        active: { type: 'boolean', string: 'Active' },
        company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
        customer_rank: { type: 'integer', string: 'Customer Rank' },
        supplier_rank: { type: 'integer', string: 'Supplier Rank' },
        user_ids: { type: 'one2many', string: 'Users', relation: 'res.users', inverse: 'partner_id' },
        property_payment_term_id: {
          type: 'many2one',
          string: 'Customer Payment Terms',
          relation: 'account.payment.term',
          company_dependent: true,
          store: false,
        },
      },
    },
    'account.payment.term': {
      name: 'account.payment.term',
      description: 'Payment Terms',
      order: 'sequence, id',
      companyRule: true,
      fields: {
        ...common(),
        name: { type: 'char', string: 'Payment Terms', required: true },
        sequence: { type: 'integer', string: 'Sequence' },
        active: { type: 'boolean', string: 'Active' },
        company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
        line_ids: { type: 'one2many', string: 'Terms', relation: 'account.payment.term.line', inverse: 'payment_id' },
      },
    },
    'account.payment.term.line': {
      name: 'account.payment.term.line',
      description: 'Payment Terms Line',
      order: 'id',
      fields: {
        ...common(),
        payment_id: { type: 'many2one', string: 'Payment Terms', relation: 'account.payment.term', required: true },
        value_amount: { type: 'float', string: 'Value' },
      },
    },
    'account.move': {
      name: 'account.move',
      description: 'Journal Entry',
      order: 'date desc, name desc, id desc',
      companyRule: true,
      fields: {
        ...common(),
        name: { type: 'char', string: 'Number' },
        ref: { type: 'char', string: 'Reference' },
        date: { type: 'date', string: 'Date' },
        move_type: { type: 'selection', string: 'Type', selection: MOVE_TYPES, required: true },
        state: {
          type: 'selection',
          string: 'Status',
          selection: [
            ['draft', 'Draft'],
            ['posted', 'Posted'],
            ['cancel', 'Cancelled'],
          ],
          required: true,
        },
        partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner' },
        commercial_partner_id: { type: 'many2one', string: 'Commercial Entity', relation: 'res.partner', readonly: true, computed: true },
        company_id: { type: 'many2one', string: 'Company', relation: 'res.company', required: true },
        currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', required: true },
        company_currency_id: { type: 'many2one', string: 'Company Currency', relation: 'res.currency', readonly: true, computed: true },
        invoice_date: { type: 'date', string: 'Invoice/Bill Date' },
        invoice_date_due: { type: 'date', string: 'Due Date' },
        invoice_payment_term_id: { type: 'many2one', string: 'Payment Terms', relation: 'account.payment.term' },
        invoice_origin: { type: 'char', string: 'Origin' },
        payment_reference: { type: 'char', string: 'Payment Reference' },
        amount_untaxed: { type: 'monetary', string: 'Untaxed Amount', readonly: true },
        amount_tax: { type: 'monetary', string: 'Tax', readonly: true },
        amount_total: { type: 'monetary', string: 'Total', readonly: true },
        amount_residual: { type: 'monetary', string: 'Amount Due', readonly: true },
        amount_total_signed: { type: 'monetary', string: 'Total Signed', readonly: true },
        reversed_entry_id: { type: 'many2one', string: 'Reversal of', relation: 'account.move', readonly: true },
      },
    },
    ...technicalModels(),
  };
  for (const v of VERSIONED) {
    if ((v.since === undefined || major >= v.since) && (v.until === undefined || major <= v.until)) models[v.model]!.fields[v.field] = { ...v.def };
  }
  if (modules.includes('partner_risk_insurance')) addPartnerRiskInsurance(models);
  // Company-dependent fields live in ir.property (not stored) up to 17, in a jsonb column from 18.
  for (const m of Object.values(models)) for (const f of Object.values(m.fields)) if (f.company_dependent) f.store = major >= 18;
  return models;
}

const PAYMENT_STATES: [string, string][] = [
  ['not_paid', 'Not Paid'],
  ['in_payment', 'In Payment'],
  ['paid', 'Paid'],
  ['partial', 'Partially Paid'],
  ['reversed', 'Reversed'],
];

/**
 * Every field that differs between Odoo 14 and 19, in one table (reference §2): the field exists
 * on `model` from `since` to `until` (major versions, inclusive) with definition `def`.
 */
export const VERSIONED: { model: string; field: string; since?: number; until?: number; def: FieldDef }[] = [
  // res.partner.credit_limit: a plain Float in base up to 15, company-dependent in account from 16.
  { model: 'res.partner', field: 'credit_limit', until: 15, def: { type: 'float', string: 'Credit Limit' } },
  { model: 'res.partner', field: 'credit_limit', since: 16, def: { type: 'float', string: 'Credit Limit', company_dependent: true } },
  { model: 'res.partner', field: 'use_partner_credit_limit', since: 16, def: { type: 'boolean', string: 'Partner Limit', store: false, computed: true } },
  // account.move: payment states, inverse of reversed_entry_id, currency rate.
  { model: 'account.move', field: 'payment_state', until: 18, def: { type: 'selection', string: 'Payment Status', readonly: true, selection: [...PAYMENT_STATES, ['invoicing_legacy', 'Invoicing App Legacy']] } },
  { model: 'account.move', field: 'payment_state', since: 19, def: { type: 'selection', string: 'Payment Status', readonly: true, selection: PAYMENT_STATES } },
  { model: 'account.move', field: 'reversal_move_id', until: 17, def: { type: 'one2many', string: 'Reversal Move', relation: 'account.move', inverse: 'reversed_entry_id' } },
  { model: 'account.move', field: 'reversal_move_ids', since: 18, def: { type: 'one2many', string: 'Reversal Moves', relation: 'account.move', inverse: 'reversed_entry_id' } },
  { model: 'account.move', field: 'invoice_currency_rate', since: 18, def: { type: 'float', string: 'Currency Rate', readonly: true } },
  // account.payment.term.line: ≤15 value/days/option, 16 months/days/end_month/days_after, 17+ nb_days/delay_type.
  { model: 'account.payment.term.line', field: 'value', until: 16, def: { type: 'selection', string: 'Type', selection: [['balance', 'Balance'], ['percent', 'Percent'], ['fixed', 'Fixed Amount']] } },
  { model: 'account.payment.term.line', field: 'value', since: 17, def: { type: 'selection', string: 'Type', selection: [['percent', 'Percent'], ['fixed', 'Fixed']] } },
  { model: 'account.payment.term.line', field: 'days', until: 16, def: { type: 'integer', string: 'Number of Days' } },
  {
    model: 'account.payment.term.line',
    field: 'option',
    until: 15,
    def: {
      type: 'selection',
      string: 'Options',
      selection: [
        ['day_after_invoice_date', "days after the invoice date"],
        ['after_invoice_month', 'days after the end of the invoice month'],
        ['day_following_month', 'of the following month'],
        ['day_current_month', 'of the current month'],
      ],
    },
  },
  { model: 'account.payment.term.line', field: 'day_of_the_month', until: 15, def: { type: 'integer', string: 'Day of the month' } },
  { model: 'account.payment.term.line', field: 'months', since: 16, until: 16, def: { type: 'integer', string: 'Months' } },
  { model: 'account.payment.term.line', field: 'end_month', since: 16, until: 16, def: { type: 'boolean', string: 'End of month' } },
  { model: 'account.payment.term.line', field: 'days_after', since: 16, until: 16, def: { type: 'integer', string: 'Days after End of month' } },
  { model: 'account.payment.term.line', field: 'nb_days', since: 17, def: { type: 'integer', string: 'Days' } },
  {
    model: 'account.payment.term.line',
    field: 'delay_type',
    since: 17,
    def: {
      type: 'selection',
      string: 'Due Type',
      selection: [
        ['days_after', 'Days after invoice date'],
        ['days_after_end_of_month', 'Days after end of month'],
        ['days_after_end_of_next_month', 'Days after end of next month'],
      ],
    },
  },
  { model: 'account.payment.term.line', field: 'days_end_of_month_on_the', since: 18, def: { type: 'char', string: 'Days on the next month' } },
];

/** OCA credit-control `partner_risk_insurance` (reference §5.1). */
function addPartnerRiskInsurance(models: Record<string, ModelDef>): void {
  models['credit.policy.state'] = {
    name: 'credit.policy.state',
    description: 'Credit Policy State',
    order: 'name',
    fields: { ...common(), name: { type: 'char', string: 'Name', required: true }, insure_invoices: { type: 'boolean', string: 'Insure Invoices' } },
  };
  Object.assign(models['res.partner']!.fields, {
    insurance_credit_limit: { type: 'float', string: 'Insured credit limit' },
    company_credit_limit: { type: 'float', string: 'Company Credit Limit', readonly: true, store: false, computed: true },
    risk_insurance_coverage_percent: { type: 'float', string: 'Coverage' },
    risk_insurance_requested: { type: 'boolean', string: 'Insurance Requested' },
    risk_insurance_grant_date: { type: 'date', string: 'Insurance Grant Date' },
    risk_insurance_code: { type: 'char', string: 'Insurance Code' },
    risk_insurance_code_2: { type: 'char', string: 'Insurance Code 2' },
    credit_policy_state_id: { type: 'many2one', string: 'Credit Policy State', relation: 'credit.policy.state' },
  } satisfies Record<string, FieldDef>);
  models['account.move']!.fields.insured_with_credit_policy = { type: 'boolean', string: 'Insured with credit policy' };
}

/** Models that mail, module and model introspection need: ir.model, ir.model.fields, ir.module.module, mail.message. */
function technicalModels(): Record<string, ModelDef> {
  return {
    'ir.model': {
      name: 'ir.model',
      description: 'Models',
      order: 'model',
      fields: {
        ...common(),
        name: { type: 'char', string: 'Model Description', required: true },
        model: { type: 'char', string: 'Model', required: true },
        state: { type: 'selection', string: 'Type', selection: [['manual', 'Custom Object'], ['base', 'Base Object']] },
        transient: { type: 'boolean', string: 'Transient Model' },
        field_id: { type: 'one2many', string: 'Fields', relation: 'ir.model.fields', inverse: 'model_id' },
      },
    },
    'ir.model.fields': {
      name: 'ir.model.fields',
      description: 'Fields',
      order: 'name',
      fields: {
        ...common(),
        name: { type: 'char', string: 'Field Name', required: true },
        field_description: { type: 'char', string: 'Field Label', required: true },
        model: { type: 'char', string: 'Model Name' },
        model_id: { type: 'many2one', string: 'Model', relation: 'ir.model', required: true },
        ttype: { type: 'selection', string: 'Field Type', required: true, selection: FIELD_TYPES.map((t) => [t, t]) },
        relation: { type: 'char', string: 'Related Model' },
        relation_field: { type: 'char', string: 'Relation Field' },
        selection_ids: { type: 'one2many', string: 'Selection Options', relation: 'ir.model.fields.selection', inverse: 'field_id' },
        selection: { type: 'char', string: 'Selection Options (Deprecated)', store: false },
        store: { type: 'boolean', string: 'Stored' },
        readonly: { type: 'boolean', string: 'Readonly' },
        required: { type: 'boolean', string: 'Required' },
        company_dependent: { type: 'boolean', string: 'Company Dependent' },
        state: { type: 'selection', string: 'Type', selection: [['manual', 'Custom Field'], ['base', 'Base Field']] },
      },
    },
    'ir.model.fields.selection': {
      name: 'ir.model.fields.selection',
      description: 'Fields Selection',
      order: 'sequence, id',
      fields: {
        ...common(),
        field_id: { type: 'many2one', string: 'Field', relation: 'ir.model.fields', required: true },
        value: { type: 'char', string: 'Value', required: true },
        name: { type: 'char', string: 'Name', required: true },
        sequence: { type: 'integer', string: 'Sequence' },
      },
    },
    'ir.module.module': {
      name: 'ir.module.module',
      description: 'Module',
      order: 'application desc, sequence, name',
      fields: {
        ...common(),
        name: { type: 'char', string: 'Technical Name', readonly: true, required: true },
        shortdesc: { type: 'char', string: 'Module Name', readonly: true },
        application: { type: 'boolean', string: 'Application', readonly: true },
        sequence: { type: 'integer', string: 'Sequence' },
        state: {
          type: 'selection',
          string: 'Status',
          readonly: true,
          selection: [
            ['uninstallable', 'Uninstallable'],
            ['uninstalled', 'Not Installed'],
            ['installed', 'Installed'],
            ['to upgrade', 'To be upgraded'],
            ['to remove', 'To be removed'],
            ['to install', 'To be installed'],
          ],
        },
      },
    },
    'mail.message.subtype': {
      name: 'mail.message.subtype',
      description: 'Message subtypes',
      order: 'sequence, id',
      fields: { ...common(), name: { type: 'char', string: 'Message Type', required: true }, internal: { type: 'boolean', string: 'Internal Only' }, sequence: { type: 'integer', string: 'Sequence' } },
    },
    'mail.message': {
      name: 'mail.message',
      description: 'Message',
      order: 'id desc',
      fields: {
        ...common(),
        subject: { type: 'char', string: 'Subject' },
        date: { type: 'datetime', string: 'Date' },
        body: { type: 'html', string: 'Contents' },
        model: { type: 'char', string: 'Related Document Model' },
        res_id: { type: 'integer', string: 'Related Document ID' },
        message_type: {
          type: 'selection',
          string: 'Type',
          required: true,
          selection: [
            ['email', 'Email'],
            ['comment', 'Comment'],
            ['notification', 'System notification'],
            ['user_notification', 'User Specific Notification'],
          ],
        },
        subtype_id: { type: 'many2one', string: 'Subtype', relation: 'mail.message.subtype' },
        author_id: { type: 'many2one', string: 'Author', relation: 'res.partner' },
        partner_ids: { type: 'many2many', string: 'Recipients', relation: 'res.partner' },
      },
    },
  };
}

/** Models with the mail.thread mixin (message_post). */
export const MAIL_THREAD_MODELS = new Set(['res.partner', 'account.move']);

/** Subtypes known to message_post's `subtype_xmlid`: xmlid → mail.message.subtype record. */
export const MAIL_SUBTYPES: Record<string, { id: number; name: string; internal: boolean }> = {
  'mail.mt_comment': { id: 1, name: 'Discussions', internal: false },
  'mail.mt_note': { id: 2, name: 'Note', internal: true },
};

/** Modules every emulated database has installed. */
export const BASE_MODULES = ['base', 'web', 'mail', 'contacts', 'account'];

/** `14.0`, `17.0+e`, `saas~17.2` → major/minor, or null. */
export function parseOdooVersion(version: string): { major: number; minor: number } | null {
  const m = /^(?:saas~)?(\d+)\.(\d+)/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** The value a field has when a record does not set it. */
export function defaultValue(name: string, def: FieldDef): unknown {
  if (name === 'active') return true;
  switch (def.type) {
    case 'integer':
      return 0;
    case 'float':
    case 'monetary':
      return 0;
    case 'one2many':
    case 'many2many':
      return [];
    default:
      return false;
  }
}
