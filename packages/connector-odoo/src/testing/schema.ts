/** Field and model definitions of the Odoo emulator: the subset of Odoo 17 the connector touches. */

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

/** Built-in models. Custom fields from the dataset (`customFields`) are added to copies of these. */
export function builtinModels(): Record<string, ModelDef> {
  return {
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
        value: { type: 'selection', string: 'Type', selection: [['percent', 'Percent'], ['fixed', 'Fixed']] },
        value_amount: { type: 'float', string: 'Value' },
        nb_days: { type: 'integer', string: 'Days' },
        delay_type: {
          type: 'selection',
          string: 'Delay Type',
          selection: [
            ['days_after', 'Days after invoice date'],
            ['days_after_end_of_month', 'Days after end of month'],
            ['days_after_end_of_next_month', 'Days after end of next month'],
          ],
        },
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
        payment_state: {
          type: 'selection',
          string: 'Payment Status',
          selection: [
            ['not_paid', 'Not Paid'],
            ['in_payment', 'In Payment'],
            ['paid', 'Paid'],
            ['partial', 'Partially Paid'],
            ['reversed', 'Reversed'],
            ['invoicing_legacy', 'Invoicing App Legacy'],
          ],
          readonly: true,
        },
        reversed_entry_id: { type: 'many2one', string: 'Reversal of', relation: 'account.move', readonly: true },
        reversal_move_id: { type: 'one2many', string: 'Reversal Move', relation: 'account.move', inverse: 'reversed_entry_id' },
      },
    },
  };
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
