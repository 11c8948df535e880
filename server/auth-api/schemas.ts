// Shared response schemas of the first-party JSON API (allow-lists). /auth/*
// answers are OAuth shaped, so they reuse the token endpoint's schemas.
import { OAuthErrorSchema } from '../oauth/token/token-schemas.ts';

export { TokenResponseSchema as TokenPair, OAuthErrorSchema as ApiError } from '../oauth/token/token-schemas.ts';

export const errors = { 400: OAuthErrorSchema, 401: OAuthErrorSchema, 403: OAuthErrorSchema, 404: OAuthErrorSchema };
