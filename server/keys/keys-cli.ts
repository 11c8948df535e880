// `npm run cli -- keys rotate`: next → current → previous → retired, plus a new
// next key. Running servers see it within their key cache TTL (5 s).
import type { Command } from '../cli/commands.ts';
import { startRuntime } from '../runtime.ts';
import { rotateSigningKeys } from './rotate-keys.ts';

export const keysRotateCommand: Command = {
  usage: 'promote the next signing key to current (the current one keeps verifying as previous)',
  options: {},
  async run({ config, log }) {
    const rt = await startRuntime(config, log);
    try {
      const result = await rotateSigningKeys(rt.services);
      await rt.services.db.auditEvent.create({ data: { action: 'signing_key.rotated', actorEmail: 'cli', targetType: 'signing_key', targetId: result.current } });
      return result;
    } finally {
      await rt.close();
    }
  },
};
