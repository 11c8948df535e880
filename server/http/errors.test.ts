// One error model: RFC 6749-style JSON for API routes, HTML for browser routes,
// never a stack trace; 400 for invalid or malformed input, 413 for oversized bodies.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { InvalidGrant, InvalidClient } from './errors.ts';

describe('error model', () => {
  let t: TestContext;
  let writes = 0;
  before(async () => {
    t = await createTestApp({
      setup: (app) => {
        app.post('/test/echo', { schema: { body: Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }), age: Type.Optional(Type.Integer({ minimum: 0 })) }) } }, async (req) => {
          writes++;
          return { got: req.body };
        });
        app.get('/test/boom', async () => { throw new Error('secret internals at /srv/app.ts:42'); });
        app.get('/test/grant', async () => { throw new InvalidGrant('the code has expired', { hint: 'x' }); });
        app.get('/test/client', async () => { throw new InvalidClient('unknown client', true); });
        app.get('/test/page', { config: { browser: true } }, async () => { throw new InvalidGrant('that link has expired'); });
      },
    });
  });
  after(async () => { await t.close(); });

  it('answers schema violations with 400 invalid_request, a description and details', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { email: 'not-an-email' } });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.error, 'invalid_request');
    assert.match(body.error_description, /email/);
    assert.ok(Array.isArray(body.details) && body.details.length > 0);
    assert.equal(writes, 0);
  });

  it('answers a missing field by naming it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: {} });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error_description, /email/);
  });

  it('drops unknown fields instead of trusting them', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { email: 'a@example.com', is_admin: true } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().got, { email: 'a@example.com' });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"email": ' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_request');
  });

  it('answers an unsupported content type with 415 and an error body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().error, 'invalid_request');
  });

  it('answers an oversized body with 413 before reading it all', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { email: 'a@example.com', pad: 'x'.repeat(200 * 1024) } });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error, 'invalid_request');
  });

  it('hides internal errors behind a 500 without details', async () => {
    const res = await t.app.inject('/test/boom');
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: 'server_error', error_description: 'something went wrong on our side; it has been logged' });
    assert.doesNotMatch(res.body, /secret internals|\.ts:/);
  });

  it('renders protocol errors as RFC 6749 JSON with no-store', async () => {
    const res = await t.app.inject('/test/grant');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'invalid_grant', error_description: 'the code has expired', hint: 'x' });
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('sends WWW-Authenticate with invalid_client after HTTP Basic', async () => {
    const res = await t.app.inject('/test/client');
    assert.equal(res.statusCode, 401);
    assert.match(res.headers['www-authenticate'] as string, /^Basic /);
  });

  it('renders an HTML page for browser routes', async () => {
    const res = await t.app.inject('/test/page');
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /that link has expired/);
  });

  it('serves the API docs page', async () => {
    const res = await t.app.inject('/docs/');
    assert.ok([200, 302].includes(res.statusCode));
  });
});
