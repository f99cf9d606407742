import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A SOAP 1.2-only service (the emulators' `soap12` pitfall) refuses a SOAP 1.1 request the way
 * such services do: HTTP 415 for the `text/xml` content type, with a SOAP 1.2 `VersionMismatch`
 * fault. Returns true when it answered (the request must not be processed further).
 */
export function refuseSoap11(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'POST') return false;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/soap+xml')) return false;
  res.statusCode = 415;
  res.setHeader('Content-Type', 'application/soap+xml; charset=utf-8');
  res.write(
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault>' +
      '<soap:Code><soap:Value>soap:VersionMismatch</soap:Value></soap:Code>' +
      `<soap:Reason><soap:Text xml:lang="en">Cannot process the message because the content type '${type || '(none)'}' was not the expected type 'application/soap+xml': this service speaks SOAP 1.2 only</soap:Text></soap:Reason>` +
      '</soap:Fault></soap:Body></soap:Envelope>',
  );
  return true;
}
