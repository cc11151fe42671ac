//! The Clerk core: the loaded state (environment, client, session, user), the actions
//! that change it, and the listeners told when it changes. No UI here; the provider
//! puts a [`Clerk`] into context and the hooks and components use it.

mod code_once;
mod modal;
mod navigate;
mod passkey;
mod reverification;
mod session;
mod sign_in;
mod sign_up;
mod social;
mod state;
mod token;
mod user;

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use fapi_types::{decode::Fields, Client, Environment, FromJson};
use serde_json::Value;

pub use modal::Modal;
pub use navigate::RedirectOptions;
pub use passkey::PasskeyFlow;
pub(crate) use social::failure_in_url;
pub use social::RedirectOutcome;
pub use state::ClerkState;
pub use token::jwt_expiry;
pub use user::IdentificationKind;

use crate::{
    client::{
        early::{CLIENT, ENVIRONMENT},
        AuthMode, FrontendApi, Method, Transport,
    },
    ClerkError,
};

/// Where to send people; unset ones fall back to the instance's `display_config`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Urls {
    pub sign_in: Option<String>,
    pub sign_up: Option<String>,
    pub user_profile: Option<String>,
    /// Clerk's `signInFallbackRedirectUrl` (formerly `afterSignInUrl`): after
    /// signing in, when the URL has no `redirect_url`.
    pub after_sign_in: Option<String>,
    /// Clerk's `signUpFallbackRedirectUrl` (formerly `afterSignUpUrl`).
    pub after_sign_up: Option<String>,
    /// Clerk's `signInForceRedirectUrl`: after signing in, always (over `redirect_url`).
    pub sign_in_force: Option<String>,
    /// Clerk's `signUpForceRedirectUrl`.
    pub sign_up_force: Option<String>,
    pub after_sign_out: Option<String>,
    /// Where a pending session goes to set up two-step verification (Clerk's
    /// `taskUrls['setup-mfa']`); unset, `<SignIn/>` and `<SignUp/>` show the step
    /// themselves.
    pub task_setup_mfa: Option<String>,
    /// The same for a new password an administrator asked for (Clerk's
    /// `taskUrls['reset-password']`).
    pub task_reset_password: Option<String>,
}

type Listener = Rc<dyn Fn(&ClerkState)>;

/// A handle to the Clerk core. Cheap to clone; all clones share one state.
///
/// ```no_run
/// # async fn f() -> Result<(), yew_clerk::ClerkError> {
/// use yew_clerk::{client::FrontendApi, Clerk, Urls};
/// let clerk = Clerk::new(FrontendApi::from_url("http://localhost:3000", false)?, Urls::default());
/// clerk.load().await?;
/// let signed_in = clerk.state().is_signed_in();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Clerk(Rc<Inner>);

struct Inner {
    transport: Transport,
    urls: RefCell<Urls>,
    allowed_redirect_origins: RefCell<Vec<String>>,
    state: RefCell<ClerkState>,
    listeners: RefCell<Vec<(u64, Listener)>>,
    next_listener: Cell<u64>,
    tokens: token::Tokens,
    navigator: RefCell<Option<yew_router::prelude::Navigator>>,
    /// The codes this page has sent: a step drawn again must not send another.
    sent_codes: code_once::SentCodes,
    /// One new sign-in at a time: the sign-in a passkey autofill starts on mount must
    /// not overtake the one the person then submits (the last made is the client's).
    sign_in_creation: futures::lock::Mutex<()>,
}

impl PartialEq for Clerk {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Unsubscribes when dropped.
pub struct Subscription {
    clerk: Clerk,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.clerk
            .0
            .listeners
            .borrow_mut()
            .retain(|(id, _)| *id != self.id);
    }
}

impl Clerk {
    pub fn new(api: FrontendApi, urls: Urls) -> Clerk {
        let mode = if api.uses_dev_browser {
            AuthMode::DevBrowser
        } else {
            AuthMode::Cookie
        };
        Clerk(Rc::new(Inner {
            transport: Transport::new(api.base_url, mode),
            urls: RefCell::new(urls),
            allowed_redirect_origins: RefCell::new(Vec::new()),
            state: RefCell::new(ClerkState::default()),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(0),
            tokens: token::Tokens::default(),
            navigator: RefCell::new(None),
            sent_codes: code_once::SentCodes::default(),
            sign_in_creation: futures::lock::Mutex::new(()),
        }))
    }

    /// A snapshot of the current state.
    pub fn state(&self) -> ClerkState {
        self.0.state.borrow().clone()
    }

    pub fn auth_mode(&self) -> AuthMode {
        self.0.transport.mode()
    }

