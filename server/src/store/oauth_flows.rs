//! Trips to a provider in flight: what the callback needs to finish one (the PKCE
//! verifier and the nonce stay here), found by the hash of its `state` and taken by
//! the one callback that uses it.

use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{now_ms, token_hash},
};

#[derive(Debug, Clone, FromRow)]
pub struct OauthFlowRow {
    pub provider: String,
    pub client_id: String,
    /// How the browser that started it is known (`cookie`, `dev_browser`, `native`).
    pub client_mode: String,
    pub sign_in_id: String,
    pub verification_id: String,
    pub pkce_verifier: String,
    pub nonce: String,
    /// The `redirect_uri` the trip went out with: the code exchange repeats it.
    pub callback_url: String,
    pub redirect_url: String,
    pub action_complete_redirect_url: Option<String>,
    /// A trip from the profile: the signed-in user to join the provider's account to.
    pub connect_user_id: Option<String>,
    /// A development browser's trip: the hash of the cookie that binds it.
    pub browser_binding_hash: Option<String>,
    /// What Apple posted as `user` (the person's name) with the code.
    pub posted_user: Option<String>,
}

/// What a new trip keeps until its callback.
pub struct NewFlow<'a> {
    pub state: &'a str,
    pub provider: &'a str,
    pub client_id: &'a str,
    pub client_mode: &'a str,
    pub sign_in_id: &'a str,
    pub verification_id: &'a str,
    pub pkce_verifier: &'a str,
    pub nonce: &'a str,
    pub callback_url: &'a str,
    pub redirect_url: &'a str,
    pub action_complete_redirect_url: Option<&'a str>,
    pub connect_user_id: Option<&'a str>,
    /// A development browser's trip: the cookie value that binds it (kept hashed).
    pub browser_binding: Option<&'a str>,
    pub expires_at: i64,
}

pub async fn put(db: &Db, flow: &NewFlow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO oauth_flows (state_hash, provider, client_id, client_mode, sign_in_id,
             verification_id, pkce_verifier, nonce, callback_url, redirect_url,
             action_complete_redirect_url, expires_at, created_at, connect_user_id,
             browser_binding_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(token_hash(flow.state))
    .bind(flow.provider)
    .bind(flow.client_id)
    .bind(flow.client_mode)
    .bind(flow.sign_in_id)
    .bind(flow.verification_id)
    .bind(flow.pkce_verifier)
    .bind(flow.nonce)
    .bind(flow.callback_url)
    .bind(flow.redirect_url)
    .bind(flow.action_complete_redirect_url)
    .bind(flow.expires_at)
    .bind(now_ms())
    .bind(flow.connect_user_id)
    .bind(flow.browser_binding.map(token_hash))
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Takes the live trip whose `state` this is, if the browser calling is the one
/// that started it: its `__client` cookie names the trip's client (`client_id`),
/// or, a development browser (whose token lives in the page), it brings the trip's
/// binding cookie (`binding`). A link to someone else's trip must not sign its maker
/// in as whoever follows it, nor use the trip up for its owner. Deleted as it is
/// read, so a replayed callback (or a second one racing it) finds nothing.
pub async fn take(
    db: &Db,
    state: &str,
    client_id: Option<&str>,
    binding: Option<&str>,
) -> Result<Option<OauthFlowRow>, sqlx::Error> {
    sqlx::query_as(
        "DELETE FROM oauth_flows WHERE state_hash = $1 AND expires_at > $2
             AND ((client_mode = 'cookie' AND client_id = $3)
                  OR (client_mode = 'dev_browser' AND browser_binding_hash = $4))
         RETURNING provider, client_id, client_mode, sign_in_id, verification_id, pkce_verifier, nonce,
             callback_url, redirect_url, action_complete_redirect_url, connect_user_id,
             browser_binding_hash, posted_user",
    )
    .bind(token_hash(state))
    .bind(now_ms())
    .bind(client_id)
    .bind(binding.map(token_hash))
    .fetch_optional(&db.write)
    .await
}

/// Keeps what Apple posted as `user` on the live trip `state`, once (the first
/// post wins); at most `MAX_POSTED_USER` bytes.
pub async fn keep_posted_user(db: &Db, state: &str, user: &str) -> Result<(), sqlx::Error> {
    if user.len() > MAX_POSTED_USER {
        return Ok(());
    }
    sqlx::query(
        "UPDATE oauth_flows SET posted_user = $1
         WHERE state_hash = $2 AND expires_at > $3 AND posted_user IS NULL",
    )
    .bind(user)
    .bind(token_hash(state))
    .bind(now_ms())
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Apple's `user` is a name and an email in a little JSON: anything longer is not it.
const MAX_POSTED_USER: usize = 2048;
