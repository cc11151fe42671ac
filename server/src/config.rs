//! Instance settings: what Clerk keeps in its Dashboard, here in one TOML file.
//!
//! Every field has a default, so a bare `fapi-server` runs a development instance.
//! Secrets and deployment facts can be overridden from the environment (`FAPI_*`).

use std::{net::SocketAddr, path::Path, time::Duration};

use serde::{Deserialize, Serialize};

/// The whole configuration of one instance.
///
/// ```
/// let s: fapi_server::config::Settings = toml::from_str(r#"
///     application_name = "Acme"
///     [second_factors]
///     phone_code = true
///     [mfa]
///     required = true
/// "#).unwrap();
/// assert!(s.mfa.required);
/// assert_eq!(s.password_min_length(), 8);
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub application_name: String,
    pub environment: Environment,
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` (the folder is created) or `postgres://user@host/db`
    /// (created if missing; several instances may share it).
    pub database_url: String,
    /// The public URL of this server, used as the session token `iss`. Empty: taken
    /// from each request's `Host`.
    pub frontend_api_url: String,
    /// Origins (`scheme://host[:port]`) allowed to call with credentials. In development,
    /// any `http://localhost:*` and `http://127.0.0.1:*` is allowed besides these.
    pub allowed_origins: Vec<String>,
    /// A second sign-in on a client with a session answers `session_exists`.
    pub single_session_mode: bool,
    /// Development only: test phones and `+clerk_test` emails take code 424242.
    pub test_mode: bool,
    /// Take the client IP from `X-Forwarded-For`, for requests whose peer is one of
    /// `trusted_proxies` (anyone else could write any address into it).
    pub trust_forwarded_for: bool,
    /// Your proxies' addresses, as CIDR blocks (`"10.0.0.0/8"`, `"::1/128"`): only a
    /// request from one of them has its `X-Forwarded-For` read, as nginx's
    /// `set_real_ip_from`. Required with `trust_forwarded_for`.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How many proxies of yours append to `X-Forwarded-For`: the client is the
    /// entry this far from the right (what the outermost one saw).
    pub forwarded_hops: u32,
    /// Let a development instance (test codes, `/dev/outbox`) listen beyond loopback.
    pub allow_remote_development: bool,
    /// Answer `form_password_or_identifier_incorrect` instead of telling unknown accounts apart.
    pub enumeration_protection: bool,
    /// Serve a built web app (trunk's `dist/`) from this folder on the same origin as
    /// the API; paths that are no file get `index.html` (client-side routes).
    pub static_dir: Option<std::path::PathBuf>,
    /// The session-signing key (P-256, PKCS#8 PEM) from a file you manage, instead of
    /// one the server makes and keeps in its database. Replace the file and restart to
    /// rotate: the old key stays published until its last token has expired.
    pub signing_key_file: Option<std::path::PathBuf>,
    /// The key that seals authenticator-app secrets in the database. Unset: a
    /// `fapi-secrets.key` beside the database file, created on first start (back it up
    /// with the database, but keep it out of database dumps).
    pub secrets_key_file: Option<std::path::PathBuf>,
    /// Origins besides this server's own that hosted pages may send people back to
    /// (`redirect_url`); `allowed_origins` count too, and in development any
    /// loopback origin.
    pub allowed_redirect_origins: Vec<String>,
    /// Production across subdomains: the `__client` cookie's `Domain` (`example.com`),
    /// so that an app on `app.example.com` and hosted pages on `clerk.example.com`
    /// share the client. Unset: the cookie stays on this server's host.
    pub cookie_domain: Option<String>,
    pub hosted_pages: HostedPages,
    pub theme: Theme,
    pub sign_in: SignInPolicy,
    pub urls: Urls,
    pub identifiers: Identifiers,
    pub second_factors: SecondFactors,
    pub passkeys: Passkeys,
    pub mfa: Mfa,
    pub password: PasswordPolicy,
    /// What users may do with their own account.
    pub user: UserPolicy,
    pub codes: Codes,
    pub lockout: Lockout,
    pub limits: Limits,
    pub session: SessionPolicy,
    pub sms: SmsProtection,
    /// Hourly quotas on emails (codes and "someone tried" notices), as for texts.
    pub email: EmailProtection,
    pub delivery: Delivery,
    pub dashboard: Dashboard,
    pub backend_api: BackendApi,
    /// The app's endpoints that receive Clerk's events (`[[webhook_endpoints]]`).
    pub webhook_endpoints: Vec<WebhookEndpoint>,
    /// Named JWT templates (`[[jwt_templates]]`): tokens with their own claims and
    /// lifetime for a third-party service (Clerk's `getToken({ template })`).
    pub jwt_templates: Vec<JwtTemplate>,
    /// Sign-in with a provider (`[[social]]`): Google, GitLab or any OpenID Connect
    /// provider, as Clerk's "Continue with Google".
    pub social: Vec<SocialProvider>,
    /// `FAPI_DASHBOARD_PASSWORD`: an administrator named by `FAPI_DASHBOARD_ADMIN`
    /// (default `admin`), hashed at start. Never printed.
    #[serde(skip)]
    pub dashboard_password: Option<(String, String)>,
}

/// The Backend API for the app's own server (`/v1/users`, `/v1/sessions`,
/// `/v1/jwks`, as Clerk's), opened by the instance's secret keys. With none it is off.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackendApi {
    /// `sk_test_…` in development, `sk_live_…` in production, at least 32 characters
    /// after the prefix. Also `FAPI_SECRET_KEY`. More than one lets a key be rolled.
    pub secret_keys: Vec<String>,
    /// A file with more keys, one per line, for keys kept out of the settings file.
    pub secret_keys_file: Option<std::path::PathBuf>,
}

/// An endpoint of the app's that receives Clerk's events as Svix sends them
/// (`svix-id`, `svix-timestamp`, `svix-signature`), retried until it takes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpoint {
    /// `https://app.example.com/webhooks/clerk` (`http` only to loopback, or in
    /// development).
    pub url: String,
    /// The signing secret, `whsec_` and base64 of at least 24 random bytes (Svix's
    /// and Clerk's format): `whsec_$(openssl rand -base64 32)`.
    pub secret: String,
    /// The events it wants (`user.created`, `session.revoked`, …); none: all but
    /// `email.created` and `sms.created`, which carry codes and come only by name.
    #[serde(default)]
    pub events: Vec<String>,
}

impl WebhookEndpoint {
    /// Whether it wants events of `kind`. `email.created` and `sms.created` carry
    /// codes: only an endpoint that names them gets them.
    pub fn wants(&self, kind: &str) -> bool {
        if self.events.is_empty() {
            !crate::store::webhook_events::OPT_IN.contains(&kind)
        } else {
            self.events.iter().any(|e| e == kind)
        }
    }

    /// Whether any endpoint wants `kind`.
    pub fn any_wants(endpoints: &[WebhookEndpoint], kind: &str) -> bool {
        endpoints.iter().any(|e| e.wants(kind))
    }

    /// The signing key the secret names.
    pub fn key(&self) -> Option<Vec<u8>> {
        use base64::Engine;
        let encoded = self.secret.strip_prefix("whsec_")?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .filter(|key| key.len() >= 24)
    }

