//! Provider accounts joined to users: one provider account belongs to one user.

use sqlx::{AnyConnection, FromRow};

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct ExternalAccountRow {
    pub id: String,
    pub user_id: String,
    /// `oauth_google`, as Clerk's `provider`.
    pub provider: String,
    pub provider_user_id: String,
    pub identification_id: String,
    pub email_address: String,
    pub first_name: String,
    pub last_name: String,
    pub approved_scopes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, user_id, provider, provider_user_id, identification_id, email_address, \
                       first_name, last_name, approved_scopes, created_at, updated_at";

/// What a provider said of the person, as kept with the account.
pub struct Profile<'a> {
    pub provider: &'a str,
    pub provider_user_id: &'a str,
    pub email_address: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub approved_scopes: &'a str,
}

pub async fn find(
    db: &Db,
    provider: &str,
    provider_user_id: &str,
) -> Result<Option<ExternalAccountRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_accounts WHERE provider = $1 AND provider_user_id = $2"
    ))
    .bind(provider)
    .bind(provider_user_id)
    .fetch_optional(&db.write)
    .await
}

pub async fn list_for_user(db: &Db, user_id: &str) -> Result<Vec<ExternalAccountRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_accounts WHERE user_id = $1 ORDER BY created_at"
    ))
    .bind(user_id)
    .fetch_all(&db.read)
    .await
}

/// Joins the provider's account to `user_id`; `None` when that provider account is
/// someone's already (a race with another sign-in joining it).
pub async fn create(
    db: &Db,
    user_id: &str,
    profile: &Profile<'_>,
) -> Result<Option<String>, sqlx::Error> {
    let mut conn = db.write.acquire().await?;
    insert(&mut conn, user_id, profile).await
}

/// [`create`] on a connection, or in the transaction that makes the user.
pub(super) async fn insert(
    conn: &mut AnyConnection,
    user_id: &str,
    profile: &Profile<'_>,
) -> Result<Option<String>, sqlx::Error> {
    let id = new_id("eac");
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO external_accounts (id, user_id, provider, provider_user_id, identification_id,
             email_address, first_name, last_name, approved_scopes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (provider, provider_user_id) DO NOTHING",
    )
    .bind(&id)
    .bind(user_id)
    .bind(profile.provider)
    .bind(profile.provider_user_id)
    .bind(new_id("idn"))
    .bind(profile.email_address)
    .bind(profile.first_name)
    .bind(profile.last_name)
    .bind(profile.approved_scopes)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok((inserted == 1).then_some(id))
}

/// Keeps what the provider says now (its email and names change).
pub async fn refresh(db: &Db, id: &str, profile: &Profile<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE external_accounts SET email_address = $1, first_name = $2, last_name = $3,
             approved_scopes = $4, updated_at = $5
         WHERE id = $6",
    )
    .bind(profile.email_address)
    .bind(profile.first_name)
    .bind(profile.last_name)
    .bind(profile.approved_scopes)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Parts `user_id`'s provider account `id`; false when there is none.
pub async fn delete(db: &Db, user_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM external_accounts WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&db.write)
        .await
        .map(|r| r.rows_affected() == 1)
}
