// What every grant module exports (registered in grants/index.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Client } from '../../db/generated/client.ts';
import type { TokenResponse } from '../tokens/issue-tokens.ts';

export interface GrantContext {
  app: FastifyInstance;
  request: FastifyRequest;
  client: Client;
  /** the form parameters of the token request (validated as strings) */
  params: Record<string, string | undefined>;
}

export interface Grant {
  /** the grant_type value */
  type: string;
  /** form parameters this grant reads (they become part of the token endpoint schema) */
  params?: string[];
  /** may this client use it? default: the client lists `type` in its grant types */
  allowed?(client: Client): boolean;
  handler(ctx: GrantContext): Promise<TokenResponse>;
}
