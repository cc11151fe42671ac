// A real OpenID Connect provider on loopback for fapi-server's tests: oidc-provider
// (OpenID Certified), standing in for Google. The sign-in form takes any login; the
// login names the account: `alice@example.com` has that email, verified; a login
// starting with `unverified:` has its email unverified. Consent is granted at once.
//
// With `github` after the arguments it stands in for GitHub instead: plain OAuth 2
// at GitHub's paths (`/login/oauth/authorize`, `/login/oauth/access_token`, the
// client's secret in the body), no ID token, and GitHub's REST API at `/api/v3`
// (`/user`, `/user/emails`) answering for the access token, as GitHub Enterprise
// Server lays it out.
//
// With `apple` it stands in for Sign in with Apple: the scopes `name email`, the
// answer only as a form POST (`response_mode=form_post`) carrying the `user` field
// with the name, `email_verified` as a string, and a client secret that is an ES256
// JWT signed with the key whose public half is in `APPLE_PUBLIC_KEY` (`kid`
// `APPLE_KEY_ID`, `iss` `APPLE_TEAM_ID`), taken only in the body.
//
//   node provider.mjs <port> <redirect_uri>[,<redirect_uri>…] <client_id> <client_secret> [github|apple]
//
// With `FRESH_KEYS=1` it signs with a key made at start (a provider that rotated
// its keys), not oidc-provider's fixed development key. With `TAMPER_ID_TOKEN` set
// to `nonce` or `audience`, the ID token it hands out says another nonce or another
// audience, signed again with that key (`resign`: the same claims, signed again).
//
// Prints `listening <issuer>` when ready.
import { createHash, createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, redirectUri, clientId, clientSecret, flavour] = process.argv.slice(2);
const github = flavour === 'github';
const apple = flavour === 'apple';
const issuer = `http://127.0.0.1:${port}`;
const GITHUB_SCOPES = 'read:user user:email';

const tamper = process.env.TAMPER_ID_TOKEN;
let signingKey;

function freshKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  signingKey = privateKey;
  const jwk = privateKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] };
}

function account(login) {
  const unverified = login.startsWith('unverified:');
  const email = unverified ? login.slice('unverified:'.length) : login;
  const sub = `sub-${Buffer.from(email).toString('hex')}`;
  return {
    accountId: sub,
    claims: async () =>
      apple
        ? // Apple: no names in the token, a string for a boolean.
          { sub, email, email_verified: String(!unverified), is_private_email: 'false' }
        : {
            sub,
            email,
            email_verified: !unverified,
            given_name: 'Oidc',
            family_name: 'Tester',
            name: 'Oidc Tester',
          },
  };
}
const logins = new Map();

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUri.split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: github || apple ? 'client_secret_post' : 'client_secret_basic',
    },
  ],
  ...(apple ? { clientAuthMethods: ['client_secret_post'] } : {}),
  ...(process.env.FRESH_KEYS === '1' || tamper ? { jwks: freshKeys() } : {}),
  scopes: github ? ['read:user', 'user:email'] : apple ? ['openid', 'name'] : ['openid', 'offline_access'],
  routes: github
    ? { authorization: '/login/oauth/authorize', token: '/login/oauth/access_token' }
    : {},
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
  },
  // The claims the scopes grant go in the ID token too, as Google puts them.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, sub) => logins.get(sub),
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(github ? GITHUB_SCOPES : apple ? 'openid name email' : 'openid email profile');
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

// Apple: the answer only as a form POST, with the name beside the code.
provider.use(async (ctx, next) => {
  if (!apple) return next();
  if (ctx.path === '/auth' && ctx.method === 'GET' && !ctx.query.uid) {
    if (ctx.query.response_mode !== 'form_post') {
      ctx.status = 400;
      ctx.body = 'Apple answers a request for the name or email only with response_mode=form_post';
      return;
    }
  }
  await next();
  const accountId = ctx.oidc?.session?.accountId;
  if (typeof ctx.body === 'string' && ctx.body.includes('Submitting Callback') && accountId) {
    const user = JSON.stringify({ name: { firstName: 'Apple', lastName: 'Tester' } });
    const field = `<input type="hidden" name="user" value="${user.replace(/"/g, '&quot;')}"/>`;
    ctx.body = ctx.body.replace('<noscript>', `${field}\n    <noscript>`);
  }
});