    /// Refuses an endpoint that cannot work, or one at the URL of one `before` it
    /// (deliveries are kept by URL: two endpoints there would be one).
    pub(crate) fn check(
        &self,
        before: &[WebhookEndpoint],
        production: bool,
    ) -> Result<(), ConfigError> {
        let n = before.len() + 1;
        let invalid = |m: String| Err(ConfigError::Invalid(format!("webhook_endpoints {n}: {m}")));
        if before.iter().any(|e| e.url == self.url) {
            return invalid(format!("{} is already an endpoint", shown_url(&self.url)));
        }
        let Ok(url) = reqwest::Url::parse(&self.url) else {
            return invalid(format!("url {:?} is not a URL", self.url));
        };
        let loopback = url.host_str().is_some_and(|host| {
            host.trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .map_or(host == "localhost", |ip| ip.is_loopback())
        });
        match url.scheme() {
            "https" => {}
            "http" if loopback || !production => {}
            _ => {
                return invalid(
                    "url must be https (http only to loopback or in development)".into(),
                )
            }
        }
        if self.key().is_none() {
            return invalid(
                "secret must be whsec_ and base64 of at least 24 bytes (never printed)".into(),
            );
        }
        for event in &self.events {
            if !crate::store::webhook_events::KINDS.contains(&event.as_str()) {
                return invalid(format!(
                    "unknown event {event:?}: one of {}",
                    crate::store::webhook_events::KINDS.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// An identity provider people sign in with (`[[social]]`). OpenID Connect: the
/// provider's endpoints and keys come from its issuer's discovery document; GitHub
/// speaks plain OAuth 2 and says who the person is through its REST API.
///
/// ```
/// let s: fapi_server::config::Settings = toml::from_str(r#"
///     [[social]]
///     provider = "google"
///     client_id = "1234.apps.googleusercontent.com"
///     client_secret = "GOCSPX-…"
/// "#).unwrap();
/// assert_eq!(s.social[0].strategy(), "oauth_google");
/// assert_eq!(s.social[0].issuer(), "https://accounts.google.com");
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialProvider {
    /// `google`, `github`, `microsoft`, `apple`, `gitlab`, or a name of your own
    /// (lowercase letters, digits, `_`) for any other OpenID Connect provider, which
    /// then needs `issuer`. The strategy is `oauth_<provider>`.
    pub provider: String,
    pub client_id: String,
    /// Better set through `FAPI_SOCIAL_<PROVIDER>_CLIENT_SECRET`. Never printed.
    /// Apple has none: the server signs one with `private_key` for each exchange.
    #[serde(default)]
    pub client_secret: String,
    /// Apple only: the team ID of the Apple developer account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// Apple only: the ID of the Sign in with Apple key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Apple only: that key, the `.p8` file's PEM text. Better set through
    /// `FAPI_SOCIAL_APPLE_PRIVATE_KEY`. Never printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    /// The issuer whose discovery document names the endpoints; the provider's own
    /// for the known ones. Microsoft: personal accounts unless set to your tenant's
    /// (`https://login.microsoftonline.com/<tenant id>/v2.0`). GitHub: the site
    /// (`https://github.com`, or your GitHub Enterprise Server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// GitHub only: the REST API's root. `https://api.github.com` for github.com,
    /// `<issuer>/api/v3` for GitHub Enterprise Server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// The button's name ("Continue with …"); the known providers have theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the provider's `email_verified` is taken as proof that the person owns
    /// the address, so that a sign-in joins the account with that email. Only for
    /// providers that own or check every address they vouch for. Unset: only Google's
    /// own addresses (`@gmail.com`) from Google's own issuer; a Google or GitHub
    /// account can carry any address whose mail its maker once received (a lapsed
    /// company domain bought again), and Microsoft's `email` is not checked at all.
    /// Otherwise the account with that email keeps signing in as before, and a
    /// sign-up with it is refused as taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_verified_email: Option<bool>,
}

/// Without the client secret and Apple's key: a `{:?}` must not print them.
impl std::fmt::Debug for SocialProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialProvider")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("issuer", &self.issuer)
            .field("api_url", &self.api_url)
            .field("team_id", &self.team_id)
            .field("key_id", &self.key_id)
            .field("name", &self.name)
            .field("trust_verified_email", &self.trust_verified_email)
            .finish_non_exhaustive()
    }
}

/// How a provider says who the person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// An ID token, checked against the issuer's published keys.
    OpenIdConnect,
    /// An OAuth 2 access token, then the user and their emails from GitHub's API.
    GitHub,
}

/// What is known of a built-in provider.
struct Known {
    provider: &'static str,
    issuer: &'static str,
    name: &'static str,
    /// Email domains the provider owns: its `email_verified` is proof for these.
    owned_domains: &'static [&'static str],
    protocol: Protocol,
}

/// Microsoft's tenant of personal accounts (outlook.com, Xbox): its issuer is
/// fixed, unlike `common`'s, whose discovery names a placeholder issuer.
const MICROSOFT_CONSUMERS: &str =
    "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";

impl SocialProvider {
    const KNOWN: &'static [Known] = &[
        Known {
            provider: "google",
            issuer: "https://accounts.google.com",
            name: "Google",
            owned_domains: &["gmail.com", "googlemail.com"],
            protocol: Protocol::OpenIdConnect,
        },
        Known {
            provider: "github",
            issuer: "https://github.com",
            name: "GitHub",
            owned_domains: &[],
            protocol: Protocol::GitHub,
        },
        Known {
            provider: "microsoft",
            issuer: MICROSOFT_CONSUMERS,
            name: "Microsoft",
            owned_domains: &[],
            protocol: Protocol::OpenIdConnect,
        },
        Known {
            provider: "apple",
            issuer: "https://appleid.apple.com",
            name: "Apple",
            owned_domains: &[
                "privaterelay.appleid.com",
                "icloud.com",
                "me.com",
                "mac.com",
            ],
            protocol: Protocol::OpenIdConnect,
        },
        Known {
            provider: "gitlab",
            issuer: "https://gitlab.com",
            name: "GitLab",
            owned_domains: &[],
            protocol: Protocol::OpenIdConnect,
        },
    ];

    fn known(&self) -> Option<&'static Known> {
        Self::KNOWN.iter().find(|k| k.provider == self.provider)
    }

    /// `oauth_<provider>`, as Clerk names the strategy.
    pub fn strategy(&self) -> String {
        format!("oauth_{}", self.provider)
    }

    pub fn protocol(&self) -> Protocol {
        self.known()
            .map(|k| k.protocol)
            .unwrap_or(Protocol::OpenIdConnect)
    }

    pub fn issuer(&self) -> &str {
        match (&self.issuer, self.known()) {
            (Some(issuer), _) => issuer,
            (None, Some(k)) => k.issuer,
            (None, None) => "",
        }
    }

    /// Whether the client secret is a JWT the server signs (Apple's).
    pub fn signs_its_secret(&self) -> bool {
        self.provider == "apple"
    }

    /// GitHub's REST API root (see `api_url`).
    pub fn api_url(&self) -> String {
        match (&self.api_url, self.issuer.as_deref()) {
            (Some(api), _) => api.trim_end_matches('/').to_owned(),
            (None, Some(site)) if site.trim_end_matches('/') != "https://github.com" => {
                format!("{}/api/v3", site.trim_end_matches('/'))
            }
            _ => "https://api.github.com".to_owned(),
        }
    }

    pub fn display_name(&self) -> String {
        match (&self.name, self.known()) {
            (Some(name), _) => name.clone(),
            (None, Some(k)) => k.name.to_owned(),
            (None, None) => self.provider.clone(),
        }
    }

    /// Whether this provider's `email_verified` proves `email` is the person's (see
    /// `trust_verified_email`): by default only for the addresses a built-in provider
    /// owns, and only when it is the provider's own issuer.
    pub fn vouches_for(&self, email: &str) -> bool {
        if let Some(trusted) = self.trust_verified_email {
            return trusted;
        }
        let Some(known) = self.known().filter(|k| self.issuer() == k.issuer) else {
            return false;
        };
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        known
            .owned_domains
            .iter()
            .any(|owned| domain.eq_ignore_ascii_case(owned))
    }

    /// Refuses a provider that cannot work, or one configured twice.
    pub(crate) fn check(
        &self,
        earlier: &[SocialProvider],
        production: bool,
    ) -> Result<(), ConfigError> {
        let invalid = |m: &str| {
            Err(ConfigError::Invalid(format!(
                "social {:?}: {m}",
                self.provider
            )))
        };
        let name_ok = !self.provider.is_empty()
            && self.provider.len() <= 32
            && self
                .provider
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !name_ok {
            return invalid("the provider must be 1 to 32 lowercase letters, digits or _");
        }
        if earlier.iter().any(|p| p.provider == self.provider) {
            return invalid("configured twice");
        }
        if self.client_id.is_empty() {
            return invalid("client_id is required");
        }
        let apple_key = [&self.team_id, &self.key_id, &self.private_key];
        if self.signs_its_secret() {
            if apple_key
                .iter()
                .any(|v| v.as_deref().is_none_or(str::is_empty))
            {
                return invalid("team_id, key_id and private_key are required for Apple");
            }
            let pem = self.private_key.as_deref().unwrap_or_default();
            if jsonwebtoken::EncodingKey::from_ec_pem(pem.as_bytes()).is_err() {
                return invalid("private_key must be the PEM text of Apple's .p8 key");
            }
        } else if self.client_secret.is_empty() {
            return invalid("client_secret is required");
        } else if apple_key.iter().any(|v| v.is_some()) {
            return invalid("team_id, key_id and private_key are for Apple only");
        }
        let issuer = self.issuer();
        if issuer.is_empty() {
            return invalid("issuer is required for a provider that is not built in");
        }
        let secure = |url: &str| {
            let loopback = url.starts_with("http://127.0.0.1:")
                || url.starts_with("http://localhost:")
                || url.starts_with("http://[::1]:");
            url.starts_with("https://") || (!production && loopback)
        };
        if !secure(issuer) {
            return invalid("the issuer must be https (http only to loopback in development)");
        }
        if self.api_url.is_some() && self.protocol() != Protocol::GitHub {
            return invalid("api_url is for GitHub only");
        }
        if !secure(&self.api_url()) {
            return invalid("api_url must be https (http only to loopback in development)");
        }
        Ok(())
    }
}