    /// Calls `listener` after every change, until the subscription is dropped.
    pub fn subscribe(&self, listener: impl Fn(&ClerkState) + 'static) -> Subscription {
        let id = self.0.next_listener.get();
        self.0.next_listener.set(id + 1);
        self.0.listeners.borrow_mut().push((id, Rc::new(listener)));
        Subscription {
            clerk: self.clone(),
            id,
        }
    }

    fn update(&self, change: impl FnOnce(&mut ClerkState)) {
        let snapshot = {
            let mut state = self.0.state.borrow_mut();
            change(&mut state);
            state.version += 1;
            state.clone()
        };
        let listeners: Vec<_> = self
            .0
            .listeners
            .borrow()
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        for l in listeners {
            l(&snapshot);
        }
    }

    /// Records a failure that makes loading impossible (a bad key, for one).
    pub(crate) fn fail(&self, error: ClerkError) {
        self.update(|s| s.error = Some(error));
    }

    pub(crate) fn set_urls(&self, urls: Urls, allowed_redirect_origins: Vec<String>) {
        *self.0.urls.borrow_mut() = urls;
        *self.0.allowed_redirect_origins.borrow_mut() = allowed_redirect_origins;
    }

    /// Loads the environment and the client together (after setting up the dev
    /// browser where the instance uses one).
    pub async fn load(&self) -> Result<(), ClerkError> {
        let result = async {
            self.0.transport.setup_dev_browser().await?;
            let (env, client) = futures::join!(
                self.0.transport.send(Method::Get, ENVIRONMENT, None, None),
                self.0.transport.send(Method::Get, CLIENT, None, None),
            );
            let env = decoded::<Environment>(ENVIRONMENT, env?)?;
            let (response, client) = split_envelope(CLIENT, client?)?;
            let client = match client {
                Some(c) => Some(c),
                None => decoded::<Option<Client>>(CLIENT, response)?,
            };
            Ok::<_, ClerkError>((env, client))
        }
        .await;
        match result {
            Ok((env, client)) => {
                self.0.transport.after_first_load();
                let take = self.state().takes_client(client.as_ref());
                self.update(|s| {
                    s.environment = Some(Rc::new(env));
                    if take {
                        s.client = client.map(Rc::new);
                    }
                    s.loaded = true;
                    s.error = None;
                });
                self.after_client_change();
                Ok(())
            }
            Err(e) => {
                self.update(|s| s.error = Some(e.clone()));
                Err(e)
            }
        }
    }

    /// Sends a request whose answer is `{response, client}`; the piggybacked client
    /// replaces ours (always for writes, and for reads when one came along) unless
    /// it is older than ours ([`ClerkState::takes_client`]).
    pub(crate) async fn call<T: FromJson>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ClerkError> {
        let response = self.call_untyped(method, path, body).await?;
        decoded(path, response)
    }

    /// The part of [`Clerk::call`] that does not depend on the answer's type, so the
    /// bundle carries it once.
    async fn call_untyped(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Value, ClerkError> {
        let session = self.state().session().map(|s| s.id.clone());
        let answer = self
            .0
            .transport
            .send(method, path, body, session.as_deref())
            .await?;
        let (response, client) = split_envelope(path, answer)?;
        if (method != Method::Get || client.is_some()) && self.state().takes_client(client.as_ref())
        {
            let client = client.map(Rc::new);
            self.update(|s| s.client = client);
            self.after_client_change();
        }
        Ok(response)
    }

    /// Keeps the app-domain cookies in step with the client, as clerk-js does.
    fn after_client_change(&self) {
        let state = self.state();
        let uat = match state.client.as_deref() {
            Some(c) if state.is_signed_in() => c.updated_at / 1000,
            _ => 0,
        };
        crate::browser::set_cookie("__client_uat", &uat.to_string(), 365 * 24 * 3600);
        if !state.is_signed_in() {
            self.0.tokens.clear();
            crate::browser::set_cookie("__session", "", 0);
        }
    }
}

/// Decodes an answer (or its `response`) read from `path`.
pub(crate) fn decoded<T: FromJson>(path: &str, value: Value) -> Result<T, ClerkError> {
    T::from_json(value).map_err(|e| ClerkError::Decode(format!("{path}: {e}")))
}

/// `{response, client}`: the resource, and the piggybacked client.
fn split_envelope(path: &str, answer: Value) -> Result<(Value, Option<Client>), ClerkError> {
    let read = || {
        let mut f = Fields::new(answer, "Envelope")?;
        let response: Option<Value> = f.req("response").map_err(|_| f.error())?;
        let client = f.req("client").map_err(|_| f.error())?;
        Ok((response.unwrap_or(Value::Null), client))
    };
    read().map_err(|e: fapi_types::DecodeError| ClerkError::Decode(format!("{path}: {e}")))
}
