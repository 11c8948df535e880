// RFC 6238 TOTP (otplib 13): SHA-1, 6 digits, 30 s steps, as every
// authenticator app expects. ±1 step of clock drift is accepted (RFC 6238 §5.2).
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

export const PERIOD = 30;
const CODE = /^\d{6}$/;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 }); // 160 bits (RFC 4226 §4 recommends 160)
}

export function otpauthUri(issuerName: string, accountName: string, secret: string): string {
  return generateURI({ issuer: issuerName, label: accountName, secret, period: PERIOD, digits: 6, algorithm: 'sha1' });
}

/** PNG data URL of the otpauth:// URI, for <img src>. */
export function qrCodeDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

/** The time step the code belongs to (now − 1 … now + 1), or null. */
export async function matchTotp(secret: string, code: string, epochSeconds = Math.floor(Date.now() / 1000)): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!CODE.test(token)) return null;
  const result = await verify({ secret, token, epoch: epochSeconds, period: PERIOD, epochTolerance: PERIOD });
  // TOTP results carry the matched step (otplib types it as a TOTP|HOTP union)
  return result.valid ? ((result as { timeStep?: number }).timeStep ?? null) : null;
}
