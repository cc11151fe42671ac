//! Each user's notes, kept in memory (a demo: they go with a restart).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{FromRef, State},
    http::StatusCode,
    Json,
};
use fapi_types::SessionVerificationLevel;
use serde::{Deserialize, Serialize};
use yew_clerk_backend::{
    api::BackendApi,
    axum::{Refused, SignedIn},
    Clerk,
};

/// At most this many notes a user, each at most this long.
const MAX_NOTES: usize = 100;
const MAX_CHARS: usize = 500;

#[derive(Clone)]
pub struct Notes {
    clerk: Clerk,
    backend: Option<BackendApi>,
    step_up_minutes: i64,
    by_user: Arc<Mutex<HashMap<String, Vec<Note>>>>,
}

impl Notes {
    pub fn new(clerk: Clerk, backend: Option<BackendApi>, step_up_minutes: i64) -> Notes {
        Notes {
            clerk,
            backend,
            step_up_minutes,
            by_user: Arc::default(),
        }
    }
}

/// The extractor and middleware find the verifier in the state.
impl FromRef<Notes> for Clerk {
    fn from_ref(notes: &Notes) -> Clerk {
        notes.clerk.clone()
    }
}

#[derive(Clone, Serialize)]
pub struct Note {
    id: u64,
    text: String,
}

#[derive(Serialize)]
pub struct Page {
    /// The user's primary email, from the Backend API.
    email: Option<String>,
    notes: Vec<Note>,
}

/// `GET /api/notes`: the signed-in user's notes and their email.
pub async fn list(State(notes): State<Notes>, user: SignedIn) -> Json<Page> {
    let email = match &notes.backend {
        Some(api) => match api.user(&user.user_id).await {
            Ok(found) => found
                .primary_email_address()
                .map(|e| e.email_address.clone()),
            Err(e) => {
                tracing::warn!(error = %e, "looking up the user");
                None
            }
        },
        None => None,
    };
    let mine = notes
        .by_user
        .lock()
        .expect("notes lock")
        .get(&user.user_id)
        .cloned()
        .unwrap_or_default();
    Json(Page { email, notes: mine })
}

#[derive(Deserialize)]
pub struct NewNote {
    text: String,
}

/// `POST /api/notes` `{"text": …}`: a note of 1 to 500 characters.
pub async fn add(
    State(notes): State<Notes>,
    user: SignedIn,
    Json(new): Json<NewNote>,
) -> Result<Json<Note>, (StatusCode, &'static str)> {
    let text = new.text.trim();
    if text.is_empty() || text.chars().count() > MAX_CHARS {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            "a note is 1 to 500 characters",
        ));
    }
    let mut by_user = notes.by_user.lock().expect("notes lock");
    let mine = by_user.entry(user.user_id.clone()).or_default();
    if mine.len() >= MAX_NOTES {
        return Err((StatusCode::UNPROCESSABLE_ENTITY, "at most 100 notes"));
    }
    let note = Note {
        id: mine.iter().map(|n| n.id).max().unwrap_or(0) + 1,
        text: text.to_owned(),
    };
    mine.push(note.clone());
    Ok(Json(note))
}

#[derive(Serialize)]
pub struct Deleted {
    deleted: usize,
}

/// `POST /api/notes/delete-all`: only with a second factor verified in the last
/// `DEMO_STEP_UP_MINUTES` (the password for a user without one).
pub async fn delete_all(
    State(notes): State<Notes>,
    user: SignedIn,
) -> Result<Json<Deleted>, Refused> {
    user.require_recent(
        SessionVerificationLevel::SecondFactor,
        notes.step_up_minutes,
    )?;
    let deleted = notes
        .by_user
        .lock()
        .expect("notes lock")
        .remove(&user.user_id)
        .map_or(0, |mine| mine.len());
    tracing::info!(user = %user.user_id, deleted, "deleted every note");
    Ok(Json(Deleted { deleted }))
}
