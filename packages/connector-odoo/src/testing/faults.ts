/**
 * XML-RPC faults as Odoo 17's `/xmlrpc/2` sends them (odoo/addons/base/controllers/rpc.py):
 * 1 = any other exception, with the full Python traceback as faultString; 2 = UserError family
 * (ValidationError, MissingError, UserError), message only; 3 = AccessDenied; 4 = AccessError.
 */
export class OdooFault extends Error {
  readonly faultCode: number;
  readonly faultString: string;
  /**
   * The Python exception's qualified name, as JSON-RPC and JSON-2 report it
   * (`serialize_exception`): "odoo.exceptions.AccessError", "builtins.ValueError", ...
   */
  readonly exceptionName: string;

  constructor(faultCode: number, faultString: string, exceptionName?: string) {
    super(faultString);
    this.name = 'OdooFault';
    this.faultCode = faultCode;
    this.faultString = faultString;
    this.exceptionName = exceptionName ?? defaultExceptionName(faultCode, faultString);
  }

  /** The exception's message: the fault string, or for fault 1 the text after "Name: " on the traceback's last line. */
  get exceptionMessage(): string {
    if (this.faultCode !== 1) return this.faultString;
    const last = lastLine(this.faultString);
    const colon = last.indexOf(': ');
    return colon >= 0 ? last.slice(colon + 2) : last;
  }

  /** The traceback JSON answers carry as `debug` (fault 1 already is one). */
  get debug(): string {
    if (this.faultCode === 1) return this.faultString;
    if (this.faultCode === 3) return ''; // AccessDenied hides its traceback
    return pythonTraceback(`${this.exceptionName}: ${this.faultString}`);
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/**
 * Fault 3 → AccessDenied, 4 → AccessError, 2 → UserError; fault 1 → the class on the
 * traceback's last line ("ValueError: …" → builtins.ValueError, "psycopg2.OperationalError: …").
 */
function defaultExceptionName(faultCode: number, faultString: string): string {
  switch (faultCode) {
    case 2:
      return 'odoo.exceptions.UserError';
    case 3:
      return 'odoo.exceptions.AccessDenied';
    case 4:
      return 'odoo.exceptions.AccessError';
    default: {
      const name = /^([A-Za-z_][\w.]*)(?::|$)/.exec(lastLine(faultString))?.[1] ?? 'Exception';
      return name.includes('.') ? name : `builtins.${name}`;
    }
  }
}

/** Any error thrown while serving a call, as the fault Odoo would send (fault 1 for non-Odoo errors). */
export function asOdooFault(err: unknown): OdooFault {
  if (err instanceof OdooFault) return err;
  const e = err as { message?: unknown; pythonType?: unknown };
  const type = typeof e?.pythonType === 'string' ? e.pythonType : 'Exception';
  return serverFault(`${type}: ${typeof e?.message === 'string' ? e.message : String(err)}`);
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
    'odoo.exceptions.MissingError',
  );
}

export function databaseMissing(db: string): OdooFault {
  return serverFault(
    `psycopg2.OperationalError: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${db}" does not exist`,
    [[`${ODOO}/sql_db.py`, 689, 'borrow', 'result = psycopg2.connect(']],
  );
}
