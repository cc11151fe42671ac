use axum::{extract::State, Json};
use fapi_types::{Client, DeletedObject, Envelope};

use super::envelope;
use crate::{
    error::{ApiError, ApiResult},
    http::{Identity, Mode},
    limits::Bucket,
    state::AppState,
    store,
};

/// `GET /v1/client`: `{response: null, client: null}` for a browser with no client yet.
pub async fn get(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<Option<Client>>>> {
    let client = match identity.client_id() {
        Some(id) => crate::render::client(&state, &id).await?,
        None => None,
    };
    Ok(Json(Envelope {
        response: client.clone(),
        client,
    }))
}

/// `PUT`/`POST /v1/client`: a fresh client, replacing whatever this browser had.
pub async fn create(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<Option<Client>>>> {
    state
        .limits
        .check(Bucket::CreateClient, identity.ip())
        .await?;
    let (id, token) = store::clients::create(&state.db).await?;
    identity.switch_to(id.clone(), token);
    let client = crate::render::client(&state, &id).await?;
    Ok(Json(Envelope {
        response: client.clone(),
        client,
    }))
}

/// `POST /v1/dev_browser` (development): the token is the `id` of the answer.
pub async fn create_dev_browser(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<serde_json::Value>> {
    if !state.settings().is_development() {
        return Err(ApiError::route_not_found());
    }
    state
        .limits
        .check(Bucket::CreateClient, identity.ip())
        .await?;
    let (_, token) = store::clients::create(&state.db).await?;
    Ok(Json(serde_json::json!({
        "object": "dev_browser",
        "id": token,
    })))
}

/// `DELETE /v1/client`: ends every session and forgets the client. A cookie is
/// removed; a dev browser or native app gets a fresh, empty client instead.
pub async fn destroy(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<DeletedObject>>> {
    let id = identity
        .client_id()
        .ok_or_else(ApiError::client_not_found)?;
    store::sessions::finish_all_for_client(&state.db, &id, "ended").await?;
    store::clients::delete(&state.db, &id).await?;
    match identity.mode() {
        Mode::Cookie => identity.clear(),
        Mode::DevBrowser | Mode::Native => {
            let (new_id, token) = store::clients::create(&state.db).await?;
            identity.switch_to(new_id, token);
        }
    }
    Ok(Json(Envelope {
        response: DeletedObject {
            object: "client".into(),
            id: Some(id),
            deleted: true,
        },
        client: None,
    }))
}

/// `DELETE /v1/client/sessions`: signs out of every session, keeping the client.
pub async fn sign_out_all(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<Option<Client>>>> {
    let id = identity
        .client_id()
        .ok_or_else(ApiError::client_not_found)?;
    // Clerk's `client.removeSessions()`: the sessions leave the client.
    store::sessions::finish_all_for_client(&state.db, &id, "removed").await?;
    store::clients::set_last_active_session(&state.db, &id, None).await?;
    store::clients::set_sign_in(&state.db, &id, None).await?;
    store::clients::forget_completed_attempts(&state.db, &id).await?;
    let Json(env) = envelope(&state, &identity, ()).await?;
    Ok(Json(Envelope {
        response: env.client.clone(),
        client: env.client,
    }))
}
