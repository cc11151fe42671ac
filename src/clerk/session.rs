use fapi_types::{params, Client, Session, Token};
use futures::FutureExt;

use super::Clerk;
use crate::{
    client::{form_body, Method},
    ClerkError,
};

impl Clerk {
    /// Makes a session the active one (after a sign-in or sign-up completes) and
    /// fetches its first token.
    pub async fn set_active(&self, session_id: &str) -> Result<(), ClerkError> {
        self.touch(session_id).await.map(drop)
    }

    /// `set_active`, answering with the session as it now is.
    async fn touch(&self, session_id: &str) -> Result<Session, ClerkError> {
        let session: Session = self
            .call(
                Method::Post,
                &format!("/client/sessions/{session_id}/touch"),
                Some(form_body(&params::TouchSession {
                    active_organization_id: None,
                    intent: Some("select_session".into()),
                })),
            )
            .await?;
        self.get_token().await?;
        Ok(session)
    }

    /// Makes `session_id` the active session, then hands it to `navigate`, which
    /// takes the user on as the app likes (Clerk's `setActive({ session, navigate })`):
    /// with the app's router rather than a page load, or to a page chosen by the
    /// session, such as one for its pending task. The returned future ends when
    /// `navigate`'s does.
    ///
    /// ```no_run
    /// # async fn finish(clerk: yew_clerk::Clerk, session_id: &str) -> Result<(), yew_clerk::ClerkError> {
    /// clerk
    ///     .set_active_and_navigate(session_id, |session| async move {
    ///         let pending = session.tasks.as_ref().is_some_and(|t| !t.is_empty());
    ///         // Your router here: a yew-router Navigator's `push`, for example.
    ///         let to = if pending { "/onboarding" } else { "/dashboard" };
    ///         web_sys::window().unwrap().location().set_href(to).unwrap();
    ///     })
    ///     .await
    /// # }
    /// ```
    pub async fn set_active_and_navigate<F, Fut>(
        &self,
        session_id: &str,
        navigate: F,
    ) -> Result<(), ClerkError>
    where
        F: FnOnce(Session) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let session = self.touch(session_id).await?;
        navigate(session).await;
        Ok(())
    }

    /// Makes `session_id` the active session, then goes to `redirect_url` if given
    /// (Clerk's `setActive({ session, redirectUrl })`): switching accounts in
    /// multi-session mode, or finishing a custom flow.
    pub async fn set_active_and_redirect(
        &self,
        session_id: &str,
        redirect_url: Option<&str>,
    ) -> Result<(), ClerkError> {
        self.set_active(session_id).await?;
        if let Some(url) = redirect_url {
            self.navigate(url);
        }
        Ok(())
    }

    /// Signs out of the active session only; another signed-in account on this
    /// device, if any, becomes the active one (multi-session mode).
    pub async fn sign_out_current_session(&self) -> Result<(), ClerkError> {
        let Some(current) = self.state().session().map(|s| s.id.clone()) else {
            return Ok(());
        };
        self.sign_out_session(&current).await?;
        let next = self
            .state()
            .signed_in_sessions()
            .into_iter()
            .map(|s| s.id.clone())
            .find(|id| *id != current);
        if let Some(next) = next {
            self.set_active(&next).await?;
        }
        Ok(())
    }

    /// Signs out of every session on this client (`DELETE /v1/client/sessions`).
    /// Navigation afterwards is the caller's: see [`Clerk::sign_out_and_redirect`].
    pub async fn sign_out(&self) -> Result<(), ClerkError> {
        let _: Option<Client> = self.call(Method::Delete, "/client/sessions", None).await?;
        self.0.tokens.clear();
        Ok(())
    }

    /// Signs out of one session and keeps the others on this client (Clerk's
    /// `signOut({ sessionId })`, `POST /v1/client/sessions/{id}/remove`). Another
    /// signed-in session, if any, becomes the active one.
    pub async fn sign_out_session(&self, session_id: &str) -> Result<(), ClerkError> {
        let _: Session = self
            .call(
                Method::Post,
                &format!("/client/sessions/{session_id}/remove"),
                None,
            )
            .await?;
        self.0.tokens.clear();
        Ok(())
    }

    /// Signs out, then goes to the after-sign-out URL.
    pub async fn sign_out_and_redirect(&self) -> Result<(), ClerkError> {
        self.sign_out().await?;
        let target = self.after_sign_out_url();
        self.navigate(&target);
        Ok(())
    }

    /// A session token (JWT, about 60 s) for calling your own backend: from the cache
    /// while it has more than 15 s left, else freshly minted. `None` when signed out.
    pub async fn get_token(&self) -> Result<Option<String>, ClerkError> {
        let Some(session_id) = self.state().session().map(|s| s.id.clone()) else {
            return Ok(None);
        };
        let now = crate::browser::now_ms();
        if let Some(jwt) = self.0.tokens.fresh(&session_id, now) {
            return Ok(Some(jwt));
        }
        let clerk = self.clone();
        let sid = session_id.clone();
        let generation = self.0.tokens.generation();
        let minting = self.0.tokens.minting(&session_id, move || {
            async move {
                let path = format!("/client/sessions/{sid}/tokens");
                let answer = clerk
                    .0
                    .transport
                    .send(Method::Post, &path, Some(String::new()), None)
                    .await?;
                Ok(super::decoded::<Token>(&path, answer)?.jwt)
            }
            .boxed_local()
        });
        let result = minting.await;
        self.0.tokens.done_minting(&session_id, generation);
        let jwt = result?;
        // Cleared meanwhile (a reverification, a sign-out): this token tells the
        // session as it was; the next caller mints anew.
        if self.0.tokens.store(generation, &session_id, &jwt) {
            crate::browser::set_cookie("__session", &jwt, 365 * 24 * 3600);
        }
        Ok(Some(jwt))
    }

    /// A token of a JWT template for a third-party service (Clerk's `getToken({
    /// template })`): the claims and lifetime the instance's template gives it.
    /// Minted on each call; `None` when signed out.
    pub async fn get_token_with(&self, template: &str) -> Result<Option<String>, ClerkError> {
        let Some(session_id) = self.state().session().map(|s| s.id.clone()) else {
            return Ok(None);
        };
        // A template name is one path segment: letters, digits, `-` and `_`.
        if template.is_empty()
            || !template
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ClerkError::Config(format!(
                "{template:?} is not a JWT template name"
            )));
        }
        let path = format!("/client/sessions/{session_id}/tokens/{template}");
        let answer = self
            .0
            .transport
            .send(Method::Post, &path, Some(String::new()), None)
            .await?;
        Ok(Some(super::decoded::<Token>(&path, answer)?.jwt))
    }
}
