// Schema pieces every admin API route shares: the id parameter, the error
// bodies (RFC 6749-style JSON from http/error-handler.ts) and the OpenAPI tag.
import { Type } from '@sinclair/typebox';

export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

const ErrorBody = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { additionalProperties: true },
);

/** 400 invalid input, 401 no/invalid token, 403 missing permission, 404, 409 refused by a rule */
export const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody } as const;

export const adminRoute = (tag: string, summary: string) => ({ tags: [`admin: ${tag}`], summary, security: [{ bearer: [] }] });