/// A JWT template: Clerk's default claims (`azp`, `exp`, `iat`, `iss`, `jti`, `nbf`,
/// `sub`) and `claims`, whose strings may name the user's data with Clerk's
/// shortcodes (`"{{user.primary_email_address}}"`, `"{{user.public_metadata.plan}}"`);
/// a string that is one shortcode takes its value's JSON type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtTemplate {
    /// What the app asks for: `get_token_with("supabase")`. Letters, digits, `-`, `_`.
    pub name: String,
    /// 30 s to 24 h; 60 s when not given.
    #[serde(default = "JwtTemplate::default_lifetime")]
    pub lifetime_seconds: u64,
    #[serde(default)]
    pub claims: serde_json::Map<String, serde_json::Value>,
    /// An HS256 secret the third party shares (Supabase's JWT secret, at least 32
    /// bytes): tokens are signed with it instead of the instance's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
}

impl JwtTemplate {
    fn default_lifetime() -> u64 {
        60
    }

    /// Clerk's claims a template cannot set.
    /// With a session token's own (`sid`, `sts`, `v`, `fva`): a template token must
    /// never pass for one.
    pub const RESERVED: &'static [&'static str] = &[
        "azp", "exp", "iat", "iss", "jti", "nbf", "sub", "sid", "sts", "v", "fva",
    ];

    /// Refuses a template that cannot work, or one named as one in `seen`; adds its
    /// name to `seen`.
    pub(crate) fn check(&self, seen: &mut Vec<String>) -> Result<(), ConfigError> {
        let invalid = |m: String| {
            Err(ConfigError::Invalid(format!(
                "jwt_templates {:?}: {m}",
                self.name
            )))
        };
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return invalid("the name must be 1 to 64 letters, digits, - or _".into());
        }
        if seen.contains(&self.name) {
            return invalid("two templates have this name".into());
        }
        seen.push(self.name.clone());
        if !(30..=86_400).contains(&self.lifetime_seconds) {
            return invalid("lifetime_seconds must be 30 to 86400".into());
        }
        if let Some(reserved) = self
            .claims
            .keys()
            .find(|k| Self::RESERVED.contains(&k.as_str()))
        {
            return invalid(format!("{reserved} is set by the server"));
        }
        if self.signing_key.as_ref().is_some_and(|k| k.len() < 32) {
            return invalid("signing_key must be at least 32 bytes (never printed)".into());
        }
        let claims = serde_json::Value::Object(self.claims.clone());
        if let Err(unknown) = crate::flows::jwt_templates::check_shortcodes(&claims) {
            return invalid(format!("unknown shortcode {unknown}"));
        }
        Ok(())
    }
}

/// What follows a secret key's prefix: enough that it cannot be guessed.
pub const SECRET_KEY_MIN_RANDOM: usize = 32;

impl Settings {
    /// The Backend API's secret keys: the settings', `FAPI_SECRET_KEY`'s and the
    /// file's. Each is checked: the prefix matches the environment and the rest is
    /// long enough.
    pub fn backend_secret_keys(&self) -> Result<Vec<String>, ConfigError> {
        let mut keys = self.backend_api.secret_keys.clone();
        if let Some(path) = &self.backend_api.secret_keys_file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.display().to_string(),
                source,
            })?;
            keys.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            );
        }
        let prefix = match self.environment {
            Environment::Development => "sk_test_",
            Environment::Production => "sk_live_",
        };
        for (n, key) in keys.iter().enumerate() {
            let rest = key.strip_prefix(prefix).ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "backend_api secret key {} must start with {prefix} in {} (never printed)",
                    n + 1,
                    if self.is_development() {
                        "development"
                    } else {
                        "production"
                    }
                ))
            })?;
            if rest.chars().count() < SECRET_KEY_MIN_RANDOM
                || !rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(ConfigError::Invalid(format!(
                    "backend_api secret key {} needs at least {SECRET_KEY_MIN_RANDOM} letters \
                     and digits after {prefix}",
                    n + 1
                )));
            }
        }
        Ok(keys)
    }
}

/// The accounts portal: `/sign-in`, `/sign-up` and `/user` on this server, built from
/// yew-clerk's components (`portal/`, built by `cargo xtask portal`, `demo` and `test`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HostedPages {
    /// Off: the paths are free (and `display_config` names no hosted URL). With a
    /// `static_dir`, the app's own pages win anyway.
    pub enabled: bool,
    /// The built portal (trunk's `dist/`). Unset: the workspace's
    /// `target/portal/dist`, where `cargo xtask portal` puts it.
    pub dir: Option<std::path::PathBuf>,
}

impl Default for HostedPages {
    fn default() -> Self {
        HostedPages {
            enabled: true,
            dir: None,
        }
    }
}

/// How sign-in treats new devices.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignInPolicy {
    /// Device Trust (Clerk's "Client Trust"): a password sign-in from a client the
    /// user never signed in on, by a user without two-step verification, answers
    /// `needs_client_trust` and must also prove an email or SMS code. Unset: on in
    /// production, off in development (as Clerk's default for new applications).
    pub client_trust: Option<bool>,
}

/// The hosted pages' colours (CSS hex); empty: the components' own.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Theme {
    pub primary_color: String,
    pub background_color: String,
}

/// Whether `v` is empty or a CSS hex colour (`#abc`, `#aabbcc`).
pub fn is_hex_colour(v: &str) -> bool {
    v.is_empty()
        || v.strip_prefix('#').is_some_and(|h| {
            (h.len() == 3 || h.len() == 6) && h.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// Who may sign in to `/dashboard`. Nobody by default: the dashboard is off until an
/// administrator is configured here or through `FAPI_DASHBOARD_PASSWORD`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Dashboard {
    pub admins: Vec<Admin>,
}

/// One administrator; make the hash with `fapi-server --hash-password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Admin {
    pub name: String,
    /// An Argon2id PHC string (`$argon2id$v=19$...`).
    pub password_hash: String,
}

/// Against SMS pumping (toll fraud, security.md §6): where texts may go, and how
/// many. Test-mode numbers send nothing and count toward none of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsProtection {
    /// Where texts may go (empty: anywhere; a production instance warns at start).
    /// Each entry is a region (ISO 3166 alpha-2, `"US"`, `"GB"`: the numbers
    /// libphonenumber places there), or a calling code with any more leading digits
    /// (`"44"`, or an area code such as `"1415"`). A bare `"1"` is refused: it is the
    /// whole North American Numbering Plan, some 25 countries.
    pub allowed_countries: Vec<String>,
    pub per_number_per_hour: u32,
    pub per_ip_per_hour: u32,
    pub per_account_per_hour: u32,
    /// The whole instance: past it, nothing is sent (and it is logged) until the hour refills.
    pub per_hour: u32,
}

impl Default for SmsProtection {
    fn default() -> Self {
        SmsProtection {
            allowed_countries: Vec::new(),
            per_number_per_hour: 5,
            per_ip_per_hour: 10,
            per_account_per_hour: 5,
            per_hour: 1000,
        }
    }
}

/// Hourly quotas on the emails the server sends on request (codes; the notice that
/// someone tried to sign up with a taken address): per address, per client address,
/// per account and for the whole instance, as [`SmsProtection`]'s for texts.
/// Test-mode addresses count toward none of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailProtection {
    pub per_address_per_hour: u32,
    pub per_ip_per_hour: u32,
    pub per_account_per_hour: u32,
    /// The whole instance: past it, no email is sent until the hour refills.
    pub per_hour: u32,
}

impl Default for EmailProtection {
    fn default() -> Self {
        EmailProtection {
            per_address_per_hour: 10,
            per_ip_per_hour: 30,
            per_account_per_hour: 10,
            per_hour: 5000,
        }
    }
}

impl SmsProtection {
    /// Whether a text may go to this E.164 number.
    pub fn allows(&self, e164: &str) -> bool {
        if self.allowed_countries.is_empty() {
            return true;
        }
        let Some(digits) = e164.strip_prefix('+') else {
            return false;
        };
        let region = phonenumber::parse(None, e164)
            .ok()
            .and_then(|n| n.country().id());
        self.allowed_countries.iter().any(|entry| {
            if entry.bytes().all(|b| b.is_ascii_digit()) {
                digits.starts_with(entry.as_str())
            } else {
                region.is_some_and(|r| r.as_ref().eq_ignore_ascii_case(entry))
            }
        })
    }

