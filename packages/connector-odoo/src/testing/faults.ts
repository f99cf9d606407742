/**
 * XML-RPC faults as Odoo 17's `/xmlrpc/2` sends them (odoo/addons/base/controllers/rpc.py):
 * 1 = any other exception, with the full Python traceback as faultString; 2 = UserError family
 * (ValidationError, MissingError, UserError), message only; 3 = AccessDenied; 4 = AccessError.
 */
export class OdooFault extends Error {
  readonly faultCode: number;
  readonly faultString: string;

  constructor(faultCode: number, faultString: string) {
    super(faultString);
    this.name = 'OdooFault';
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}

const ODOO = '/usr/lib/python3/dist-packages/odoo';

/** A Python-style traceback ending in `exceptionLine`, e.g. "KeyError: 'x.model'". */
export function pythonTraceback(exceptionLine: string, frames: [file: string, line: number, fn: string, code: string][] = []): string {
  const all: [string, number, string, string][] = [
    [`${ODOO}/addons/base/controllers/rpc.py`, 156, 'xmlrpc_2', 'response = self._xmlrpc(service)'],
    [`${ODOO}/addons/base/controllers/rpc.py`, 133, '_xmlrpc', 'result = dispatch_rpc(service, method, params)'],
    [`${ODOO}/http.py`, 368, 'dispatch_rpc', 'return dispatch(method, params)'],
    [`${ODOO}/service/model.py`, 39, 'dispatch', 'res = execute_kw(db, uid, *params[3:])'],
    [`${ODOO}/service/model.py`, 61, 'execute_kw', 'return execute(db, uid, obj, method, *args, **kw or {})'],
    ...frames,
  ];
  const body = all.map(([file, line, fn, code]) => `  File "${file}", line ${line}, in ${fn}\n    ${code}`).join('\n');
  return `Traceback (most recent call last):\n${body}\n${exceptionLine}\n`;
}

/** Fault 1 with a traceback ending in `exceptionLine`. */
export function serverFault(exceptionLine: string, frames?: [string, number, string, string][]): OdooFault {
  return new OdooFault(1, pythonTraceback(exceptionLine, frames));
}

export function invalidField(model: string, field: string): OdooFault {
  return serverFault(`ValueError: Invalid field '${field}' on model '${model}'`, [
    [`${ODOO}/models.py`, 3007, '_check_field', "raise ValueError(f\"Invalid field {name!r} on model {self._name!r}\")"],
  ]);
}

export function unknownModel(model: string): OdooFault {
  return serverFault(`KeyError: '${model}'`, [[`${ODOO}/modules/registry.py`, 223, '__getitem__', 'return self.models[model_name]']]);
}

export function accessDenied(): OdooFault {
  return new OdooFault(3, 'Access Denied');
}

export function accessError(message: string): OdooFault {
  return new OdooFault(4, message);
}

export function missingError(model: string, ids: number[], uid: number): OdooFault {
  return new OdooFault(
    2,
    `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''}), User: ${uid})`,
  );
}

export function databaseMissing(db: string): OdooFault {
  return serverFault(
    `psycopg2.OperationalError: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${db}" does not exist`,
    [[`${ODOO}/sql_db.py`, 689, 'borrow', 'result = psycopg2.connect(']],
  );
}
