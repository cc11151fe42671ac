use std::future::Future;

use futures::channel::oneshot;
use yew::prelude::*;

use fapi_types::SessionVerificationLevel;

use crate::{context::use_clerk_context, ClerkError};

/// The code a sensitive change answers while the session's verification is old.
pub const REVERIFICATION_REQUIRED: &str = "session_reverification_required";

/// Wraps sensitive actions: see [`use_reverification`].
#[derive(Clone, PartialEq)]
pub struct ReverificationHandle {
    reverify: Callback<(oneshot::Sender<bool>, SessionVerificationLevel)>,
}

impl ReverificationHandle {
    /// Runs `action`. If the server wants a fresh verification first, the "Verify
    /// it's you" dialog opens; once the user has verified, `action` runs again and
    /// its result is returned. A cancelled dialog gives [`ClerkError::Cancelled`].
    pub async fn run<T, F, Fut>(&self, action: F) -> Result<T, ClerkError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ClerkError>>,
    {
        match action().await {
            Err(e) if e.is(REVERIFICATION_REQUIRED) => {
                self.verify_at(required_level(&e)).await?;
                action().await
            }
            other => other,
        }
    }

    /// Opens the dialog at Clerk's default level (the second factor, or the first
    /// for a user without one) and waits for the user to verify (or cancel).
    pub async fn verify(&self) -> Result<(), ClerkError> {
        self.verify_at(SessionVerificationLevel::SecondFactor).await
    }

    /// Opens the dialog at `level` and waits for the user to verify (or cancel).
    pub async fn verify_at(&self, level: SessionVerificationLevel) -> Result<(), ClerkError> {
        let (done, verified) = oneshot::channel();
        self.reverify.emit((done, level));
        match verified.await {
            Ok(true) => Ok(()),
            _ => Err(ClerkError::Cancelled),
        }
    }
}

/// Sensitive account changes (two-step verification, the password, email addresses
/// and phone numbers, other devices) need a recent verification; when the session's
/// is old the server answers `session_reverification_required`. Wrap such an action
/// (a `Clerk` method, or a call to your own backend that answers the same error):
/// the user is asked to verify and the action is retried by itself.
///
/// ```no_run
/// use yew::{platform::spawn_local, prelude::*};
/// use yew_clerk::{hooks::use_reverification, prelude::*, types::params};
///
/// #[component]
/// fn RemovePhone(props: &RemovePhoneProps) -> Html {
///     let clerk = use_clerk();
///     let reverification = use_reverification();
///     let id = props.id.clone();
///     let onclick = Callback::from(move |_| {
///         let (clerk, reverification, id) = (clerk.clone(), reverification.clone(), id.clone());
///         spawn_local(async move {
///             let removed = reverification
///                 .run(|| clerk.delete_identification(yew_clerk::IdentificationKind::PhoneNumber, &id))
///                 .await;
///             if let Err(e) = removed {
///                 web_sys::console::error_1(&e.to_string().into());
///             }
///         });
///     });
///     html! { <button {onclick}>{ "Remove" }</button> }
/// }
/// #[derive(Properties, PartialEq)]
/// struct RemovePhoneProps { id: String }
/// ```
#[hook]
pub fn use_reverification() -> ReverificationHandle {
    let ctx = use_clerk_context();
    ctx.dialog.offer(verification_dialog);
    ReverificationHandle {
        reverify: ctx.reverify,
    }
}

/// The level a refusal asks for: fapi-server names it (`meta.reverification`); Clerk,
/// like clerk-js, is answered at its default, the second factor.
pub fn required_level(error: &ClerkError) -> SessionVerificationLevel {
    error
        .api()
        .and_then(|a| a.meta.reverification)
        .map_or(SessionVerificationLevel::SecondFactor, |r| r.level)
}

fn verification_dialog(
    level: SessionVerificationLevel,
    on_complete: Callback<()>,
    on_cancel: Callback<()>,
) -> Html {
    use crate::components::{modal::ModalFrame, UserVerification};
    html! {
        <ModalFrame label_key="reverification.password.title" on_close={on_cancel.clone()}>
            <UserVerification {level} {on_complete} {on_cancel} />
        </ModalFrame>
    }
}
