import { randomBytes } from 'node:crypto';
import { SCOPES, type Scope } from './data.js';
import type { HandlerContext, Reply } from './context.js';
import { ruleError } from './rules/messages.js';

function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/**
 * POST /oauth2/v1/token: OAuth2 password grant with form fields grant_type, client_id,
 * client_secret, scope, username, password ([portal]). username/password are ignored in the
 * sandbox and required in PRE/PRO ([seed]). The token belongs to the catalog that issued it.
 * `lifetimeSeconds` (fault injection, chaos `earlyTokenExpiry`): called once a token is issued; a
 * number makes the token expire that soon while `expires_in` still announces the full lifetime.
 */
export function handleToken(ctx: HandlerContext, rawBody: string, lifetimeSeconds?: () => number | undefined): Reply {
  const form = new URLSearchParams(rawBody);
  const field = (name: string): string => (form.get(name) ?? '').trim();

  if (field('grant_type') !== 'password') return ruleError('unsupportedGrantType');

  const app = ctx.store.application(field('client_id'));
  // PRE and PRO issue separate credentials ([seed] 401-2): an application registered in other
  // catalogs only is unknown here ([inferred]).
  const registered = app && (!app.environments || app.environments.includes(ctx.environment));
  if (!app || !registered || app.clientSecret !== form.get('client_secret')) return ruleError('invalidClient');
  if (!app.products.includes('oauth')) return ruleError('oauthNotSubscribed');

  if (ctx.environment !== 'sandbox') {
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    if (!username || !password || app.username === undefined || app.username !== username || app.password !== password) {
      return ruleError('invalidGrant');
    }
  }

  const requested = [...new Set(field('scope').split(/\s+/).filter(Boolean))];
  const refused = requested.filter((s) => !isScope(s) || !app.scopes.includes(s));
  if (refused.length > 0) return ruleError('invalidScope', { scope: refused.join(' ') });
  const granted: Scope[] = requested.length > 0 ? (requested as Scope[]) : [...app.scopes];

  const now = ctx.nowMs();
  const token = randomBytes(32).toString('base64url');
  const lifetime = Math.min(lifetimeSeconds?.() ?? ctx.tokenTtlSeconds, ctx.tokenTtlSeconds);
  ctx.store.addToken(
    { token, clientId: app.clientId, scopes: granted, expiresAt: now + lifetime * 1000, environment: ctx.environment },
    now,
  );
  return {
    status: 200,
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    body: { access_token: token, token_type: 'Bearer', expires_in: ctx.tokenTtlSeconds, scope: granted.join(' ') },
  };
}
