/** Authentication of SOAP calls (per installation; from the connector config, secrets via env). */
export type SoapAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'wsse';
      username: string;
      password: string;
      /** Default PasswordText. */
      passwordType?: 'PasswordText' | 'PasswordDigest' | undefined;
      /** wsu:Timestamp in the header (default true, as node-soap; some servers reject it with PasswordText). */
      timestamp?: boolean | undefined;
      /** wsse:Nonce (default: true with PasswordDigest, false with PasswordText). */
      nonce?: boolean | undefined;
    }
  | { type: 'ntlm'; username: string; password: string; domain?: string | undefined; workstation?: string | undefined }
  | { type: 'bearer'; token: string }
  | { type: 'certificate'; certFile: string; keyFile: string; passphrase?: string | undefined; caFile?: string | undefined };

/** How to reach one ERP installation. */
export interface SoapConnectionOptions {
  /** Replaces `{{baseUrl}}` in the profile's WSDL locations and endpoints, e.g. `https://sap.example.com:44300`. */
  baseUrl: string;
  auth: SoapAuth;
  /** Per-call and WSDL-load timeout in milliseconds (default 30 000). */
  timeoutMs?: number | undefined;
  /** Overrides the profile's SOAP version. */
  soapVersion?: '1.1' | '1.2' | undefined;
  /**
   * Charset of answers when the server does not declare one, or declares it wrongly
   * (`iso-8859-1` for many older ERPs). Default: the `Content-Type` charset, else the XML
   * declaration, else UTF-8.
   */
  encoding?: 'utf-8' | 'iso-8859-1' | undefined;
  /** Extra directory to resolve WSDL file paths against (default: the profile's directory). */
  profileDir?: string | undefined;
}

/** Which operation to call: a profile service key plus the WSDL operation (and service/port when ambiguous). */
export interface SoapOperationRef {
  service: string;
  operation: string;
  wsdlService?: string | undefined;
  wsdlPort?: string | undefined;
}

export interface SoapCallResult {
  /** The answer's body content as node-soap parses it (the operation's output message). */
  result: unknown;
  /** Milliseconds the call took. */
  elapsedMs: number;
}

/**
 * Calls operations of the profile's services. Implementations load each WSDL once (cached),
 * apply the endpoint override, auth, SOAP version, timeouts and charset, and turn SOAP 1.1/1.2
 * faults, HTTP errors, HTML answers and timeouts into `ErpError`s naming the operation and the
 * endpoint (never a secret).
 */
export interface SoapCaller {
  call(ref: SoapOperationRef, args: Record<string, unknown>): Promise<SoapCallResult>;
  /** Describes a service's WSDL: services, ports, operations and their input/output element trees. */
  describe(service: string): Promise<unknown>;
  close(): void;
}
