//! Sending requests from the browser with `gloo-net`.

use std::cell::RefCell;

use fapi_types::FromJson;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde_json::Value;
use web_sys::RequestCredentials;

use super::{early, request_url, AuthMode, Method, RequestUrl};
use crate::ClerkError;

const DEV_BROWSER_KEY: &str = "__clerk_db_jwt";

/// One FAPI endpoint and how this browser identifies itself to it.
pub(crate) struct Transport {
    base_url: String,
    mode: AuthMode,
    dev_token: RefCell<Option<String>>,
}

impl Transport {
    pub fn new(base_url: String, mode: AuthMode) -> Self {
        Transport {
            base_url,
            mode,
            dev_token: RefCell::new(None),
        }
    }

    pub fn mode(&self) -> AuthMode {
        self.mode
    }

    /// Where requests go (empty: this origin).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The dev browser token, when this browser has one.
    pub fn dev_token(&self) -> Option<String> {
        self.dev_token.borrow().clone()
    }

    fn storage_key(&self) -> String {
        format!("{DEV_BROWSER_KEY}:{}", self.base_url)
    }

    /// Finds the dev browser token (page URL, then storage) or asks for a new one.
    pub async fn setup_dev_browser(&self) -> Result<(), ClerkError> {
        if self.mode != AuthMode::DevBrowser {
            return Ok(());
        }
        if let Some(token) = crate::browser::take_query_param(DEV_BROWSER_KEY) {
            self.store_token(token);
            return Ok(());
        }
        if let Some(token) = stored(&self.storage_key()) {
            *self.dev_token.borrow_mut() = Some(token);
            return Ok(());
        }
        self.fresh_dev_browser().await
    }

    async fn fresh_dev_browser(&self) -> Result<(), ClerkError> {
        *self.dev_token.borrow_mut() = None;
        let mut created = self
            .send_once(Method::Post, "/dev_browser", None, None)
            .await?;
        let id = String::from_json(created["id"].take())
            .map_err(|e| ClerkError::Decode(format!("/dev_browser: id: {e}")))?;
        self.store_token(id);
        Ok(())
    }

    fn store_token(&self, token: String) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(&self.storage_key(), &token);
        }
        let changed = self.dev_token.borrow().as_deref() != Some(token.as_str());
        *self.dev_token.borrow_mut() = Some(token);
        // The server hands out a new token at sign-in and sign-out: the next page's
        // early requests must carry it.
        if changed {
            self.remember_first_requests();
        }
    }

    /// Lets the next page load start the first requests early ([`early`]), with this
    /// browser's token as it is now; and drops what this page started and nobody took.
    pub fn after_first_load(&self) {
        self.remember_first_requests();
        early::forget();
    }

    /// Records the first requests' URLs with this browser's token as it is now.
    fn remember_first_requests(&self) {
        let token = self.dev_token.borrow().clone();
        let urls: Vec<String> = early::FIRST_REQUESTS
            .iter()
            .map(|path| {
                request_url(&RequestUrl {
                    base_url: &self.base_url,
                    path,
                    method: Method::Get,
                    session_id: None,
                    dev_browser_token: token.as_deref(),
                })
            })
            .collect();
        early::remember(&urls);
    }

    /// Sends a request and parses a 2xx body; a stale dev browser is replaced once.
    ///
    /// Not generic on purpose: one copy of the fetch, error and parse machinery in the
    /// bundle, whatever the answer decodes to (`FromJson`, afterwards).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        session_id: Option<&str>,
    ) -> Result<Value, ClerkError> {
        match self.send_once(method, path, body.clone(), session_id).await {
            Err(e) if e.is("dev_browser_unauthenticated") && self.mode == AuthMode::DevBrowser => {
                self.fresh_dev_browser().await?;
                self.send_once(method, path, body, session_id).await
            }
            other => other,
        }
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        session_id: Option<&str>,
    ) -> Result<Value, ClerkError> {
        let token = self.dev_token.borrow().clone();
        let url = request_url(&RequestUrl {
            base_url: &self.base_url,
            path,
            method,
            session_id,
            dev_browser_token: token.as_deref(),
        });
        let started = match method {
            Method::Get => early::take(&url).await,
            _ => None,
        };
        let response = match started {
            Some(raw) => Response::from(raw),
            None => fetch(&url, method, body).await?,
        };
        if let Some(fresh) = response.headers().get("clerk-db-jwt") {
            if self.mode == AuthMode::DevBrowser && !fresh.is_empty() {
                self.store_token(fresh);
            }
        }
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.trim().parse().ok());
        let text = response
            .text()
            .await
            .map_err(|e| ClerkError::Network(e.to_string()))?;
        if !(200..300).contains(&status) {
            return Err(ClerkError::from_response(status, &text, retry_after));
        }
        fapi_types::decode::parse(&text).map_err(|e| ClerkError::Decode(format!("{path}: {e}")))
    }
}

/// Sends one request to the network, with the browser's cookies for the FAPI.
async fn fetch(url: &str, method: Method, body: Option<String>) -> Result<Response, ClerkError> {
    let builder: RequestBuilder = match method {
        Method::Get => Request::get(url),
        _ => Request::post(url),
    }
    .credentials(RequestCredentials::Include);
    let request = match method {
        Method::Get => builder.build(),
        _ => builder
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.unwrap_or_default()),
    }
    .map_err(|e| ClerkError::Network(e.to_string()))?;
    request
        .send()
        .await
        .map_err(|e| ClerkError::Network(e.to_string()))
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The kept dev browser token. Earlier versions stored it JSON-quoted (`"dvb_…"`).
fn stored(key: &str) -> Option<String> {
    let value = local_storage()?.get_item(key).ok()??;
    let token = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(&value);
    (!token.is_empty()).then(|| token.to_owned())
}
