// DESIGN §5: the first-party JSON API answers a bad credential or refresh token
// with 401 invalid_grant (the token endpoint's 400 is RFC 6749's choice).
import { HttpError, InvalidGrant } from '../http/errors.ts';

export async function unauthorizedOnInvalidGrant<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof InvalidGrant) throw new HttpError(401, 'invalid_grant', err.description, err.extra);
    throw err;
  }
}
