//! "My notes": the demo's own API (`examples/demo-api`, behind trunk's proxy at
//! `/api`) called with the session token. Deleting them all needs a recent second
//! factor: the API answers Clerk's `session_reverification_required`, and
//! `use_reverification` asks "Verify it's you" and retries.

use gloo_net::http::{Request, RequestBuilder};
use serde_json::Value;
use yew::{platform::spawn_local, prelude::*};
use yew_clerk::{hooks::use_reverification, prelude::*};

/// The demo API's answer, or the error `use_reverification` understands.
async fn call(
    auth: &AuthHandle,
    request: RequestBuilder,
    body: Option<Value>,
) -> Result<Value, ClerkError> {
    let jwt = auth
        .get_token()
        .await?
        .ok_or(ClerkError::State("not signed in"))?;
    let request = request.header("authorization", &format!("Bearer {jwt}"));
    let sent = match body {
        Some(body) => {
            request
                .header("content-type", "application/json")
                .body(body.to_string())
                .map_err(|e| ClerkError::Network(e.to_string()))?
                .send()
                .await
        }
        None => request.send().await,
    }
    .map_err(|e| ClerkError::Network(e.to_string()))?;
    let status = sent.status();
    let text = sent
        .text()
        .await
        .map_err(|e| ClerkError::Network(e.to_string()))?;
    if !(200..300).contains(&status) {
        return Err(ClerkError::from_response(status, &text, None));
    }
    serde_json::from_str(&text).map_err(|e| ClerkError::Decode(e.to_string()))
}

#[derive(Clone, PartialEq, Default)]
struct Loaded {
    email: Option<String>,
    notes: Vec<String>,
}

fn loaded(page: &Value) -> Loaded {
    Loaded {
        email: page["email"].as_str().map(str::to_owned),
        notes: page["notes"]
            .as_array()
            .map(|notes| {
                notes
                    .iter()
                    .filter_map(|n| n["text"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[component]
pub fn Notes() -> Html {
    let auth = use_auth();
    let reverification = use_reverification();
    let page = use_state(|| None::<Loaded>);
    let status = use_state(String::new);
    let text = use_state(String::new);

    let reload = {
        let (auth, page, status) = (auth.clone(), page.clone(), status.clone());
        Callback::from(move |_: ()| {
            let (auth, page, status) = (auth.clone(), page.clone(), status.clone());
            spawn_local(async move {
                match call(&auth, Request::get("/api/notes"), None).await {
                    Ok(answer) => page.set(Some(loaded(&answer))),
                    Err(e) => status.set(format!("The notes could not be loaded: {e}")),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let add = {
        let (auth, text, status, reload) =
            (auth.clone(), text.clone(), status.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (auth, text, status, reload) =
                (auth.clone(), text.clone(), status.clone(), reload.clone());
            spawn_local(async move {
                let body = serde_json::json!({ "text": *text });
                match call(&auth, Request::post("/api/notes"), Some(body)).await {
                    Ok(_) => {
                        text.set(String::new());
                        status.set(String::new());
                        reload.emit(());
                    }
                    Err(e) => status.set(format!("Not added: {e}")),
                }
            });
        })
    };
    let delete_all = {
        let (auth, status, reload) = (auth.clone(), status.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (auth, status, reload, reverification) = (
                auth.clone(),
                status.clone(),
                reload.clone(),
                reverification.clone(),
            );
            spawn_local(async move {
                let deleted = reverification
                    .run(|| call(&auth, Request::post("/api/notes/delete-all"), None))
                    .await;
                match deleted {
                    Ok(answer) => {
                        status.set(format!(
                            "Notes deleted: {}.",
                            answer["deleted"].as_u64().unwrap_or(0)
                        ));
                        reload.emit(());
                    }
                    Err(ClerkError::Cancelled) => {
                        status.set("Nothing deleted: the verification was cancelled.".into())
                    }
                    Err(e) => status.set(format!("Nothing deleted: {e}")),
                }
            });
        })
    };
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    html! {
        <section class="panel" id="notes">
            <h1>{ "My notes" }</h1>
            <p>
                { "Kept by the demo's own API (examples/demo-api, axum), which checks the session token with yew-clerk-backend. " }
                if let Some(email) = page.as_ref().and_then(|p| p.email.clone()) {
                    <span id="notes-email">{ format!("It knows you as {email} (from the Backend API).") }</span>
                }
            </p>
            <ul id="notes-list">
                { for page.as_ref().map(|p| p.notes.clone()).unwrap_or_default().into_iter().map(|n| html! { <li>{ n }</li> }) }
            </ul>
            if page.as_ref().is_some_and(|p| p.notes.is_empty()) {
                <p id="notes-empty">{ "No notes yet." }</p>
            }
            <form class="notes-form" onsubmit={add}>
                <label for="note-text">{ "New note" }</label>
                <input id="note-text" value={(*text).clone()} oninput={on_text} maxlength="500" required=true />
                <button class="btn btn-primary" type="submit">{ "Add" }</button>
            </form>
            <p>
                <button id="delete-all" class="btn btn-secondary" onclick={delete_all}>{ "Delete all my notes" }</button>
                { " Needs a second factor verified in the last 10 minutes." }
            </p>
            <p id="notes-status" role="status">{ (*status).clone() }</p>
        </section>
    }
}
