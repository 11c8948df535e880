// Test helper: a tiny cookie-keeping "browser" over app.inject, for page flows
// (forms with CSRF tokens, redirects). Used by the browser and OAuth suites.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      const expired = (c.expires && c.expires.getTime() <= Date.now()) || c.maxAge === 0 || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: this.cookieHeader(), ...headers } }));
  }

  async post(url: string, form: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
    return this.keep(await this.app.inject({
      method: 'POST', url, payload: body.toString(),
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...headers },
    }));
  }

  /** GET a page and return the CSRF token of its first form */
  async csrf(url = '/login'): Promise<string> {
    const res = await this.get(url);
    const token = csrfIn(res.body);
    if (!token) throw new Error(`no _csrf field on ${url} (${res.statusCode})`);
    return token;
  }

  /** signs in through the /login form; returns the final response (a 303) */
  async login(email: string, password: string, returnTo?: string): Promise<LightMyRequestResponse> {
    const _csrf = await this.csrf(returnTo ? `/login?return_to=${encodeURIComponent(returnTo)}` : '/login');
    return this.post('/login', { _csrf, email, password, return_to: returnTo });
  }
}

export function csrfIn(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

export function location(res: LightMyRequestResponse): string {
  return String(res.headers.location ?? '');
}
