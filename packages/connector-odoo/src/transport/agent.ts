import http from 'node:http';
import https from 'node:https';
import type { ClientRequest } from 'node:http';

/**
 * An HTTP(S) agent owned by one transport. It hands every request it is given to `onRequest`
 * (synchronously, from the `ClientRequest` constructor), so the transport can read the HTTP
 * status and destroy the request when a call times out; neither `xmlrpc` nor `odoo-xmlrpc`
 * expose the request object.
 */
export interface CapturingAgent {
  agent: http.Agent;
  onRequest: ((req: ClientRequest) => void) | undefined;
}

export function createCapturingAgent(secure: boolean): CapturingAgent {
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const holder: CapturingAgent = { agent, onRequest: undefined };
  // `addRequest` is Node's (undocumented but long-stable) entry point from `ClientRequest`.
  const internal = agent as unknown as { addRequest(req: ClientRequest, options: unknown): unknown };
  const original = internal.addRequest.bind(agent);
  internal.addRequest = (req: ClientRequest, options: unknown) => {
    holder.onRequest?.(req);
    return original(req, options);
  };
  return holder;
}

/**
 * Runs `fn` with `http(s).globalAgent` temporarily replaced by `agent`, so that a library that
 * builds its own requests (odoo-xmlrpc) uses our agent. The swap lasts only for the synchronous
 * part of `fn`, during which no other code can run, and is always undone.
 */
export function withGlobalAgent<T>(secure: boolean, agent: http.Agent, fn: () => T): T {
  const mod = (secure ? https : http) as { globalAgent: http.Agent };
  const previous = mod.globalAgent;
  mod.globalAgent = agent;
  try {
    return fn();
  } finally {
    mod.globalAgent = previous;
  }
}