// Apple: the client secret is a JWT the client signs; checked here, then handed on
// to oidc-provider as the registered secret.
function appleSecretValid(jwt) {
  try {
    const [head, body, sig] = jwt.split('.');
    const header = JSON.parse(Buffer.from(head, 'base64url'));
    const claims = JSON.parse(Buffer.from(body, 'base64url'));
    const key = createPublicKey(process.env.APPLE_PUBLIC_KEY);
    const signed = verify('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
    const now = Math.floor(Date.now() / 1000);
    return signed && header.alg === 'ES256' && header.kid === process.env.APPLE_KEY_ID
      && claims.iss === process.env.APPLE_TEAM_ID && claims.sub === clientId
      && claims.aud === issuer && claims.exp > now && claims.iat <= now + 60;
  } catch {
    return false;
  }
}
provider.use(async (ctx, next) => {
  if (!apple || ctx.path !== '/token' || ctx.method !== 'POST') return next();
  const raw = await new Promise((resolve) => {
    let data = '';
    ctx.req.on('data', (c) => (data += c));
    ctx.req.on('end', () => resolve(data));
  });
  const form = new URLSearchParams(raw);
  if (appleSecretValid(form.get('client_secret') || '')) {
    form.set('client_secret', clientSecret);
  } else {
    form.delete('client_secret');
  }
  // Read: oidc-provider takes the body from here.
  ctx.req.body = form.toString();
  return next();
});

// A tampered ID token, validly signed: the relying party must check the claims.
provider.use(async (ctx, next) => {
  await next();
  if (!tamper || ctx.path !== '/token' || ctx.method !== 'POST' || !ctx.body?.id_token) return;
  const [head, body] = ctx.body.id_token.split('.');
  const claims = JSON.parse(Buffer.from(body, 'base64url'));
  if (tamper === 'nonce') claims.nonce = 'not-the-nonce-it-was-sent';
  if (tamper === 'audience') claims.aud = 'another-client';
  const changed = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${head}.${changed}`), signingKey);
  ctx.body = { ...ctx.body, id_token: `${head}.${changed}.${signature.toString('base64url')}` };
});

// GitHub's REST API: the user and their emails, for a live access token.
provider.use(async (ctx, next) => {
  const route = ctx.path.match(/^\/api\/v3\/user(\/emails)?$/);
  if (!github || !route) return next();
  const bearer = (ctx.get('authorization') || '').replace(/^Bearer /i, '');
  const token = bearer && (await provider.AccessToken.find(bearer));
  const found = token && logins.get(token.accountId);
  if (!found) {
    ctx.status = 401;
    ctx.body = { message: 'Bad credentials' };
    return;
  }
  const { email, email_verified: verified, name } = await found.claims();
  if (route[1]) {
    ctx.body = [
      { email: `${found.accountId}@users.noreply.github.com`, primary: false, verified: true },
      { email, primary: true, verified, visibility: 'private' },
    ];
  } else {
    // GitHub's ids are numbers; this one is made from the login.
    const id = parseInt(createHash('sha256').update(email).digest('hex').slice(0, 12), 16);
    ctx.body = { login: email.split('@')[0], id, name, email: null };
  }
});

// The sign-in page: GET shows a form, POST signs in as the login given.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = `<form method="post" action="/interaction/${details.uid}"><input name="login"><button>Sign in</button></form>`;
    return;
  }
  const body = await new Promise((resolve) => {
    let data = '';
    ctx.req.on('data', (c) => (data += c));
    ctx.req.on('end', () => resolve(new URLSearchParams(data)));
  });
  const login = body.get('login');
  if (body.get('deny') === '1') {
    await provider.interactionFinished(ctx.req, ctx.res, {
      error: 'access_denied',
      error_description: 'The user said no',
    });
    ctx.respond = false;
    return;
  }
  const found = account(login);
  logins.set(found.accountId, found);
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: found.accountId } });
  ctx.respond = false;
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
