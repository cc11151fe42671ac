//! `fapi-server`: a self-hostable server speaking Clerk's Frontend API (FAPI) subset —
//! sign-up, sign-in, and two-step verification by SMS code — so Clerk-style clients
//! (like `yew-clerk`) run with no account anywhere.
//!
//! ```no_run
//! # async fn demo() -> Result<(), fapi_server::StartError> {
//! let settings = fapi_server::config::Settings::load(None).expect("valid settings");
//! let server = fapi_server::Server::start(settings).await?;
//! println!("FAPI at http://{}", server.addr());
//! server.wait().await;
//! # Ok(()) }
//! ```

pub mod codes;
pub mod common_passwords;
pub mod config;
mod dashboard;
pub mod db;
pub mod delivery;
pub mod editable_settings;
pub mod error;
pub mod factors;
mod flows;
pub mod hosted_pages;
pub mod http;
pub mod ids;
pub mod keys;
pub mod limits;
pub mod live_settings;
pub mod passwords;
mod render;
mod routes;
pub mod secret_box;
pub mod state;
mod static_files;
pub mod store;
pub mod totp;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{extract::Request, ServiceExt};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tower::util::MapRequestLayer;
use tower::Layer;

use crate::{
    codes::CodeHasher,
    config::Settings,
    db::Db,
    delivery::Delivery,
    limits::RateLimits,
    passwords::Passwords,
    state::{AppState, Shared},
    store::identifications::{EMAIL, PHONE},
};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] db::DbError),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error(transparent)]
    Secrets(#[from] secret_box::SecretBoxError),
    #[error("delivery: {0}")]
    Delivery(#[from] delivery::DeliveryError),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// Turning a method off would silently drop these accounts' two-step verification.
    #[error(
        "second_factors.{method} is off, but these accounts use it for two-step verification: \
         {users:?}{more}; turn it back on, or have them switch first"
    )]
    SecondFactorInUse {
        method: &'static str,
        users: Vec<String>,
        more: &'static str,
    },
    /// Instances on one PostgreSQL must seal and open with one key, kept apart
    /// from the database; there is no file beside which to make one.
    #[error(
        "on PostgreSQL, secrets_key_file (FAPI_SECRETS_KEY_FILE) is required: the key that \
         seals authenticator-app secrets, kept out of the database. The first start makes \
         the file if it is missing; give every instance a copy of that same file"
    )]
    SecretsKeyRequired,
    /// What the dashboard saved, on top of this file, makes settings that cannot work.
    #[error("the settings saved from the dashboard do not fit this config file: {0} (change them in the dashboard, or run with --forget-saved-settings)")]
    SavedSettings(config::ConfigError),
    #[error("listening on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Opens the database, loads keys, binds `settings.listen` and serves.
    pub async fn start(settings: Settings) -> Result<Server, StartError> {
        let listener =
            TcpListener::bind(settings.listen)
                .await
                .map_err(|source| StartError::Bind {
                    addr: settings.listen,
                    source,
                })?;
        Self::start_on(settings, listener).await
    }

    /// Serves on a listener you bound (port 0 for tests).
    pub async fn start_on(settings: Settings, listener: TcpListener) -> Result<Server, StartError> {
        settings.validate()?;
        if let Ok(addr) = listener.local_addr() {
            settings.check_listen_address(addr)?;
        }
        let db = Db::open(&settings.database_url).await?;
        let secrets = match settings.secrets_key_path() {
            Some(path) => secret_box::SecretBox::from_file(&path)?,
            None if db.engine == db::Engine::Postgres => {
                return Err(StartError::SecretsKeyRequired)
            }
            None => {
                let mut key = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
                secret_box::SecretBox::new(&key)
            }
        };
        let live = live_settings::LiveSettings::new(
            settings.clone(),
            store::instance_settings::all(&db).await?,
            secrets.clone(),
        );
        let settings = live.current();
        if let Err(e) = settings.validate() {
            db.close().await;
            return Err(StartError::SavedSettings(e));
        }
        // Turning a code factor off would quietly take two-step verification away
        // from the accounts that use it.
        let code_factors = [
            (settings.second_factors.phone_code, "phone_code", PHONE),
            (settings.second_factors.email_code, "email_code", EMAIL),
        ];
        for (on, method, kind) in code_factors {
            if on {
                continue;
            }
            let users =
                store::identifications::users_with_code_second_factor(&db, kind, 11).await?;
            if !users.is_empty() {
                let more = if users.len() > 10 { " and more" } else { "" };
                db.close().await;
                return Err(StartError::SecondFactorInUse {
                    method,
                    users: users.into_iter().take(10).collect(),
                    more,
                });
            }
        }
        let signing = keys::load_signing_keys(
            &db,
            settings.signing_key_file.as_deref(),
            settings.session.token_algorithm,
            token_lifetime_ms(&settings),
        )
        .await?;
        let code_key = keys::load_or_create_secret(&db, "code_hmac").await?;
        // Events are recorded only while an endpoint may want them.
        db.webhooks.store(
            !settings.webhook_endpoints.is_empty(),
            std::sync::atomic::Ordering::Relaxed,
        );
        let instance_id = format!(
            "ins_{}",
            &hex::encode(keys::load_or_create_secret(&db, "instance_id").await?)[..27]
        );
        let delivery = Delivery::from_settings(&settings)?;
        let credential = |name: &str, secret: &str| {
            CodeHasher::new(secrets.subkey("dashboard-admin")).hash(name, secret)
        };
        let mut admins: Vec<state::DashboardAdmin> = settings
            .dashboard
            .admins
            .iter()
            .map(|a| state::DashboardAdmin {
                name: a.name.clone(),
                password_hash: a.password_hash.clone(),
                credential: credential(&a.name, &a.password_hash),
            })
            .collect();
        if let Some((name, password)) = &settings.dashboard_password {
            // Hashed anew (a new salt) at every start: fingerprinted by the password
            // itself, so a restart does not sign its sessions out.
            admins.push(state::DashboardAdmin {
                name: name.clone(),
                password_hash: passwords::hash_now(password),
                credential: credential(name, password),
            });
        }
        let secret_keys = settings
            .backend_secret_keys()?
            .iter()
            .map(|key| <[u8; 32]>::from(<sha2::Sha256 as sha2::Digest>::digest(key.as_bytes())))
            .collect();
        let state = AppState(Arc::new(Shared {
            limits: RateLimits::new(
                &settings.limits,
                &settings.sms,
                &settings.email,
                // Instances share PostgreSQL; a SQLite file has one process.
                (db.engine == db::Engine::Postgres).then(|| db.clone()),
            ),
            passwords: Passwords::new(),
            codes: CodeHasher::new(code_key),
            backup_codes: CodeHasher::new(secrets.subkey("backup-codes")),
            secrets,
            signing,
            delivery,
            outgoing: Arc::default(),
            db,
            live,
            admins,
            secret_keys,
            instance_id,
            portal: hosted_pages::find_dir(&settings),
            providers: flows::social::Providers::default(),
        }));
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: settings.listen,
            source,
        })?;
        let app = MapRequestLayer::new(http::trailing_slash::trim).layer(
            MapRequestLayer::new(http::method_override::apply).layer(routes::router(state.clone())),
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let poller = {
            let state = state.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(live_settings::POLL);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                // The start wrote the first heartbeat.
                let mut last_heartbeat = tokio::time::Instant::now();
                loop {
                    every.tick().await;
                    if let Err(e) = state.live.reload(&state.db).await {
                        tracing::warn!(error = %e, "reading saved settings failed");
                    }
                    if last_heartbeat.elapsed() >= keys::HEARTBEAT {
                        last_heartbeat = tokio::time::Instant::now();
                        let lifetime_ms = token_lifetime_ms(&state.settings());
                        if let Err(e) =
                            keys::heartbeat(&state.db, &state.signing, lifetime_ms).await
                        {
                            tracing::warn!(error = %e, "recording the signing key in use failed");
                        }
                    }
                }
            })
        };
        let sender = tokio::spawn(flows::outgoing::run(state.clone()));
        let webhooks = tokio::spawn(flows::webhooks::run(state.clone()));
        let pruner = {
            let state = state.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(Duration::from_secs(60));
                for minute in 0u64.. {
                    every.tick().await;
                    state.limits.prune().await;
                    if minute % 10 == 0 {
                        match store::prune::prune_now(&state.db).await {
                            Ok(pruned) => tracing::debug!(?pruned, "pruned expired rows"),
                            Err(e) => tracing::warn!(error = %e, "pruning failed"),
                        }
                    }
                }
            })
        };
        let task = tokio::spawn(async move {
            let served = axum::serve(
                listener,
                ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
            pruner.abort();
            poller.abort();
            sender.abort();
            webhooks.abort();
            if let Err(e) = served {
                tracing::error!(error = %e, "server stopped with an error");
            }
        });
        match &state.portal {
            Some(dir) => {
                tracing::info!(dir = %dir.display(), "hosted pages at /sign-in, /sign-up, /user")
            }
            None if settings.hosted_pages.enabled && settings.static_dir.is_none() => {
                tracing::info!("hosted pages not built (cargo xtask portal)")
            }
            None => {}
        }
        tracing::info!(%addr, environment = settings.environment.as_str(), "fapi-server listening");
        Ok(Server {
            addr,
            state,
            stop: Some(stop),
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting, lets requests in flight finish, closes the database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        let lifetime_ms = token_lifetime_ms(&self.state.settings());
        if let Err(e) = keys::stopped(&self.state.db, &self.state.signing, lifetime_ms).await {
            tracing::warn!(error = %e, "recording the signing key's last use failed");
        }
        self.state.db.close().await;
    }

    /// Runs until the process gets Ctrl-C or SIGTERM, then stops gracefully.
    pub async fn wait(self) {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await;
    }
}

/// The settings in force for this config: the file's with the dashboard's saved
/// values on top (what `--print-config` shows).
pub async fn effective_settings(settings: &Settings) -> Result<Settings, StartError> {
    // Reading the settings creates nothing: a SQLite file not made yet saved none.
    if db::sqlite_file(&settings.database_url).is_some_and(|f| !f.exists()) {
        return Ok(settings.clone());
    }
    let db = Db::open(&settings.database_url).await?;
    let saved = store::instance_settings::all(&db).await;
    db.close().await;
    // The lists' secrets open with the secrets key; none is made just to print.
    let secrets = match settings.secrets_key_path().filter(|path| path.exists()) {
        Some(path) => Some(secret_box::SecretBox::from_file(&path)?),
        None => None,
    };
    Ok(editable_settings::overlay(
        settings,
        &saved?,
        secrets.as_ref(),
    ))
}

/// Forgets the settings the dashboard saved (its webhook endpoints and JWT templates
/// stay: they cannot stop a start, and a made secret cannot be had again); returns
/// how many there were.
pub async fn forget_saved_settings(settings: &Settings) -> Result<u64, StartError> {
    let db = Db::open(&settings.database_url).await?;
    let forgotten = store::instance_settings::clear_except(&db, &editable_settings::LISTS).await;
    db.close().await;
    Ok(forgotten?)
}

/// Makes a new database signing key for the next start; returns its `kid`.
pub async fn rotate_signing_key(settings: &Settings) -> Result<String, StartError> {
    let db = Db::open(&settings.database_url).await?;
    let key = keys::create_key(&db, settings.session.token_algorithm).await;
    db.close().await;
    Ok(keys::kid(&key?).to_owned())
}

/// How long a session token lives, in milliseconds.
fn token_lifetime_ms(settings: &Settings) -> i64 {
    settings.session.token_lifetime_seconds as i64 * 1000
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
