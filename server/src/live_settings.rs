//! The settings in force: the config file's, overlaid with what the dashboard saved
//! in the database. Every instance sharing the database polls it once a second, so
//! "Apply Changes" reaches all of them without a restart.

use std::{sync::Arc, time::Duration};

use arc_swap::ArcSwap;
use serde_json::Value;

use crate::{config::Settings, db::Db, editable_settings, secret_box::SecretBox, store};

/// How often an instance looks for settings another instance saved.
pub const POLL: Duration = Duration::from_secs(1);

pub struct LiveSettings {
    /// The file's settings (and the environment's): the defaults.
    base: Settings,
    /// Opens the saved lists' secrets.
    secrets: SecretBox,
    current: ArcSwap<Settings>,
    /// The saved pairs `current` was built from, to notice a change.
    saved: std::sync::Mutex<Vec<(String, Value)>>,
}

impl LiveSettings {
    /// `base` with `saved` on top.
    ///
    /// ```
    /// use fapi_server::{config::Settings, live_settings::LiveSettings, secret_box::SecretBox};
    /// let saved = vec![("mfa.required".into(), serde_json::json!(true))];
    /// let live = LiveSettings::new(Settings::default(), saved, SecretBox::new(&[7; 32]));
    /// assert!(live.current().mfa.required);
    /// assert!(!live.base().mfa.required);
    /// ```
    pub fn new(base: Settings, saved: Vec<(String, Value)>, secrets: SecretBox) -> LiveSettings {
        let current = editable_settings::overlay(&base, &saved, Some(&secrets));
        LiveSettings {
            base,
            secrets,
            current: ArcSwap::from_pointee(current),
            saved: std::sync::Mutex::new(saved),
        }
    }

    pub fn current(&self) -> Arc<Settings> {
        self.current.load_full()
    }

    pub fn base(&self) -> &Settings {
        &self.base
    }

    /// Applies these saved pairs if they differ from the last; says whether they did.
    /// Pairs that would make settings the server refuses are not applied.
    pub fn update(&self, saved: Vec<(String, Value)>) -> bool {
        let mut last = self.saved.lock().unwrap_or_else(|e| e.into_inner());
        if *last == saved {
            return false;
        }
        let next = editable_settings::overlay(&self.base, &saved, Some(&self.secrets));
        if let Err(e) = next.validate() {
            tracing::error!(error = %e, "saved settings refused; keeping the ones in force");
            *last = saved;
            return false;
        }
        self.current.store(Arc::new(next));
        *last = saved;
        tracing::info!("settings from the dashboard applied");
        true
    }

    /// Reads the saved pairs from `db` and applies them. Events are recorded only
    /// while an endpoint may want them, so this also says whether one does.
    pub async fn reload(&self, db: &Db) -> Result<bool, sqlx::Error> {
        let saved = store::instance_settings::all(db).await?;
        let changed = self.update(saved);
        db.webhooks.store(
            !self.current().webhook_endpoints.is_empty(),
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(changed)
    }
}
