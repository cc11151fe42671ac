//! The lists the dashboard adds beside the settings file's: webhook endpoints and
//! JWT templates (the Developers page), sign-in providers (the Providers page). A change is checked as the server checks
//! its file at start, saved with its secrets sealed, and applied here at once (other
//! instances within a second, see `live_settings`). The file's entries stay the
//! file's: the dashboard shows them but does not change them.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

use crate::{
    config::{JwtTemplate, Settings, SocialProvider, WebhookEndpoint},
    editable_settings::{self, handle, open_entries, seal_secrets},
    flows::settings_change::Refused,
    state::AppState,
    store,
};

const ENDPOINTS: &str = "webhook_endpoints";
const TEMPLATES: &str = "jwt_templates";
const PROVIDERS: &str = "social";

/// How often a change is tried again when another administrator's landed first.
const TRIES: usize = 3;

/// A new endpoint's signing secret, in Svix's format: `whsec_` and 32 random bytes.
pub fn new_webhook_secret() -> String {
    use base64::Engine;
    let mut key = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// What the dashboard saved of a list: the entries, and how many of them could not
/// be read (their secret was sealed with another secrets key).
pub struct Saved<T> {
    pub entries: Vec<T>,
    pub unreadable: usize,
}

/// The endpoints added in the dashboard, secrets opened.
pub async fn endpoints(state: &AppState) -> Result<Saved<WebhookEndpoint>, Refused> {
    let (_, entries, unreadable) = read(state, ENDPOINTS).await?;
    Ok(Saved {
        entries,
        unreadable,
    })
}

/// The templates added in the dashboard, signing keys opened.
pub async fn templates(state: &AppState) -> Result<Saved<JwtTemplate>, Refused> {
    let (_, entries, unreadable) = read(state, TEMPLATES).await?;
    Ok(Saved {
        entries,
        unreadable,
    })
}

/// Adds an endpoint; `secret` empty makes one. Returns the secret it made, to show
/// once.
pub async fn add_endpoint(
    state: &AppState,
    mut endpoint: WebhookEndpoint,
    by: &str,
) -> Result<Option<String>, Refused> {
    let made = endpoint.secret.trim().is_empty().then(new_webhook_secret);
    if let Some(secret) = &made {
        endpoint.secret = secret.clone();
    }
    endpoint.secret = endpoint.secret.trim().to_owned();
    change(state, ENDPOINTS, by, |list: &mut Vec<WebhookEndpoint>| {
        list.push(endpoint.clone());
        Ok(())
    })
    .await?;
    Ok(made)
}

/// A change to an endpoint the dashboard added.
pub struct EndpointChange {
    pub events: Vec<String>,
    /// A new signing secret (`Some("")`: make one), or keep the one it has.
    pub secret: Option<String>,
}

/// Changes the events or the secret of the endpoint with this [`handle`]; returns
/// its URL and a secret it made, to show once.
pub async fn change_endpoint(
    state: &AppState,
    endpoint: &str,
    edit: EndpointChange,
    by: &str,
) -> Result<(String, Option<String>), Refused> {
    let made = edit
        .secret
        .as_deref()
        .is_some_and(|s| s.trim().is_empty())
        .then(new_webhook_secret);
    let secret = made.clone().or(edit.secret.map(|s| s.trim().to_owned()));
    let mut url = String::new();
    change(state, ENDPOINTS, by, |list: &mut Vec<WebhookEndpoint>| {
        let found = list
            .iter_mut()
            .find(|e| handle(&e.url) == endpoint)
            .ok_or_else(not_added)?;
        found.events = edit.events.clone();
        if let Some(secret) = &secret {
            found.secret = secret.clone();
        }
        url = found.url.clone();
        Ok(())
    })
    .await?;
    Ok((url, made))
}

/// Removes the endpoint with this [`handle`]; deliveries still due to it are given
/// up. Returns its URL.
pub async fn remove_endpoint(
    state: &AppState,
    endpoint: &str,
    by: &str,
) -> Result<String, Refused> {
    let mut url = String::new();
    change(state, ENDPOINTS, by, |list: &mut Vec<WebhookEndpoint>| {
        let at = list
            .iter()
            .position(|e| handle(&e.url) == endpoint)
            .ok_or_else(not_added)?;
        url = list.remove(at).url;
        Ok(())
    })
    .await?;
    Ok(url)
}

/// Adds a template.
pub async fn add_template(
    state: &AppState,
    template: JwtTemplate,
    by: &str,
) -> Result<(), Refused> {
    change(state, TEMPLATES, by, |list: &mut Vec<JwtTemplate>| {
        list.push(template.clone());
        Ok(())
    })
    .await
}

/// What happens to a template's own HS256 secret.
pub enum SigningKeyChange {
    Keep,
    /// Sign with the instance's key again.
    Drop,
    Set(String),
}

/// Changes the template `name`'s lifetime, claims and signing key.
pub async fn change_template(
    state: &AppState,
    name: &str,
    lifetime_seconds: u64,
    claims: serde_json::Map<String, Value>,
    signing_key: SigningKeyChange,
    by: &str,
) -> Result<(), Refused> {
    change(state, TEMPLATES, by, |list: &mut Vec<JwtTemplate>| {
        let template = list
            .iter_mut()
            .find(|t| t.name == name)
            .ok_or_else(not_added)?;
        template.lifetime_seconds = lifetime_seconds;
        template.claims = claims.clone();
        match &signing_key {
            SigningKeyChange::Keep => {}
            SigningKeyChange::Drop => template.signing_key = None,
            SigningKeyChange::Set(key) => template.signing_key = Some(key.clone()),
        }
        Ok(())
    })
    .await
}

/// Removes the template `name`: asking for it answers 404 from then on.
pub async fn remove_template(state: &AppState, name: &str, by: &str) -> Result<(), Refused> {
    change(state, TEMPLATES, by, |list: &mut Vec<JwtTemplate>| {
        let before = list.len();
        list.retain(|t| t.name != name);
        if list.len() == before {
            return Err(not_added());
        }
        Ok(())
    })
    .await
}

/// The sign-in providers added in the dashboard, client secrets opened.
pub async fn providers(state: &AppState) -> Result<Saved<SocialProvider>, Refused> {
    let (_, entries, unreadable) = read(state, PROVIDERS).await?;
    Ok(Saved {
        entries,
        unreadable,
    })
}

/// Adds a sign-in provider: its button shows from the next page load on.
pub async fn add_provider(
    state: &AppState,
    provider: SocialProvider,
    by: &str,
) -> Result<(), Refused> {
    change(state, PROVIDERS, by, |list: &mut Vec<SocialProvider>| {
        list.push(provider.clone());
        Ok(())
    })
    .await
}

/// Removes the provider `name` (`google`): its button goes, and trips already at the
/// provider fail on their way back. Accounts joined to it keep their other ways in.
pub async fn remove_provider(state: &AppState, name: &str, by: &str) -> Result<(), Refused> {
    change(state, PROVIDERS, by, |list: &mut Vec<SocialProvider>| {
        let before = list.len();
        list.retain(|p| p.provider != name);
        if list.len() == before {
            return Err(not_added());
        }
        Ok(())
    })
    .await
}

fn not_added() -> Refused {
    Refused::Invalid(
        "not one the dashboard added (the settings file's are changed in the file), or \
         another administrator removed it"
            .into(),
    )
}

/// The list saved under `key` as stored (to swap it), its entries whose secrets
/// open, and how many did not (those are dropped by the next change).
async fn read<T: DeserializeOwned>(
    state: &AppState,
    key: &str,
) -> Result<(Option<String>, Vec<T>, usize), Refused> {
    let Some(text) = store::instance_settings::stored(&state.db, key).await? else {
        return Ok((None, Vec::new(), 0));
    };
    let sealed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let (entries, mut unreadable) = open_entries(key, &sealed, &state.secrets);
    let mut list = Vec::new();
    for entry in entries {
        match serde_json::from_value(entry) {
            Ok(entry) => list.push(entry),
            Err(_) => unreadable += 1,
        }
    }
    Ok((Some(text), list, unreadable))
}

/// Changes the dashboard's list under `key` with `edit`, if the settings in force
/// with it are ones the server would start with; saves it sealed and applies it.
async fn change<T, F>(state: &AppState, key: &str, by: &str, mut edit: F) -> Result<(), Refused>
where
    T: Serialize + DeserializeOwned,
    F: FnMut(&mut Vec<T>) -> Result<(), Refused>,
{
    for _ in 0..TRIES {
        let (stored, mut list, _) = read::<T>(state, key).await?;
        edit(&mut list)?;
        let plain = serde_json::to_value(&list).map_err(|e| Refused::Invalid(e.to_string()))?;
        let next = with_list(&state.settings(), state.live.base(), key, &plain)?;
        next.validate()
            .map_err(|e| Refused::Invalid(e.to_string()))?;
        let saved =
            (!list.is_empty()).then(|| seal_secrets(key, &plain, &state.secrets).to_string());
        let swapped =
            store::instance_settings::swap(&state.db, key, stored.as_deref(), saved.as_deref(), by)
                .await?;
        if swapped {
            state.live.reload(&state.db).await?;
            return Ok(());
        }
    }
    Err(Refused::Invalid(
        "another administrator changed this list at the same moment; look again and retry".into(),
    ))
}

/// The settings in force with the file's list under `key` and `list` after it; the
/// other lists as they are in force.
fn with_list(
    current: &Settings,
    base: &Settings,
    key: &str,
    list: &Value,
) -> Result<Settings, Refused> {
    let mut next = current.clone();
    match key {
        ENDPOINTS => next.webhook_endpoints = base.webhook_endpoints.clone(),
        TEMPLATES => next.jwt_templates = base.jwt_templates.clone(),
        PROVIDERS => next.social = base.social.clone(),
        other => return Err(Refused::Invalid(format!("{other} is no list"))),
    }
    editable_settings::apply(&mut next, key, list).map_err(|e| Refused::Invalid(e.message))?;
    Ok(next)
}