    /// Why an `allowed_countries` entry is not one, if it is not.
    fn check_entry(entry: &str) -> Result<(), &'static str> {
        if entry.bytes().all(|b| b.is_ascii_digit()) {
            return match entry.len() {
                0 => Err("is empty"),
                _ if entry == "1" => Err(
                    "is the whole North American Numbering Plan (the US, Canada and some 23 \
                     countries of the Caribbean and the Pacific): name the regions (\"US\", \"CA\") \
                     or area codes (\"1415\")",
                ),
                1..=15 => Ok(()),
                _ => Err("is longer than any phone number"),
            };
        }
        if entry.len() == 2
            && entry
                .to_ascii_uppercase()
                .parse::<phonenumber::country::Id>()
                .is_ok()
        {
            Ok(())
        } else {
            Err("is neither a region (ISO 3166 alpha-2, such as \"US\") nor a calling code (\"44\")")
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Production => "production",
        }
    }
}

/// The URLs of `display_config`; empty means "not set".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Urls {
    pub home: String,
    pub sign_in: String,
    pub sign_up: String,
    pub user_profile: String,
    pub after_sign_in: String,
    pub after_sign_up: String,
    pub after_sign_out: String,
}

/// Whether an attribute is collected at sign-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    Required,
    Optional,
    Off,
}

impl Requirement {
    pub fn on(self) -> bool {
        self != Requirement::Off
    }
}

/// Which identifiers users sign up and sign in with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Identifiers {
    pub email_address: Requirement,
    /// A phone as identifier; phones used only as a second factor need `second_factors.phone_code`.
    pub phone_number: Requirement,
    pub username: Requirement,
    pub first_name: Requirement,
    pub last_name: Requirement,
}

impl Default for Identifiers {
    fn default() -> Self {
        Identifiers {
            email_address: Requirement::Required,
            phone_number: Requirement::Off,
            username: Requirement::Off,
            first_name: Requirement::Optional,
            last_name: Requirement::Optional,
        }
    }
}

/// The second factors users may enrol.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecondFactors {
    pub phone_code: bool,
    pub totp: bool,
    pub backup_code: bool,
    /// A code to a verified email address the user reserved for two-step
    /// verification. Off by default: a mailbox is often behind the same password.
    pub email_code: bool,
}

/// All three on, as people expect to find them (and the demo shows them).
impl Default for SecondFactors {
    fn default() -> Self {
        SecondFactors {
            phone_code: true,
            totp: true,
            backup_code: true,
            email_code: false,
        }
    }
}

/// Passkeys (WebAuthn): a sign-in without a password, and a second factor a
/// phishing page cannot relay, because the browser binds each signature to the
/// page's origin and the relying party's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Passkeys {
    /// On by default, as Clerk's instances offer them (and the demo shows them).
    pub enabled: bool,
    /// The relying party id: the app's registrable domain (`example.com`), which
    /// every origin below is, or is under. In development, `localhost` when unset.
    pub rp_id: Option<String>,
    /// Where the sign-in runs (`https://app.example.com`). In development, unset:
    /// `http://localhost` on any port.
    pub origins: Vec<String>,
}

impl Default for Passkeys {
    fn default() -> Self {
        Passkeys {
            enabled: true,
            rp_id: None,
            origins: Vec::new(),
        }
    }
}

impl Passkeys {
    /// The relying party id and origins in force; `None` when passkeys are off.
    /// Production needs both set, each origin https and on the relying party's
    /// domain: a wrong one would make every passkey fail, or bind to the wrong site.
    pub fn relying_party(
        &self,
        production: bool,
    ) -> Result<Option<(String, Vec<reqwest::Url>)>, ConfigError> {
        if !self.enabled {
            return Ok(None);
        }
        let invalid = |m: String| Err(ConfigError::Invalid(format!("[passkeys] {m}")));
        let rp_id = match (&self.rp_id, production) {
            (Some(id), _) if !id.trim().is_empty() => id.trim().to_ascii_lowercase(),
            (_, true) => {
                return invalid(
                    "rp_id is required in production: your app's domain (example.com), \
                     or enabled = false"
                        .into(),
                )
            }
            (_, false) => "localhost".to_owned(),
        };
        if rp_id.parse::<std::net::IpAddr>().is_ok() || rp_id.contains(['/', ':']) {
            return invalid(format!(
                "rp_id {rp_id:?} must be a domain name (browsers refuse IP addresses and URLs)"
            ));
        }
        if production && self.origins.is_empty() {
            return invalid("origins is required in production: where your sign-in page runs (https://app.example.com)".into());
        }
        let mut origins = Vec::new();
        for origin in &self.origins {
            let Ok(url) = reqwest::Url::parse(origin) else {
                return invalid(format!("origin {origin:?} is not a URL"));
            };
            let host = url.host_str().unwrap_or("").to_ascii_lowercase();
            if host != rp_id && !host.ends_with(&format!(".{rp_id}")) {
                return invalid(format!(
                    "origin {origin} is not on rp_id {rp_id}: a passkey made there would not work"
                ));
            }
            if production && url.scheme() != "https" {
                return invalid(format!("origin {origin} must be https in production"));
            }
            origins.push(url);
        }
        Ok(Some((rp_id, origins)))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mfa {
    /// Every user must have a second factor: until one is on, their sessions are
    /// `pending` with the `setup-mfa` task, and the last one cannot be removed.
    pub required: bool,
    /// "Don't ask again on this device for N days" after a right second factor: a
    /// later password sign-in of the same user on the same client skips the second
    /// factor. 0 (the default): off.
    pub remember_device_days: u32,
    /// Whether a remembered device also skips the second factor of users who must
    /// have one (`required`, or an administrator's requirement). Off: they are asked
    /// at every sign-in.
    pub remember_device_when_required: bool,
    /// "I lost access to my second factor": a user with their password and an email
    /// code may open a recovery that, after `recovery_wait_seconds` (every address of
    /// the account told, any of them able to cancel), removes their second factors.
    pub recovery: bool,
    /// How long an account recovery waits before it can complete (72 hours).
    pub recovery_wait_seconds: u32,
}

/// The recovery on, with its three days' wait.
impl Default for Mfa {
    fn default() -> Self {
        Mfa {
            required: false,
            remember_device_days: 0,
            remember_device_when_required: false,
            recovery: true,
            recovery_wait_seconds: 72 * 3600,
        }
    }
}

/// NIST 800-63B-4: no composition rules; length is what counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Unset: 15 code points, or 8 when MFA is required for everyone (N-PW-1).
    pub min_length: Option<u32>,
    /// Unset: 128 code points.
    pub max_length: Option<u32>,
}

/// What users may do with their own account (Clerk's `user_settings.actions`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserPolicy {
    /// Clerk's "Allow users to delete their accounts": `DELETE /v1/me` (after a fresh
    /// "verify it's you") deletes the account and everything of it, and
    /// `<UserProfile/>` shows "Delete account". Off: 403 `delete_self_not_enabled`.
    pub delete_self: bool,
}

/// One-time codes sent by SMS or email.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Codes {
    pub lifetime_seconds: u64,
    pub max_attempts: u32,
    pub resend_cooldown_seconds: u64,
}

impl Default for Codes {
    fn default() -> Self {
        Codes {
            lifetime_seconds: 600,
            max_attempts: 5,
            resend_cooldown_seconds: 30,
        }
    }
}

/// Account lockout after failed passwords and codes, all factors together (see
/// `flows::lockout`): per source, and per account for new devices.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lockout {
    pub enabled: bool,
    /// Failures from one source (an address, or one of the user's known devices)
    /// that lock that source out of the account.
    pub max_attempts: u32,
    /// Failures from every source together that lock the account for new devices
    /// (the owner's known devices and live sessions go on).
    pub account_max_attempts: u32,
    pub duration_minutes: u32,
}

impl Default for Lockout {
    fn default() -> Self {
        Lockout {
            enabled: true,
            max_attempts: 10,
            account_max_attempts: 100,
            duration_minutes: 60,
        }
    }
}

/// Per-IP request limits, each over a 10-second window.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub sign_in_create_per_10s: u32,
    pub sign_up_create_per_10s: u32,
    /// New clients (`POST|PUT /v1/client`, `POST /v1/dev_browser`): each is a row.
    pub client_create_per_10s: u32,
    /// Sign-up updates that set a password: each runs Argon2.
    pub sign_up_password_per_10s: u32,
    /// Code and password attempts, for each action on its own (as Clerk counts them):
    /// sign-in first factor, sign-in second factor, sign-up and `/v1/me` verification.
    pub attempts_per_10s: u32,
    /// Requests for a code to be sent (every `prepare_*`), together.
    pub prepare_per_10s: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_in_create_per_10s: 5,
            sign_up_create_per_10s: 5,
            client_create_per_10s: 10,
            sign_up_password_per_10s: 5,
            attempts_per_10s: 3,
            prepare_per_10s: 5,
        }
    }
}

