// /admin/api/users: the users service over JSON (DESIGN §5).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePermission } from '../../auth/authenticate.ts';
import { apiActor } from '../actor.ts';
import { adminRoute, errors, IdParam } from '../api-schemas.ts';
import { listUsers, UserList, UserListQuery } from './user-list.ts';
import { UserView } from './user-view.ts';
import { createUser, deleteUser, getUser, setUserDisabled, setUserRoles, updateUser } from './user-service.ts';
import { adminResendVerification, adminSendPasswordReset, adminUnlock, endUserSessions, resetUserMfa } from './user-actions.ts';

const Email = Type.String({ minLength: 3, maxLength: 320 });
const Name = Type.Union([Type.String({ maxLength: 200 }), Type.Null()]);
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const RoleNames = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 });

const CreateUser = Type.Object({
  email: Email,
  password: Type.Optional(Password),
  name: Type.Optional(Name),
  email_verified: Type.Optional(Type.Boolean()),
  must_change_password: Type.Optional(Type.Boolean({ description: 'the password is temporary: the user must change it' })),
  roles: Type.Optional(RoleNames),
});
const UpdateUser = Type.Object({
  email: Type.Optional(Email),
  name: Type.Optional(Name),
  email_verified: Type.Optional(Type.Boolean()),
  must_change_password: Type.Optional(Type.Boolean()),
  password: Type.Optional(Password),
});

const Sent = Type.Object({ sent: Type.Boolean() });

const read = requirePermission('users:read');
const write = requirePermission('users:write');

export const usersApi: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/users', { preHandler: read, schema: { ...adminRoute('users', 'List and search users'), querystring: UserListQuery, response: { 200: UserList, ...errors } } }, (req) => listUsers(app, req.query));

  app.post('/users', { preHandler: write, schema: { ...adminRoute('users', 'Create a user (without a password: invitation mail)'), body: CreateUser, response: { 201: UserView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await createUser(app, await apiActor(req), req.body)));

  app.get('/users/:id', { preHandler: read, schema: { ...adminRoute('users', 'Read a user'), params: IdParam, response: { 200: UserView, ...errors } } }, (req) => getUser(app, req.params.id));

  app.patch('/users/:id', { preHandler: write, schema: { ...adminRoute('users', 'Edit a user'), params: IdParam, body: UpdateUser, response: { 200: UserView, ...errors } } }, async (req) =>
    updateUser(app, await apiActor(req), req.params.id, req.body));

  app.post('/users/:id/disable', { preHandler: write, schema: { ...adminRoute('users', 'Disable a user: every session ends at once'), params: IdParam, response: { 200: UserView, ...errors } } }, async (req) =>
    setUserDisabled(app, await apiActor(req), req.params.id, true));

  app.post('/users/:id/enable', { preHandler: write, schema: { ...adminRoute('users', 'Enable a user'), params: IdParam, response: { 200: UserView, ...errors } } }, async (req) =>
    setUserDisabled(app, await apiActor(req), req.params.id, false));

  app.delete('/users/:id', { preHandler: write, schema: { ...adminRoute('users', 'Delete a user'), params: IdParam, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await deleteUser(app, await apiActor(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.put('/users/:id/roles', { preHandler: [write, requirePermission('roles:write')], schema: { ...adminRoute('users', "Set a user's roles"), params: IdParam, body: Type.Object({ roles: RoleNames }), response: { 200: UserView, ...errors } } }, async (req) =>
    setUserRoles(app, await apiActor(req), req.params.id, req.body.roles));

  app.delete('/users/:id/sessions', { preHandler: requirePermission('sessions:write'), schema: { ...adminRoute('users', "End every session of a user"), params: IdParam, response: { 200: Type.Object({ ended: Type.Integer() }), ...errors } } }, async (req) =>
    ({ ended: await endUserSessions(app, await apiActor(req), req.params.id) }));

  app.post('/users/:id/mfa/reset', { preHandler: write, schema: { ...adminRoute('users', 'Turn TOTP off and delete recovery codes'), params: IdParam, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await resetUserMfa(app, await apiActor(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.post('/users/:id/password-reset', { preHandler: write, schema: { ...adminRoute('users', 'Mail the user a password reset link'), params: IdParam, response: { 202: Sent, ...errors } } }, async (req, reply) => {
    await adminSendPasswordReset(app, await apiActor(req), req.params.id);
    return reply.status(202).send({ sent: true });
  });

  app.post('/users/:id/verification', { preHandler: write, schema: { ...adminRoute('users', 'Mail the user a new verification link'), params: IdParam, response: { 202: Sent, ...errors } } }, async (req, reply) => {
    await adminResendVerification(app, await apiActor(req), req.params.id);
    return reply.status(202).send({ sent: true });
  });

  app.post('/users/:id/unlock', { preHandler: write, schema: { ...adminRoute('users', 'Clear the lockout counters'), params: IdParam, response: { 200: Type.Object({ unlocked: Type.Boolean() }), ...errors } } }, async (req) =>
    ({ unlocked: await adminUnlock(app, await apiActor(req), req.params.id) }));
};
