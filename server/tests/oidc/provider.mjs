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
//   node provider.mjs <port> <redirect_uri> <client_id> <client_secret> [github]
//
// Prints `listening <issuer>` when ready.
import { createHash } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, redirectUri, clientId, clientSecret, flavour] = process.argv.slice(2);
const github = flavour === 'github';
const issuer = `http://127.0.0.1:${port}`;
const GITHUB_SCOPES = 'read:user user:email';

function account(login) {
  const unverified = login.startsWith('unverified:');
  const email = unverified ? login.slice('unverified:'.length) : login;
  const sub = `sub-${Buffer.from(email).toString('hex')}`;
  return {
    accountId: sub,
    claims: async () => ({
      sub,
      email,
      email_verified: !unverified,
      given_name: 'Oidc',
      family_name: 'Tester',
      name: 'Oidc Tester',
    }),
  };
}
const logins = new Map();

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: github ? 'client_secret_post' : 'client_secret_basic',
    },
  ],
  scopes: github ? ['read:user', 'user:email'] : ['openid', 'offline_access'],
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
    grant.addOIDCScope(github ? GITHUB_SCOPES : 'openid email profile');
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

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
