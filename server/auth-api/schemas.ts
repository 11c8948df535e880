// Shared response schemas of the first-party JSON API (allow-lists).
import { Type } from '@sinclair/typebox';

export const TokenPair = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.Optional(Type.String()),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.Optional(Type.String()),
  id_token: Type.Optional(Type.String()),
});

export const ApiError = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String()),
  mfa_token: Type.Optional(Type.String()),
  details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});

export const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError };
