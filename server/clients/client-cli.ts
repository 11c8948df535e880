// `npm run cli -- client create --name N --grants g1,g2 [--redirect-uri U]...
//  [--post-logout-redirect-uri U]... [--scope S]... [--public] [--first-party]`
// prints {"client_id", "client_secret"} once (no secret for public clients).
import type { Command } from '../cli/commands.ts';
import { startRuntime } from '../runtime.ts';
import { createClient } from './client-service.ts';

const list = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).flatMap((s) => String(s).split(/[ ,]+/)).filter(Boolean);

export const clientCreateCommand: Command = {
  usage: '--name N --grants g1,g2 [--redirect-uri U]... [--post-logout-redirect-uri U]... [--scope S]... [--public] [--first-party]',
  options: {
    name: { type: 'string' },
    grants: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    scope: { type: 'string', multiple: true },
    public: { type: 'boolean' },
    'first-party': { type: 'boolean' },
  },
  async run({ config, log, values }) {
    if (typeof values.name !== 'string' || !values.name) throw new Error('--name is required');
    const grantTypes = list(values.grants);
    if (!grantTypes.length) throw new Error('--grants is required (e.g. authorization_code,refresh_token)');
    const rt = await startRuntime(config, log);
    try {
      const { client, clientSecret } = await createClient(rt.services.db, {
        name: values.name,
        grantTypes,
        redirectUris: (values['redirect-uri'] as string[] | undefined) ?? [],
        postLogoutRedirectUris: (values['post-logout-redirect-uri'] as string[] | undefined) ?? [],
        scopes: list(values.scope),
        public: !!values.public,
        firstParty: !!values['first-party'],
      });
      await rt.services.db.auditEvent.create({ data: { action: 'client.created', actorEmail: 'cli', targetType: 'client', targetId: client.id, details: { grant_types: client.grantTypes } } });
      return clientSecret ? { client_id: client.id, client_secret: clientSecret } : { client_id: client.id };
    } finally {
      await rt.close();
    }
  },
};
