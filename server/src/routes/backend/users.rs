//! `/v1/users`: look up, list and count the instance's users, change their
//! metadata, lock, ban, delete them and take their second factors away.

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    Json,
};
use fapi_types::{
    backend::{MetadataUpdate, TotalCount, User, UserId},
    DeletedObject,
};

use crate::{
    error::{ApiError, ApiResult},
    flows::{
        admin_users::{self, Action},
        metadata,
    },
    render,
    state::AppState,
    store::{
        self,
        users::{Filter, Metadata},
    },
};

/// `GET /v1/users/{id}`.
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<User>> {
    Ok(Json(user(&state, &id).await?))
}

/// `GET /v1/users`: a bare array, as Clerk answers (the count is its own call).
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Vec<User>>> {
    let query = ListQuery::parse(query.as_deref(), true)?;
    let (limit, offset) = super::page(query.limit, query.offset)?;
    let (rows, _) = store::users::list(&state.db, &query.filter, limit, offset).await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in &rows {
        users.push(render::backend_user(&state, row).await?);
    }
    Ok(Json(users))
}

/// `GET /v1/users/count`: how many users the same filters match.
pub async fn count(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<TotalCount>> {
    let query = ListQuery::parse(query.as_deref(), false)?;
    let (_, total) = store::users::list(&state.db, &query.filter, 1, 0).await?;
    Ok(Json(TotalCount {
        object: "total_count".into(),
        total_count: total,
    }))
}

/// `PATCH /v1/users/{id}/metadata`: each object given is merged into the stored
/// one (RFC 7396: a key set to `null` is removed), each within Clerk's 8 KB.
pub async fn update_metadata(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<User>> {
    let update: MetadataUpdate = serde_json::from_slice(&body).map_err(|e| {
        ApiError::param_format_invalid("body", format!("The body must be a JSON object: {e}."))
    })?;
    let changes = [
        (Metadata::Public, "public_metadata", update.public_metadata),
        (
            Metadata::Private,
            "private_metadata",
            update.private_metadata,
        ),
        (Metadata::Unsafe, "unsafe_metadata", update.unsafe_metadata),
    ];
    // Every patch is checked before any is stored: bad input changes nothing.
    for (_, name, patch) in &changes {
        if let Some(patch) = patch {
            if !patch.is_object() {
                return Err(ApiError::param_format_invalid(
                    name,
                    format!("{name} must be a JSON object."),
                ));
            }
        }
    }
    let given: Vec<(Metadata, &str, serde_json::Value)> = changes
        .into_iter()
        .filter_map(|(which, name, patch)| patch.map(|p| (which, name, p)))
        .collect();
    let which: Vec<Metadata> = given.iter().map(|(w, _, _)| *w).collect();
    // All or nothing: one object over the limit leaves every one as it was.
    let found = store::users::change_metadata_all(&state.db, &id, &which, |w, stored| {
        let (_, name, patch) = given
            .iter()
            .find(|(g, _, _)| *g == w)
            .expect("asked for one given");
        metadata::apply(stored, patch).map_err(|e| e.param(*name))
    })
    .await?;
    if !found {
        return Err(ApiError::not_found("user", &id));
    }
    Ok(Json(user(&state, &id).await?))
}

/// `POST /v1/users/{id}/lock`: no sign-in until unlocked; its sessions end.
pub async fn lock(state: State<AppState>, id: Path<String>) -> ApiResult<Json<User>> {
    act(state, id, Action::Lock).await
}

/// `POST /v1/users/{id}/unlock`: lifts a lock (not a ban) and forgets failed tries.
pub async fn unlock(state: State<AppState>, id: Path<String>) -> ApiResult<Json<User>> {
    act(state, id, Action::Unlock).await
}

/// `POST /v1/users/{id}/ban`: no sign-in until unbanned; its sessions end.
pub async fn ban(state: State<AppState>, id: Path<String>) -> ApiResult<Json<User>> {
    act(state, id, Action::Ban).await
}

/// `POST /v1/users/{id}/unban`.
pub async fn unban(state: State<AppState>, id: Path<String>) -> ApiResult<Json<User>> {
    act(state, id, Action::Unban).await
}

/// `DELETE /v1/users/{id}/mfa`: every second factor taken away (the owner is told).
pub async fn disable_mfa(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<UserId>> {
    run(&state, &id, Action::ResetSecondFactors).await?;
    Ok(Json(UserId { user_id: id }))
}

/// `DELETE /v1/users/{id}`: the account and everything of it (the owner is told).
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<DeletedObject>> {
    run(&state, &id, Action::Delete).await?;
    Ok(Json(DeletedObject {
        object: "user".into(),
        id: Some(id),
        deleted: true,
    }))
}

async fn act(
    State(state): State<AppState>,
    Path(id): Path<String>,
    action: Action,
) -> ApiResult<Json<User>> {
    run(&state, &id, action).await?;
    Ok(Json(user(&state, &id).await?))
}

async fn run(state: &AppState, id: &str, action: Action) -> ApiResult<()> {
    match admin_users::run(state, id, action).await? {
        Some(done) => {
            tracing::info!(user = %id, action = action.name(), "{}", done.summary);
            Ok(())
        }
        None => Err(ApiError::not_found("user", id)),
    }
}

async fn user(state: &AppState, id: &str) -> ApiResult<User> {
    let row = store::users::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("user", id))?;
    render::backend_user(state, &row).await
}

/// The query of `GET /v1/users` and `/v1/users/count`, as Clerk's SDKs send it:
/// snake_case keys, a list as the key repeated.
struct ListQuery {
    filter: Filter,
    limit: Option<i64>,
    offset: Option<i64>,
}

impl ListQuery {
    /// Filters this server does not know are refused, never ignored: ignoring one
    /// would answer more users than asked for.
    fn parse(query: Option<&str>, paged: bool) -> ApiResult<ListQuery> {
        let mut parsed = ListQuery {
            filter: Filter::default(),
            limit: None,
            offset: None,
        };
        let number = |key: &str, value: &str| {
            value.parse::<i64>().map_err(|_| {
                ApiError::param_format_invalid(key, format!("{key} must be a whole number."))
            })
        };
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "user_id" => parsed.filter.user_ids.push(value),
                "email_address" => parsed.filter.email_addresses.push(value),
                "phone_number" => parsed.filter.phone_numbers.push(value),
                "username" => parsed.filter.usernames.push(value),
                "query" => parsed.filter.query = Some(value),
                "limit" if paged => parsed.limit = Some(number("limit", &value)?),
                "offset" if paged => parsed.offset = Some(number("offset", &value)?),
                "order_by" if paged => {
                    parsed.filter.oldest_first = match value.as_str() {
                        "created_at" | "+created_at" => true,
                        "-created_at" => false,
                        _ => {
                            return Err(ApiError::param_value_invalid("order_by", &value));
                        }
                    }
                }
                other => return Err(ApiError::param_unknown(other)),
            }
        }
        Ok(parsed)
    }
}
