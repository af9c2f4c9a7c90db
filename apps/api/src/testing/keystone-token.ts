/** The simulator's admin user, scoped to its admin project (the service account of the tests). */
export const ADMIN = { name: 'admin', password: 'secret', project: 'admin' } as const;

/** A real Keystone token of a simulator (or any Keystone) user, obtained the way a tool would: straight from Keystone. */
export async function keystoneToken(
  authUrl: string,
  user: { name: string; password: string; project?: string },
): Promise<{ token: string; expiresAt: Date }> {
  const scope = user.project === undefined ? {} : { scope: { project: { name: user.project, domain: { name: 'Default' } } } };
  const res = await fetch(`${authUrl}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user.name, domain: { name: 'Default' }, password: user.password } } },
        ...scope,
      },
    }),
  });
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`Keystone issued no token for ${user.name}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: { expires_at: string } };
  return { token, expiresAt: new Date(body.token.expires_at) };
}

/** Revokes a token at Keystone directly (as an operator or another service would), with another valid token. */
export async function revokeAtKeystone(authUrl: string, token: string, withToken: string): Promise<void> {
  const res = await fetch(`${authUrl}/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': withToken, 'X-Subject-Token': token } });
  if (res.status !== 204) throw new Error(`Keystone did not revoke the token: ${res.status}`);
}
