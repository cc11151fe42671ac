//! What every route shares.

use std::{ops::Deref, sync::Arc};

use crate::{
    codes::CodeHasher, config::Settings, db::Db, delivery::Delivery, keys::SigningKeys,
    limits::RateLimits, live_settings::LiveSettings, passwords::Passwords,
};

#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

pub struct Shared {
    /// The file's settings overlaid with what the dashboard saved; see [`Shared::settings`].
    pub live: LiveSettings,
    pub db: Db,
    pub passwords: Passwords,
    pub codes: CodeHasher,
    /// Backup codes' HMAC, keyed from the secrets key (outside the database), so a
    /// copy of the database alone cannot test guesses at them.
    pub backup_codes: CodeHasher,
    /// Seals authenticator-app secrets at rest.
    pub secrets: crate::secret_box::SecretBox,
    pub signing: SigningKeys,
    pub delivery: Delivery,
    /// Wakes the worker that delivers queued messages (`flows::outgoing`).
    pub outgoing: Arc<tokio::sync::Notify>,
    pub limits: RateLimits,
    /// The built hosted pages, when they are served (`hosted_pages::find_dir`).
    pub portal: Option<std::path::PathBuf>,
    /// Who may sign in to the dashboard; none: it is off.
    pub admins: Vec<DashboardAdmin>,
    /// The Backend API's secret keys, as SHA-256 digests; none: it is off.
    pub secret_keys: Vec<[u8; 32]>,
    /// This instance's id in Clerk's form (`ins_…`), as webhook events name it: made
    /// once per database.
    pub instance_id: String,
    /// Sign-in with a provider: its discovery documents and HTTP client.
    pub providers: crate::flows::social::Providers,
}

/// An administrator as the dashboard checks them.
pub struct DashboardAdmin {
    pub name: String,
    pub password_hash: String,
    /// A keyed fingerprint of the password: a session made under another one (the
    /// password changed since) is no longer good.
    pub credential: String,
}

impl Shared {
    /// The settings in force now. A request takes them once and keeps them, so a
    /// dashboard change never lands halfway through it.
    pub fn settings(&self) -> Arc<Settings> {
        self.live.current()
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
