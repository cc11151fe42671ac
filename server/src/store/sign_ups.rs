use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, Default, FromRow)]
pub struct SignUpRow {
    pub id: String,
    pub client_id: String,
    pub status: String,
    pub email_address: Option<String>,
    pub phone_number: Option<String>,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password_hash: Option<String>,
    pub unsafe_metadata: String,
    pub email_verification_id: Option<String>,
    pub phone_verification_id: Option<String>,
    /// A sign-up handed over from a provider's sign-in: its verification.
    pub external_verification_id: Option<String>,
    pub created_user_id: Option<String>,
    pub created_session_id: Option<String>,
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub abandon_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, client_id, status, email_address, phone_number, username, first_name, last_name, password_hash, unsafe_metadata, email_verification_id, phone_verification_id, external_verification_id, created_user_id, created_session_id, locale, timezone, abandon_at, created_at, updated_at";

const LIFETIME_MS: i64 = 24 * 3600 * 1000;

pub async fn get(db: &Db, id: &str) -> Result<Option<SignUpRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM sign_ups WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.read)
        .await
}

/// A client has one live sign-up: a new one abandons the others still missing
/// requirements (each could otherwise still be sent codes).
pub async fn abandon_others(db: &Db, client_id: &str, keep: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sign_ups SET status = 'abandoned', updated_at = $1
         WHERE client_id = $2 AND id <> $3 AND status = 'missing_requirements'",
    )
    .bind(now_ms())
    .bind(client_id)
    .bind(keep)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Writes the whole row (insert or replace of the fields a create or PATCH sets).
pub async fn save(db: &Db, row: &SignUpRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sign_ups (id, client_id, status, email_address, phone_number, username, first_name, last_name,
            password_hash, unsafe_metadata, email_verification_id, phone_verification_id, locale, timezone,
            abandon_at, created_at, updated_at, external_verification_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (id) DO UPDATE SET
            email_address = excluded.email_address, phone_number = excluded.phone_number,
            username = excluded.username, first_name = excluded.first_name, last_name = excluded.last_name,
            password_hash = excluded.password_hash, unsafe_metadata = excluded.unsafe_metadata,
            email_verification_id = excluded.email_verification_id,
            phone_verification_id = excluded.phone_verification_id,
            locale = excluded.locale, timezone = excluded.timezone,
            updated_at = excluded.updated_at",
    )
    .bind(&row.id)
    .bind(&row.client_id)
    .bind(&row.status)
    .bind(&row.email_address)
    .bind(&row.phone_number)
    .bind(&row.username)
    .bind(&row.first_name)
    .bind(&row.last_name)
    .bind(&row.password_hash)
    .bind(&row.unsafe_metadata)
    .bind(&row.email_verification_id)
    .bind(&row.phone_verification_id)
    .bind(&row.locale)
    .bind(&row.timezone)
    .bind(row.abandon_at)
    .bind(row.created_at)
    .bind(row.updated_at)
    .bind(&row.external_verification_id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

pub fn new_row(client_id: &str) -> SignUpRow {
    let now = now_ms();
    SignUpRow {
        id: new_id("sua"),
        client_id: client_id.to_owned(),
        status: "missing_requirements".into(),
        unsafe_metadata: "{}".into(),
        abandon_at: now + LIFETIME_MS,
        created_at: now,
        updated_at: now,
        ..SignUpRow::default()
    }
}

pub async fn set_verification(
    db: &Db,
    id: &str,
    field: &str,
    verification_id: &str,
) -> Result<(), sqlx::Error> {
    let sql = match field {
        "email_address" => {
            "UPDATE sign_ups SET email_verification_id = $1, updated_at = $2 WHERE id = $3"
        }
        _ => "UPDATE sign_ups SET phone_verification_id = $1, updated_at = $2 WHERE id = $3",
    };
    sqlx::query(sql)
        .bind(verification_id)
        .bind(now_ms())
        .bind(id)
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// Creates the account of a finished sign-up, all in one transaction: the user, its
/// verified identifications, the session, and the sign-up marked complete. Only one
/// request can move a sign-up from `missing_requirements` to `complete`.
pub async fn complete(
    db: &Db,
    row: &SignUpRow,
    session: &super::sessions::NewSession<'_>,
    external: Option<&super::external_accounts::Profile<'_>>,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let now = now_ms();
    let user_id = new_id("user");
    let session_id = new_id("sess");
    let mut tx = db.write.begin().await?;
    // Claimed only as read: a concurrent change of an address or its verification
    // (a PATCH racing a prepare) makes the claim fail instead of verifying the wrong one.
    let claimed = sqlx::query(
        "UPDATE sign_ups SET status = 'complete', created_user_id = $1, created_session_id = $2, updated_at = $3
         WHERE id = $4 AND status = 'missing_requirements'
            AND email_address IS NOT DISTINCT FROM $5 AND email_verification_id IS NOT DISTINCT FROM $6
            AND phone_number IS NOT DISTINCT FROM $7 AND phone_verification_id IS NOT DISTINCT FROM $8",
    )
    .bind(&user_id)
    .bind(&session_id)
    .bind(now)
    .bind(&row.id)
    .bind(&row.email_address)
    .bind(&row.email_verification_id)
    .bind(&row.phone_number)
    .bind(&row.phone_verification_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !claimed {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO users (id, username, first_name, last_name, password_hash, unsafe_metadata,
            locale, timezone, password_last_updated_at, last_sign_in_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&user_id)
    .bind(&row.username)
    .bind(&row.first_name)
    .bind(&row.last_name)
    .bind(&row.password_hash)
    .bind(&row.unsafe_metadata)
    .bind(&row.locale)
    .bind(&row.timezone)
    .bind(row.password_hash.as_ref().map(|_| now))
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    super::webhook_events::record(db, &mut tx, super::webhook_events::USER_CREATED, &user_id)
        .await?;
    for (kind, value, verification_id, primary_column) in [
        (
            super::identifications::EMAIL,
            &row.email_address,
            &row.email_verification_id,
            "primary_email_address_id",
        ),
        (
            super::identifications::PHONE,
            &row.phone_number,
            &row.phone_verification_id,
            "primary_phone_number_id",
        ),
    ] {
        let Some(value) = value else { continue };
        let id = new_id("idn");
        sqlx::query(
            "INSERT INTO identifications (id, user_id, kind, value, verification_id, verified_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&user_id)
        .bind(kind)
        .bind(value)
        .bind(verification_id)
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "UPDATE users SET {primary_column} = $1 WHERE id = $2"
        ))
        .bind(&id)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(profile) = external {
        // Someone else's already (a race): the account is not made with it.
        if super::external_accounts::insert(&mut tx, &user_id, profile)
            .await?
            .is_none()
        {
            return Ok(None);
        }
    }
    super::sessions::insert(db, &mut tx, &session_id, &user_id, session, false).await?;
    sqlx::query(&format!("UPDATE clients SET last_active_session_id = $1, last_authentication_strategy = $2, {} WHERE id = $4", super::clients::next_version("$3")))
        .bind(&session_id)
        .bind(session.strategy)
        .bind(now)
        .bind(&row.client_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some((user_id, session_id)))
}