/// Session lifetimes (NIST AAL2: 24 h overall, 1 h idle).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionPolicy {
    pub lifetime_hours: u64,
    pub idle_minutes: u64,
    pub token_lifetime_seconds: u64,
    /// How recent a session's factor verifications must be for a sensitive change
    /// (2FA, password, emails and phones, other devices); older asks "verify it's you".
    pub reverification_seconds: u64,
    /// What a sensitive change needs verified within that time: `second_factor`
    /// (Clerk's `strict`, the default: the second factor when the user has one, else
    /// the first), `multi_factor` (Clerk's `strict_mfa`: the first and then the
    /// second), or `first_factor`.
    pub reverification_level: fapi_types::SessionVerificationLevel,
    /// How session tokens are signed: `ES256` (P-256, small and fast) or `RS256`
    /// (RSA 2048, Clerk's own, which Clerk's backend SDKs require).
    pub token_algorithm: TokenAlgorithm,
}

/// A session token's signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TokenAlgorithm {
    #[default]
    #[serde(rename = "ES256")]
    Es256,
    #[serde(rename = "RS256")]
    Rs256,
}

impl TokenAlgorithm {
    /// As a JWT header names it.
    pub fn name(self) -> &'static str {
        match self {
            TokenAlgorithm::Es256 => "ES256",
            TokenAlgorithm::Rs256 => "RS256",
        }
    }
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            lifetime_hours: 24,
            idle_minutes: 60,
            token_lifetime_seconds: 60,
            reverification_seconds: 600,
            reverification_level: fapi_types::SessionVerificationLevel::SecondFactor,
            token_algorithm: TokenAlgorithm::Es256,
        }
    }
}

/// How codes reach people.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Delivery {
    pub sms: SmsDelivery,
    pub email: EmailDelivery,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "lowercase", deny_unknown_fields)]
pub enum SmsDelivery {
    /// Log the message and keep it readable at `GET /dev/outbox` (development).
    #[default]
    Outbox,
    Webhook(Webhook),
    Twilio(Twilio),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "lowercase", deny_unknown_fields)]
pub enum EmailDelivery {
    #[default]
    Outbox,
    Webhook(Webhook),
    Smtp(Smtp),
}

/// POSTs each message as JSON; signs the body with HMAC-SHA256 when `secret` is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    #[serde(default)]
    pub secret: Option<String>,
}

/// Twilio's Messages API.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Twilio {
    pub account_sid: String,
    /// Better set through `FAPI_TWILIO_AUTH_TOKEN`.
    #[serde(default)]
    pub auth_token: String,
    /// A sender number, or use `messaging_service_sid`.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub messaging_service_sid: Option<String>,
    #[serde(default = "Twilio::default_base_url")]
    pub base_url: String,
}

impl Twilio {
    fn default_base_url() -> String {
        "https://api.twilio.com".into()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (default), `tls`, or `none` (loopback relays only).
    #[serde(default)]
    pub tls: SmtpTls,
    #[serde(default)]
    pub username: Option<String>,
    /// Better set through `FAPI_SMTP_PASSWORD`.
    #[serde(default)]
    pub password: Option<String>,
    pub from: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    #[default]
    Starttls,
    Tls,
    None,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            application_name: "My Application".into(),
            environment: Environment::Development,
            listen: "127.0.0.1:3000".parse().expect("valid address"),
            database_url: "sqlite://.fapi/fapi.db".into(),
            frontend_api_url: String::new(),
            allowed_origins: Vec::new(),
            single_session_mode: true,
            test_mode: true,
            trust_forwarded_for: false,
            trusted_proxies: Vec::new(),
            forwarded_hops: 1,
            allow_remote_development: false,
            enumeration_protection: false,
            static_dir: None,
            signing_key_file: None,
            secrets_key_file: None,
            allowed_redirect_origins: Vec::new(),
            cookie_domain: None,
            hosted_pages: HostedPages::default(),
            theme: Theme::default(),
            sign_in: SignInPolicy::default(),
            urls: Urls::default(),
            identifiers: Identifiers::default(),
            second_factors: SecondFactors::default(),
            passkeys: Passkeys::default(),
            mfa: Mfa::default(),
            password: PasswordPolicy::default(),
            user: UserPolicy::default(),
            codes: Codes::default(),
            lockout: Lockout::default(),
            limits: Limits::default(),
            session: SessionPolicy::default(),
            sms: SmsProtection::default(),
            email: EmailProtection::default(),
            delivery: Delivery::default(),
            dashboard: Dashboard::default(),
            backend_api: BackendApi::default(),
            webhook_endpoints: Vec::new(),
            jwt_templates: Vec::new(),
            social: Vec::new(),
            dashboard_password: None,
        }
    }
}

