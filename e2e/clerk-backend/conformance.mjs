// Clerk's official backend SDK (@clerk/backend, unmodified) against fapi-server's
// Backend API: each step prints one JSON line {step, ok, detail}; the e2e test
// `clerk_backend` asserts them. Environment: API_URL, SECRET_KEY, USER_ID, EMAIL,
// SESSION_ID, SESSION_TOKEN, AUTHORIZED_PARTY, and for the webhook step
// WEBHOOK_BODY, WEBHOOK_HEADERS (JSON) and WEBHOOK_SECRET when given.
import { createClerkClient, verifyToken } from '@clerk/backend';

const env = process.env;
const clerk = createClerkClient({ secretKey: env.SECRET_KEY, apiUrl: env.API_URL });
const results = [];

async function step(name, body) {
  try {
    const detail = await body();
    results.push({ step: name, ok: true, detail: detail ?? null });
  } catch (e) {
    results.push({ step: name, ok: false, detail: String(e?.stack ?? e) + ' ' + JSON.stringify(e?.errors ?? null) });
  }
}

function expect(condition, what) {
  if (!condition) throw new Error('expected ' + what);
}

async function refused(call, status, code) {
  try {
    await call();
  } catch (e) {
    expect(e.status === status, `status ${status}, got ${e.status}`);
    expect(e.errors?.[0]?.code === code, `code ${code}, got ${JSON.stringify(e.errors)}`);
    return { status: e.status, code: e.errors[0].code, clerkTraceId: e.clerkTraceId };
  }
  throw new Error(`expected ${status} ${code}, got an answer`);
}

await step('users.getUser', async () => {
  const user = await clerk.users.getUser(env.USER_ID);
  expect(user.id === env.USER_ID, 'the user asked for');
  expect(user.primaryEmailAddress?.emailAddress === env.EMAIL, 'its primary email');
  expect(user.passwordEnabled === true, 'passwordEnabled');
  expect(typeof user.createdAt === 'number', 'createdAt');
  return { id: user.id, email: user.primaryEmailAddress.emailAddress };
});

await step('users.getUserList', async () => {
  const { data, totalCount } = await clerk.users.getUserList({ emailAddress: [env.EMAIL] });
  expect(data.length === 1 && data[0].id === env.USER_ID, 'the one user with that email');
  expect(totalCount === 1, `totalCount 1, got ${totalCount}`);
  const page = await clerk.users.getUserList({ limit: 1, orderBy: '-created_at' });
  expect(page.data.length === 1, 'a page of one');
  expect(page.totalCount >= 1, 'a total');
  const none = await clerk.users.getUserList({ query: 'nobody-has-this' });
  expect(none.data.length === 0 && none.totalCount === 0, 'no match');
  return { totalCount, pageTotal: page.totalCount };
});

await step('users.getCount', async () => {
  const count = await clerk.users.getCount({ emailAddress: [env.EMAIL] });
  expect(count === 1, `1, got ${count}`);
  return count;
});

await step('users.updateUserMetadata', async () => {
  const user = await clerk.users.updateUserMetadata(env.USER_ID, {
    publicMetadata: { plan: 'pro' },
    privateMetadata: { stripeCustomer: 'cus_1' },
  });
  expect(user.publicMetadata.plan === 'pro', 'public metadata merged');
  expect(user.privateMetadata.stripeCustomer === 'cus_1', 'private metadata merged (keys as sent)');
  return { public: user.publicMetadata, private: user.privateMetadata };
});

await step('verifyToken', async () => {
  const payload = await verifyToken(env.SESSION_TOKEN, {
    secretKey: env.SECRET_KEY,
    apiUrl: env.API_URL,
    authorizedParties: [env.AUTHORIZED_PARTY],
  });
  expect(payload.sub === env.USER_ID, 'sub is the user');
  expect(payload.sid === env.SESSION_ID, 'sid is the session');
  return { sub: payload.sub, sid: payload.sid, azp: payload.azp };
});

