// "to continue to <client>" on /login when the sign-in was started by /oauth/authorize.
import type { FastifyInstance } from 'fastify';
import { findClient } from '../clients/client-service.ts';

export async function clientNameForReturnTo(app: FastifyInstance, returnTo: string): Promise<string | null> {
  if (!returnTo.startsWith('/oauth/authorize?')) return null;
  const clientId = new URLSearchParams(returnTo.slice('/oauth/authorize?'.length)).get('client_id');
  if (!clientId || clientId.length > 200) return null;
  const client = await findClient(app, clientId).catch(() => null);
  return client && !client.disabledAt && !client.firstParty ? client.name : null;
}