/// Why the settings could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("parsing {path}: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("environment variable {name}: {message}")]
    Env { name: &'static str, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Keys whose values are secrets wherever they appear in the settings.
const SECRET_KEYS: &[&str] = &[
    "auth_token",
    "secret",
    "password",
    "password_hash",
    "secret_keys",
    "signing_key",
    "client_secret",
    "private_key",
];

impl Settings {
    /// The settings as TOML for `--print-config`, secrets replaced by `"<redacted>"`
    /// (also the password in `database_url`): the output lands in terminals and tickets.
    pub fn printable(&self) -> Result<String, toml::ser::Error> {
        fn redact(value: &mut toml::Value) {
            match value {
                toml::Value::Table(table) => {
                    for (key, v) in table.iter_mut() {
                        let secret = SECRET_KEYS.contains(&key.as_str())
                            && v.as_str().is_some_and(|s| !s.is_empty());
                        if secret {
                            *v = toml::Value::String("<redacted>".into());
                        } else if SECRET_KEYS.contains(&key.as_str()) && v.is_array() {
                            if let toml::Value::Array(items) = v {
                                items.iter_mut().for_each(|item| {
                                    *item = toml::Value::String("<redacted>".into())
                                });
                            }
                        } else if key == "database_url" {
                            if let toml::Value::String(url) = v {
                                *url = redact_url_password(url);
                            }
                        } else if key == "url" {
                            if let toml::Value::String(url) = v {
                                *url = shown_url(url);
                            }
                        } else {
                            redact(v);
                        }
                    }
                }
                toml::Value::Array(items) => items.iter_mut().for_each(redact),
                _ => {}
            }
        }
        let mut value = toml::Value::try_from(self)?;
        redact(&mut value);
        toml::to_string_pretty(&value)
    }
}

/// A webhook URL as logs, pages and `--print-config` show it: credentials and the
/// query (where a token may ride) replaced.
pub fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            if !parsed.username().is_empty() || parsed.password().is_some() {
                let _ = parsed.set_username("redacted");
                let _ = parsed.set_password(None);
            }
            if parsed.query().is_some() {
                parsed.set_query(Some("redacted"));
            }
            parsed.to_string()
        }
        Err(_) => "<not a URL>".into(),
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:<redacted>@host/db`.
fn redact_url_password(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[start..].find('/').map_or(url.len(), |i| start + i);
    let Some(at) = url[start..authority_end].rfind('@').map(|i| start + i) else {
        return url.to_owned();
    };
    match url[start..at].find(':') {
        Some(colon) => format!("{}<redacted>{}", &url[..start + colon + 1], &url[at..]),
        None => url.to_owned(),
    }
}

impl Settings {
    /// Reads a TOML file (or the defaults), then applies `FAPI_*` overrides.
    pub fn load(path: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut settings = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.display().to_string(),
                    source,
                })?
            }
            None => Settings::default(),
        };
        settings.apply_env(|name| std::env::var(name).ok())?;
        settings.validate()?;
        Ok(settings)
    }

    /// Applies overrides from a variable lookup (the process environment in `load`).
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = var("FAPI_LISTEN") {
            self.listen = v.parse().map_err(|e| ConfigError::Env {
                name: "FAPI_LISTEN",
                message: format!("{e}"),
            })?;
        }
        if let Some(v) = var("FAPI_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = var("FAPI_ENVIRONMENT") {
            self.environment = match v.as_str() {
                "development" => Environment::Development,
                "production" => Environment::Production,
                _ => {
                    return Err(ConfigError::Env {
                        name: "FAPI_ENVIRONMENT",
                        message: "must be development or production".into(),
                    })
                }
            };
        }
        if let Some(v) = var("FAPI_FRONTEND_API_URL") {
            self.frontend_api_url = v;
        }
        if let Some(v) = var("FAPI_STATIC_DIR") {
            self.static_dir = Some(v.into());
        }
        if let Some(v) = var("FAPI_SIGNING_KEY_FILE") {
            self.signing_key_file = Some(v.into());
        }
        if let Some(v) = var("FAPI_SECRET_KEY").filter(|v| !v.is_empty()) {
            self.backend_api.secret_keys.push(v);
        }
        for provider in &mut self.social {
            let name = format!(
                "FAPI_SOCIAL_{}_CLIENT_SECRET",
                provider.provider.to_uppercase()
            );
            if let Some(v) = var(&name).filter(|v| !v.is_empty()) {
                provider.client_secret = v;
            }
            let name = format!(
                "FAPI_SOCIAL_{}_PRIVATE_KEY",
                provider.provider.to_uppercase()
            );
            if let Some(v) = var(&name).filter(|v| !v.is_empty()) {
                provider.private_key = Some(v);
            }
        }
        if let Some(v) = var("FAPI_SECRETS_KEY_FILE") {
            self.secrets_key_file = Some(v.into());
        }
        if let Some(v) = var("FAPI_HOSTED_PAGES_DIR") {
            self.hosted_pages.dir = Some(v.into());
        }
        if let Some(v) = var("FAPI_COOKIE_DOMAIN") {
            self.cookie_domain = Some(v).filter(|d| !d.is_empty());
        }
        if let Some(v) = var("FAPI_ALLOWED_REDIRECT_ORIGINS") {
            self.allowed_redirect_origins = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(v) = var("FAPI_ALLOWED_ORIGINS") {
            self.allowed_origins = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(password) = var("FAPI_DASHBOARD_PASSWORD").filter(|p| !p.is_empty()) {
            let name = var("FAPI_DASHBOARD_ADMIN").unwrap_or_else(|| "admin".into());
            self.dashboard_password = Some((name, password));
        }
        if let Some(v) = var("FAPI_TWILIO_AUTH_TOKEN") {
            if let SmsDelivery::Twilio(t) = &mut self.delivery.sms {
                t.auth_token = v;
            }
        }
        if let Some(v) = var("FAPI_SMTP_PASSWORD") {
            if let EmailDelivery::Smtp(s) = &mut self.delivery.email {
                s.password = Some(v);
            }
        }
        Ok(())
    }

    /// Refuses settings that cannot work, before the server starts.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: &str| Err(ConfigError::Invalid(m.into()));
        self.backend_secret_keys()?;
        for (n, endpoint) in self.webhook_endpoints.iter().enumerate() {
            endpoint.check(&self.webhook_endpoints[..n], !self.is_development())?;
        }
        let mut names = Vec::new();
        for template in &self.jwt_templates {
            template.check(&mut names)?;
        }
        for (n, provider) in self.social.iter().enumerate() {
            provider.check(&self.social[..n], !self.is_development())?;
        }
        if !self.identifiers.email_address.on()
            && !self.identifiers.phone_number.on()
            && !self.identifiers.username.on()
        {
            return invalid(
                "at least one identifier (email_address, phone_number, username) must be on",
            );
        }
        if self.mfa.required
            && !self.second_factors.phone_code
            && !self.second_factors.totp
            && !self.second_factors.email_code
        {
            return invalid("mfa.required needs phone_code, totp or email_code enabled");
        }
        if self.second_factors.backup_code
            && !self.second_factors.phone_code
            && !self.second_factors.totp
            && !self.second_factors.email_code
        {
            return invalid(
                "backup_code needs phone_code, totp or email_code: codes alone are no second step",
            );
        }
        if self.mfa.remember_device_days > 365 {
            return invalid("mfa.remember_device_days must be 0 (off) to 365");
        }
        // A short wait is for trying the recovery out; in production it is what keeps
        // an attacker with the password and the mailbox from rushing it.
        let shortest_wait = if self.is_development() { 1 } else { 3600 };
        if self.mfa.recovery && self.mfa.recovery_wait_seconds < shortest_wait {
            return invalid(if self.is_development() {
                "mfa.recovery_wait_seconds must be at least 1"
            } else {
                "mfa.recovery_wait_seconds must be at least 3600 (an hour) in production"
            });
        }
        if self.codes.max_attempts == 0 || self.codes.lifetime_seconds == 0 {
            return invalid("codes.max_attempts and codes.lifetime_seconds must be positive");
        }
        if self.password_min_length() > self.password_max_length() {
            return invalid("password.min_length exceeds password.max_length");
        }
        if self.environment == Environment::Production && self.frontend_api_url.is_empty() {
            return invalid(
                "production needs frontend_api_url (the token issuer; never taken from the Host header)",
            );
        }
        self.check_listen_address(self.listen)?;
        if self.session.reverification_seconds == 0 {
            return invalid("session.reverification_seconds must be positive");
        }
        if self.forwarded_hops == 0 {
            return invalid("forwarded_hops must be at least 1");
        }
        if self.trust_forwarded_for && self.trusted_proxies.is_empty() {
            return invalid(
                "trust_forwarded_for needs trusted_proxies (your proxies' addresses, e.g. [\"10.0.0.0/8\"]): \
                 X-Forwarded-For from anyone else is whatever they wrote",
            );
        }
        let limits = &self.limits;
        if limits.attempts_per_10s == 0
            || limits.sign_in_create_per_10s == 0
            || limits.sign_up_create_per_10s == 0
            || limits.client_create_per_10s == 0
            || limits.sign_up_password_per_10s == 0
            || limits.prepare_per_10s == 0
        {
            return invalid("limits must be positive");
        }
        if let Some(dir) = &self.static_dir {
            if !dir.join("index.html").is_file() {
                return Err(ConfigError::Invalid(format!(
                    "static_dir {} has no index.html",
                    dir.display()
                )));
            }
        }
        for o in self
            .allowed_origins
            .iter()
            .chain(&self.allowed_redirect_origins)
        {
            if !(o.starts_with("http://") || o.starts_with("https://")) || o.ends_with('/') {
                return Err(ConfigError::Invalid(format!(
                    "allowed origin {o:?} must look like https://app.example.com"
                )));
            }
        }
        if self.environment == Environment::Production
            && matches!(self.delivery.sms, SmsDelivery::Outbox)
            && self.second_factors.phone_code
        {
            tracing::warn!("production instance delivers SMS to the log outbox only");
        }
        if self.environment == Environment::Production
            && self.second_factors.phone_code
            && self.sms.allowed_countries.is_empty()
        {
            tracing::warn!(
                "sms.allowed_countries is empty: texts may go to any country (set the calling codes you serve)"
            );
        }
        if !is_hex_colour(&self.theme.primary_color) || !is_hex_colour(&self.theme.background_color)
        {
            return invalid("theme colours are CSS hex colours such as #6c47ff");
        }
        if let Some(domain) = &self.cookie_domain {
            let host = self
                .frontend_api_url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split(['/', ':']).next())
                .unwrap_or("");
            let domain = domain.trim_start_matches('.');
            if domain.is_empty() || !(host == domain || host.ends_with(&format!(".{domain}"))) {
                return Err(ConfigError::Invalid(format!(
                    "cookie_domain {domain:?} must be frontend_api_url's host or a parent of it"
                )));
            }
        }
        for admin in &self.dashboard.admins {
            if admin.name.trim().is_empty()
                || argon2::PasswordHash::new(&admin.password_hash).is_err()
            {
                return Err(ConfigError::Invalid(format!(
                    "dashboard admin {:?} needs a name and an Argon2id password_hash \
                     (make one with `fapi-server --hash-password`)",
                    admin.name
                )));
            }
        }
        if let Some((_, password)) = &self.dashboard_password {
            if password.chars().count() < 12 {
                return invalid("FAPI_DASHBOARD_PASSWORD must be at least 12 characters");
            }
        }
        let sms = &self.sms;
        if sms.per_number_per_hour == 0
            || sms.per_ip_per_hour == 0
            || sms.per_account_per_hour == 0
            || sms.per_hour == 0
        {
            return invalid("sms limits must be positive");
        }
        let email = &self.email;
        if email.per_address_per_hour == 0
            || email.per_ip_per_hour == 0
            || email.per_account_per_hour == 0
            || email.per_hour == 0
        {
            return invalid("email limits must be positive");
        }
        for entry in &sms.allowed_countries {
            if let Err(why) = SmsProtection::check_entry(entry) {
                return Err(ConfigError::Invalid(format!(
                    "sms.allowed_countries: {entry:?} {why}"
                )));
            }
        }
        self.passkeys.relying_party(!self.is_development())?;
        Ok(())
    }

    /// Test codes and `/dev/outbox` must never face the internet by accident: a
    /// development instance listens on loopback unless told otherwise.
    pub fn check_listen_address(&self, addr: SocketAddr) -> Result<(), ConfigError> {
        if self.is_development() && !addr.ip().is_loopback() && !self.allow_remote_development {
            return Err(ConfigError::Invalid(format!(
                "a development instance listens on loopback only, not {addr} \
                 (test codes and /dev/outbox are on): set allow_remote_development = true \
                 if you mean it"
            )));
        }
        Ok(())
    }

    /// Whether a password from a new client needs a code too (Device Trust).
    pub fn client_trust(&self) -> bool {
        self.sign_in
            .client_trust
            .unwrap_or(self.environment == Environment::Production)
    }

    pub fn is_development(&self) -> bool {
        self.environment == Environment::Development
    }

    /// Test numbers and `+clerk_test` emails are honoured only in development.
    pub fn test_mode_active(&self) -> bool {
        self.is_development() && self.test_mode
    }

    pub fn password_min_length(&self) -> u32 {
        self.password
            .min_length
            .unwrap_or(if self.mfa.required { 8 } else { 15 })
    }

    pub fn password_max_length(&self) -> u32 {
        self.password.max_length.unwrap_or(128)
    }

    pub fn code_lifetime(&self) -> Duration {
        Duration::from_secs(self.codes.lifetime_seconds)
    }
}

impl Settings {
    /// Where the secret-sealing key is: the configured file, else beside the
    /// database file. `None` for an in-memory database (its secrets die with it).
    pub fn secrets_key_path(&self) -> Option<std::path::PathBuf> {
        if let Some(path) = &self.secrets_key_file {
            return Some(path.clone());
        }
        let file = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        let file = file.split('?').next().unwrap_or(file);
        if file.is_empty() || file.starts_with(':') {
            return None;
        }
        let dir = std::path::Path::new(file).parent()?;
        Some(dir.join("fapi-secrets.key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_go_to_regions_and_calling_codes_not_to_all_of_nanp() {
        let only = |entries: &[&str]| SmsProtection {
            allowed_countries: entries.iter().map(|e| e.to_string()).collect(),
            ..SmsProtection::default()
        };
        let us_ca = only(&["US", "ca"]);
        assert!(us_ca.allows("+14155552671"), "San Francisco");
        assert!(
            us_ca.allows("+16135550123")
                || us_ca.allows("+14165550199")
                || us_ca.allows("+16042223333"),
            "Canada"
        );
        assert!(!us_ca.allows("+18765550123"), "Jamaica");
        assert!(!us_ca.allows("+18095550123"), "the Dominican Republic");
        assert!(!us_ca.allows("+447700900123"));
        let uk_and_one_area = only(&["44", "1415"]);
        assert!(uk_and_one_area.allows("+447700900123"));
        assert!(uk_and_one_area.allows("+14155552671"));
        assert!(!uk_and_one_area.allows("+12125552671"));
        for bad in ["1", "", "USA", "U1", "1234567890123456"] {
            assert!(SmsProtection::check_entry(bad).is_err(), "{bad:?}");
        }
        for good in ["US", "gb", "44", "1415"] {
            assert!(SmsProtection::check_entry(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn printed_settings_hold_no_secret() {
        let mut s = Settings {
            database_url: "postgres://fapi:db-secret@db.internal:5432/fapi".into(),
            ..Settings::default()
        };
        s.dashboard.admins = vec![Admin {
            name: "ops".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        }];
        s.delivery.email = EmailDelivery::Webhook(Webhook {
            url: "https://hooks.example/mail".into(),
            secret: Some("whsec_do_not_print".into()),
        });
        let text = s.printable().unwrap();
        for secret in ["db-secret", "argon2id", "whsec_do_not_print"] {
            assert!(!text.contains(secret), "{secret} printed:\n{text}");
        }
        assert!(
            text.contains("postgres://fapi:<redacted>@db.internal:5432/fapi"),
            "{text}"
        );
        assert!(text.contains("ops"), "names stay");
        assert_eq!(
            redact_url_password("sqlite://target/demo/fapi.db"),
            "sqlite://target/demo/fapi.db"
        );
    }

    #[test]
    fn the_secrets_key_sits_beside_the_database_unless_configured() {
        let mut s = Settings {
            database_url: "sqlite://data/dir/fapi.db?mode=rwc".into(),
            ..Settings::default()
        };
        assert_eq!(
            s.secrets_key_path(),
            Some(std::path::PathBuf::from("data/dir/fapi-secrets.key"))
        );
        s.database_url = "sqlite::memory:".into();
        assert_eq!(s.secrets_key_path(), None);
        s.secrets_key_file = Some("/etc/fapi/secrets.key".into());
        assert_eq!(
            s.secrets_key_path(),
            Some(std::path::PathBuf::from("/etc/fapi/secrets.key"))
        );
    }

    #[test]
    fn defaults_describe_a_development_instance() {
        let s = Settings::default();
        assert!(s.is_development());
        assert_eq!(s.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(s.identifiers.email_address, Requirement::Required);
        assert!(s.second_factors.phone_code);
        assert_eq!(s.password_min_length(), 15);
        assert_eq!(
            (
                s.codes.lifetime_seconds,
                s.codes.max_attempts,
                s.codes.resend_cooldown_seconds
            ),
            (600, 5, 30)
        );
        assert_eq!(
            (s.lockout.max_attempts, s.lockout.duration_minutes),
            (10, 60)
        );
    }

    #[test]
    fn env_overrides_win_over_the_file() {
        let mut s: Settings = toml::from_str("listen = \"127.0.0.1:4000\"").unwrap();
        s.apply_env(|name| match name {
            "FAPI_LISTEN" => Some("127.0.0.1:5000".into()),
            "FAPI_DATABASE_URL" => Some("sqlite://x.db".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(s.listen.port(), 5000);
        assert_eq!(s.database_url, "sqlite://x.db");
    }

    #[test]
    fn providers_are_tagged_and_unknown_keys_refused() {
        let s: Settings = toml::from_str(
            "[delivery.sms]\nprovider = \"twilio\"\naccount_sid = \"AC1\"\nfrom = \"+15005550006\"",
        )
        .unwrap();
        assert!(
            matches!(s.delivery.sms, SmsDelivery::Twilio(ref t) if t.base_url == "https://api.twilio.com")
        );
        assert!(toml::from_str::<Settings>("aplication_name = \"typo\"").is_err());
    }

    #[test]
    fn social_providers_are_checked_and_their_secrets_never_printed() {
        let google = SocialProvider {
            provider: "google".into(),
            client_id: "1234.apps.googleusercontent.com".into(),
            client_secret: "GOCSPX-very-secret".into(),
            ..SocialProvider::default()
        };
        let s = Settings {
            social: vec![google.clone()],
            ..Settings::default()
        };
        s.validate().unwrap();
        let printed = s.printable().unwrap();
        assert!(!printed.contains("very-secret"), "{printed}");
        assert!(google.vouches_for("someone@gmail.com"));
        assert!(
            !google.vouches_for("alice@startup.example"),
            "a Google account may carry any address whose mail its maker once received"
        );
        let lookalike = SocialProvider {
            issuer: Some("https://login.acme.example".into()),
            ..google.clone()
        };
        assert!(
            !lookalike.vouches_for("someone@gmail.com"),
            "not Google's issuer"
        );
        // Two of one provider, an own provider without an issuer, a plain-http issuer
        // off loopback, a missing secret: refused.
        for bad in [
            vec![google.clone(), google.clone()],
            vec![SocialProvider {
                provider: "acme".into(),
                ..google.clone()
            }],
            vec![SocialProvider {
                provider: "acme".into(),
                issuer: Some("http://login.acme.example".into()),
                ..google.clone()
            }],
            vec![SocialProvider {
                client_secret: String::new(),
                ..google.clone()
            }],
            vec![SocialProvider {
                api_url: Some("https://api.acme.example".into()),
                ..google.clone()
            }],
            vec![SocialProvider {
                provider: "github".into(),
                api_url: Some("http://api.github.example".into()),
                ..google.clone()
            }],
        ] {
            let s = Settings {
                social: bad,
                ..Settings::default()
            };
            assert!(s.validate().is_err());
        }
        let acme = SocialProvider {
            provider: "acme".into(),
            issuer: Some("https://login.acme.example".into()),
            ..google
        };
        assert!(
            !acme.vouches_for("someone@gmail.com"),
            "only the built-in ones are trusted by default"
        );
        assert_eq!(acme.display_name(), "acme");
        let mut s = Settings {
            social: vec![acme],
            ..Settings::default()
        };
        s.apply_env(|name| (name == "FAPI_SOCIAL_ACME_CLIENT_SECRET").then(|| "from-env".into()))
            .unwrap();
        assert_eq!(s.social[0].client_secret, "from-env");
    }

    #[test]
    fn built_in_providers_know_their_endpoints_and_how_they_speak() {
        let named = |provider: &str| SocialProvider {
            provider: provider.into(),
            client_id: "id".into(),
            client_secret: "secret".into(),
            ..SocialProvider::default()
        };
        let github = named("github");
        assert_eq!(github.protocol(), Protocol::GitHub);
        assert_eq!(github.issuer(), "https://github.com");
        assert_eq!(github.api_url(), "https://api.github.com");
        assert_eq!(github.display_name(), "GitHub");
        assert!(
            !github.vouches_for("someone@github.com"),
            "a GitHub account's verified email was once received, not owned"
        );
        let enterprise = SocialProvider {
            issuer: Some("https://git.corp.example/".into()),
            ..github
        };
        assert_eq!(enterprise.api_url(), "https://git.corp.example/api/v3");
        let microsoft = named("microsoft");
        assert_eq!(microsoft.protocol(), Protocol::OpenIdConnect);
        assert_eq!(microsoft.issuer(), MICROSOFT_CONSUMERS);
        assert!(!microsoft.vouches_for("someone@outlook.com"));
        assert_eq!(named("acme").protocol(), Protocol::OpenIdConnect);
        let s = Settings {
            social: vec![named("github"), named("microsoft"), named("gitlab")],
            ..Settings::default()
        };
        s.validate().unwrap();

        // Apple signs its client secret with the developer's key: the key is needed,
        // and never printed.
        let key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwRzW/wGVijfZWaST\nNF7j1nxhOQdWpEj/6qoSmSdsk+KhRANCAATnevcVGMXSIhAB4wwGoBwpj0UdXBji\n20CKZupwOBdrMsgFbPKqIRIizukXv2C/Nz/Ai7gdVm0yTRHoCoA7FULE\n-----END PRIVATE KEY-----\n";
        let apple = SocialProvider {
            provider: "apple".into(),
            client_id: "com.example.web".into(),
            team_id: Some("TEAM123456".into()),
            key_id: Some("KEY1234567".into()),
            private_key: Some(key.into()),
            ..SocialProvider::default()
        };
        assert_eq!(apple.issuer(), "https://appleid.apple.com");
        assert!(apple.vouches_for("x@privaterelay.appleid.com"));
        let s = Settings {
            social: vec![apple.clone()],
            ..Settings::default()
        };
        s.validate().unwrap();
        assert!(!s.printable().unwrap().contains("MIGHAgEA"));
        assert!(
            !format!("{s:?}").contains("MIGHAgEA"),
            "nor in a debug print"
        );
        for bad in [
            SocialProvider {
                private_key: None,
                ..apple.clone()
            },
            SocialProvider {
                private_key: Some("not a key".into()),
                ..apple.clone()
            },
            SocialProvider {
                provider: "google".into(),
                client_secret: "secret".into(),
                ..apple
            },
        ] {
            let s = Settings {
                social: vec![bad],
                ..Settings::default()
            };
            assert!(s.validate().is_err());
        }
    }

    #[test]
    fn webhook_urls_are_shown_without_credentials_or_query() {
        assert_eq!(
            shown_url("https://u:secret@hooks.example.com/x?token=abc"),
            "https://redacted@hooks.example.com/x?redacted"
        );
        assert_eq!(
            shown_url("https://hooks.example.com/x"),
            "https://hooks.example.com/x"
        );
        let s = Settings {
            webhook_endpoints: vec![WebhookEndpoint {
                url: "https://hooks.example.com/x?token=abc".into(),
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8G".into(),
                events: Vec::new(),
            }],
            ..Settings::default()
        };
        let printed = s.printable().unwrap();
        assert!(
            !printed.contains("token=abc") && !printed.contains("MfKQ9r8"),
            "{printed}"
        );
    }

    #[test]
    fn the_example_file_documents_the_defaults() {
        let example: Settings = toml::from_str(include_str!("../fapi.example.toml")).unwrap();
        example.validate().unwrap();
        let defaults = Settings::default();
        assert_eq!(
            toml::to_string(&example).unwrap(),
            toml::to_string(&defaults).unwrap()
        );
    }

    #[test]
    fn impossible_settings_are_refused() {
        let mut s = Settings::default();
        s.second_factors.phone_code = false;
        s.second_factors.totp = false;
        s.mfa.required = true;
        assert!(s.validate().is_err());
        s.mfa.required = false;
        assert!(
            s.validate().is_err(),
            "backup codes alone are no second step"
        );
        s.second_factors.backup_code = false;
        assert!(s.validate().is_ok());
        let s = Settings {
            allowed_origins: vec!["app.example.com".into()],
            ..Settings::default()
        };
        assert!(s.validate().is_err());
        let s = Settings {
            environment: Environment::Production,
            ..Settings::default()
        };
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("frontend_api_url"));
        let s = Settings {
            environment: Environment::Production,
            frontend_api_url: "https://clerk.example.com".into(),
            passkeys: production_passkeys(),
            ..Settings::default()
        };
        s.validate().unwrap();
    }

    /// Passkeys as a production instance sets them: its domain, its app's origin.
    fn production_passkeys() -> Passkeys {
        Passkeys {
            rp_id: Some("example.com".into()),
            origins: vec!["https://app.example.com".into()],
            ..Passkeys::default()
        }
    }

    #[test]
    fn passkeys_need_their_relying_party_in_production() {
        let production = |passkeys: Passkeys| Settings {
            environment: Environment::Production,
            frontend_api_url: "https://clerk.example.com".into(),
            passkeys,
            ..Settings::default()
        };
        let refused = |passkeys: Passkeys, why: &str| {
            let e = production(passkeys).validate().unwrap_err().to_string();
            assert!(e.contains(why), "{why} in {e}");
        };
        refused(Passkeys::default(), "rp_id is required");
        refused(
            Passkeys {
                rp_id: Some("example.com".into()),
                ..Passkeys::default()
            },
            "origins is required",
        );
        refused(
            Passkeys {
                origins: vec!["https://app.other.com".into()],
                ..production_passkeys()
            },
            "is not on rp_id",
        );
        refused(
            Passkeys {
                origins: vec!["http://app.example.com".into()],
                ..production_passkeys()
            },
            "must be https",
        );
        refused(
            Passkeys {
                rp_id: Some("127.0.0.1".into()),
                ..production_passkeys()
            },
            "must be a domain name",
        );
        production(production_passkeys()).validate().unwrap();
        production(Passkeys {
            enabled: false,
            ..Passkeys::default()
        })
        .validate()
        .unwrap();
        // Development: localhost on any port, nothing to set.
        let (rp_id, origins) = Passkeys::default().relying_party(false).unwrap().unwrap();
        assert_eq!((rp_id.as_str(), origins.len()), ("localhost", 0));
    }

    #[test]
    fn an_account_recovery_waits_at_least_an_hour_in_production() {
        let mut s = Settings {
            environment: Environment::Production,
            frontend_api_url: "https://clerk.example.com".into(),
            passkeys: production_passkeys(),
            ..Settings::default()
        };
        assert_eq!(s.mfa.recovery_wait_seconds, 72 * 3600);
        s.mfa.recovery_wait_seconds = 60;
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("recovery_wait_seconds"));
        s.mfa.recovery = false;
        s.validate().unwrap();
        let mut s = Settings::default();
        s.mfa.recovery_wait_seconds = 4;
        s.validate().unwrap();
        s.mfa.recovery_wait_seconds = 0;
        assert!(s.validate().is_err());
    }

    #[test]
    fn development_stays_on_loopback_unless_told() {
        let mut s = Settings {
            listen: "0.0.0.0:3000".parse().unwrap(),
            ..Settings::default()
        };
        assert!(s.validate().unwrap_err().to_string().contains("loopback"));
        s.allow_remote_development = true;
        s.validate().unwrap();
        let s = Settings {
            environment: Environment::Production,
            frontend_api_url: "https://clerk.example.com".into(),
            passkeys: production_passkeys(),
            listen: "0.0.0.0:3000".parse().unwrap(),
            ..Settings::default()
        };
        s.validate().unwrap();
    }
}
