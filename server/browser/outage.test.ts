// With Redis down, browser pages answer a quick 503 page instead of hanging or
// crashing, the sign-in form still renders, and everything works again once
// Redis is back (DESIGN §6 outages).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../test/fixture.ts';
import { startRedisServer } from '../test/redis-server.ts';
import { RedisStore } from '../store/redis-store.ts';
import { createUser } from '../test/oauth.ts';
import { TestBrowser } from './test-browser.ts';

describe('browser pages during a Redis outage', () => {
  it('503 page for signed-in pages while Redis is down, recovery after', async () => {
    const redis = await startRedisServer();
    const store = new RedisStore(redis.url, 'browser-outage:', { commandTimeoutMs: 500 });
    const t = await createTestApp({ store });
    try {
      const { email, password } = await createUser(t.app);
      const b = new TestBrowser(t.app);
      assert.equal((await b.login(email, password, '/logout')).statusCode, 303);
      assert.equal((await b.get('/logout')).statusCode, 200);

      await redis.stop();
      const started = Date.now();
      // revocation markers are answered from memory until the instance sees its
      // subscription drop (milliseconds); from then on, the store is asked and is down
      let down = await b.get('/logout');
      for (let i = 0; i < 20 && down.statusCode === 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        down = await b.get('/logout');
      }
      assert.equal(down.statusCode, 503);
      assert.match(down.headers['content-type'] as string, /text\/html/);
      assert.ok(Date.now() - started < 5000, 'answers quickly');
      // an anonymous visitor still gets the sign-in form (it needs no store)
      assert.equal((await new TestBrowser(t.app).get('/login')).statusCode, 200);

      await redis.restart();
      let back = 0;
      for (let i = 0; i < 50 && back !== 200; i++) {
        back = (await b.get('/logout')).statusCode;
        if (back !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(back, 200, 'the same browser session works again');
    } finally {
      await t.close();
      await redis.stop();
    }
  });
});