await step('verifyToken refuses a forged token', async () => {
  const [header, payload] = env.SESSION_TOKEN.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  claims.sub = 'user_someone_else';
  const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${env.SESSION_TOKEN.split('.')[2]}`;
  try {
    await verifyToken(forged, { secretKey: env.SECRET_KEY, apiUrl: env.API_URL });
  } catch (e) {
    return { reason: e.reason };
  }
  throw new Error('a forged token was accepted');
});

await step('verifyToken refuses another authorized party', async () => {
  try {
    await verifyToken(env.SESSION_TOKEN, {
      secretKey: env.SECRET_KEY,
      apiUrl: env.API_URL,
      authorizedParties: ['https://evil.example'],
    });
  } catch (e) {
    return { reason: e.reason };
  }
  throw new Error('a token for another party was accepted');
});

await step('sessions.getSessionList', async () => {
  const { data, totalCount } = await clerk.sessions.getSessionList({ userId: env.USER_ID, status: 'active' });
  expect(data.some((s) => s.id === env.SESSION_ID && s.status === 'active'), 'the active session');
  expect(totalCount === data.length, 'totalCount');
  expect(typeof data[0].clientId === 'string' && data[0].userId === env.USER_ID, 'client and user ids');
  return { totalCount };
});

await step('sessions.verifySession', async () => {
  const session = await clerk.sessions.verifySession(env.SESSION_ID, env.SESSION_TOKEN);
  expect(session.id === env.SESSION_ID && session.userId === env.USER_ID, 'the session');
  const refusal = await refused(() => clerk.sessions.verifySession(env.SESSION_ID, 'not.a.token'), 400, 'token_invalid');
  return { status: session.status, refusal };
});

await step('sessions.revokeSession', async () => {
  const session = await clerk.sessions.revokeSession(env.SESSION_ID);
  expect(session.id === env.SESSION_ID && session.status === 'revoked', 'revoked');
  const { data } = await clerk.sessions.getSessionList({ userId: env.USER_ID, status: 'active' });
  expect(!data.some((s) => s.id === env.SESSION_ID), 'no longer active');
  return { status: session.status };
});

await step('users.lockUser and unlockUser', async () => {
  const locked = await clerk.users.lockUser(env.USER_ID);
  expect(locked.locked === true, 'locked');
  const unlocked = await clerk.users.unlockUser(env.USER_ID);
  expect(unlocked.locked === false, 'unlocked');
  return { locked: locked.locked, unlocked: !unlocked.locked };
});

await step('users.banUser and unbanUser', async () => {
  const banned = await clerk.users.banUser(env.USER_ID);
  expect(banned.banned === true, 'banned');
  const unbanned = await clerk.users.unbanUser(env.USER_ID);
  expect(unbanned.banned === false, 'unbanned');
  return { banned: banned.banned };
});

await step('users.disableUserMFA', async () => {
  const answer = await clerk.users.disableUserMFA(env.USER_ID);
  expect(answer.user_id === env.USER_ID, 'the user id back');
  return answer;
});

await step('errors: unknown user', () => refused(() => clerk.users.getUser('user_nobody'), 404, 'resource_not_found'));

await step('errors: wrong secret key', () =>
  refused(
    () => createClerkClient({ secretKey: env.SECRET_KEY + 'x', apiUrl: env.API_URL }).users.getUser(env.USER_ID),
    401,
    'clerk_key_invalid',
  ),
);

if (env.WEBHOOK_BODY) {
  await step('verifyWebhook', async () => {
    const { verifyWebhook } = await import('@clerk/backend/webhooks');
    const sent = JSON.parse(env.WEBHOOK_HEADERS);
    const headers = {};
    for (const name of ['svix-id', 'svix-timestamp', 'svix-signature', 'content-type']) headers[name] = sent[name];
    const request = (body) => new Request('http://app.example/webhooks/clerk', { method: 'POST', headers, body });
    const event = await verifyWebhook(request(env.WEBHOOK_BODY), { signingSecret: env.WEBHOOK_SECRET });
    expect(event.object === 'event' && event.type === 'user.created', `user.created, got ${event.type}`);
    expect(event.data.id === env.USER_ID && event.data.object === 'user', 'the user in data');
    expect(typeof event.timestamp === 'number' && event.instance_id.startsWith('ins_'), 'timestamp and instance');
    let refusedTampered = false;
    try {
      await verifyWebhook(request(env.WEBHOOK_BODY.replace('"user"', '"xser"')), { signingSecret: env.WEBHOOK_SECRET });
    } catch {
      refusedTampered = true;
    }
    expect(refusedTampered, 'a changed body refused');
    return { type: event.type, id: event.data.id };
  });
}

await step('users.deleteUser', async () => {
  const deleted = await clerk.users.deleteUser(env.USER_ID);
  expect(deleted.deleted === true && deleted.id === env.USER_ID, 'deleted');
  await refused(() => clerk.users.getUser(env.USER_ID), 404, 'resource_not_found');
  return { deleted: deleted.deleted };
});

for (const r of results) console.log(JSON.stringify(r));
