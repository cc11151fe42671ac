//! The authenticator-app and backup-code rows of the Security page, and the list of
//! backup codes shown once whenever the server hands out a new set.

use fapi_types::{Totp, User};
use yew::{platform::spawn_local, prelude::*};

use super::{account::PageProps, identifications::run};
use crate::{
    browser::copy_to_clipboard,
    components::ui::{Action, Alert, CodeForm, LinkButton, QrCode},
    context::use_clerk_context,
    hooks::use_reverification,
};

/// Where the authenticator-app set-up stands.
#[derive(Clone, PartialEq)]
enum Setup {
    Idle,
    /// The secret is out: scan it, then type the app's first code.
    Scanning(Totp),
    /// It is on; this set of backup codes is shown once.
    Codes(Vec<String>),
}

/// A second-factor method's set-up, in the profile or in the `setup-mfa` task.
#[derive(Properties, PartialEq)]
pub struct MethodProps {
    pub user: User,
    /// The method is on and its backup codes (if any) were put away.
    #[prop_or_default]
    pub on_enabled: Option<Callback<()>>,
    /// Open the set-up at once (the task card, where the user already chose it).
    #[prop_or_default]
    pub autostart: bool,
}

/// How many second factors the user has (an authenticator app, each passkey, each
/// SMS phone, each email address reserved for codes).
pub(crate) fn second_factor_count(user: &User) -> usize {
    usize::from(user.totp_enabled)
        + user.passkeys.len()
        + user
            .phone_numbers
            .iter()
            .filter(|p| p.reserved_for_second_factor)
            .count()
        + user
            .email_addresses
            .iter()
            .filter(|e| e.reserved_for_second_factor)
            .count()
}

/// Whether a second factor may be removed: not the last one when the instance
/// requires two-step verification (the server refuses it; Clerk hides the button).
pub(crate) fn may_remove_a_factor(ctx: &crate::context::ClerkContext, user: &User) -> bool {
    !ctx.state.mfa_required() || second_factor_count(user) > 1
}

/// Add an authenticator app (QR code, or the key to type in), confirm it with its
/// first code, then see the backup codes when this turned two-step verification on.
#[component]
pub fn AuthenticatorApp(props: &MethodProps) -> Html {
    let ctx = use_clerk_context();
    let setup = use_state(|| Setup::Idle);
    let show_key = use_state(|| false);
    let error = use_state(|| None::<String>);
    let success = use_state(|| false);
    let reverification = use_reverification();

    let start = {
        let (ctx, setup, error, success, show_key, reverification) = (
            ctx.clone(),
            setup.clone(),
            error.clone(),
            success.clone(),
            show_key.clone(),
            reverification.clone(),
        );
        Callback::from(move |_: ()| {
            let (clerk, setup, reverification) =
                (ctx.clerk.clone(), setup.clone(), reverification.clone());
            success.set(false);
            show_key.set(false);
            run(&ctx, &error, async move {
                let totp = reverification.run(|| clerk.create_totp()).await?;
                setup.set(Setup::Scanning(totp));
                Ok(())
            });
        })
    };
    {
        let start = start.clone();
        let autostart = props.autostart && !props.user.totp_enabled;
        use_effect_with((), move |_| {
            if autostart {
                start.emit(());
            }
        });
    }
    let remove = {
        let (ctx, error, success, reverification) = (
            ctx.clone(),
            error.clone(),
            success.clone(),
            reverification.clone(),
        );
        Callback::from(move |_| {
            let (clerk, reverification) = (ctx.clerk.clone(), reverification.clone());
            success.set(false);
            run(&ctx, &error, async move {
                reverification
                    .run(|| clerk.disable_totp())
                    .await
                    .map(|_| ())
            });
        })
    };
    let verify = {
        let (clerk, setup, success, enabled) = (
            ctx.clerk.clone(),
            setup.clone(),
            success.clone(),
            props.on_enabled.clone(),
        );
        Action::new(move |code: String| {
            let (clerk, setup, success, enabled) = (
                clerk.clone(),
                setup.clone(),
                success.clone(),
                enabled.clone(),
            );
            async move {
                let totp = clerk.verify_totp(&code).await?;
                success.set(true);
                match totp.backup_codes {
                    Some(codes) if !codes.is_empty() => setup.set(Setup::Codes(codes)),
                    _ => {
                        setup.set(Setup::Idle);
                        if let Some(enabled) = enabled {
                            enabled.emit(());
                        }
                    }
                }
                Ok(())
            }
        })
    };
    let cancel = {
        let setup = setup.clone();
        Callback::from(move |_| setup.set(Setup::Idle))
    };
    let done = {
        let (setup, enabled) = (setup.clone(), props.on_enabled.clone());
        Callback::from(move |_| {
            setup.set(Setup::Idle);
            if let Some(enabled) = &enabled {
                enabled.emit(());
            }
        })
    };

    let body = match (*setup).clone() {
        Setup::Scanning(totp) => {
            let uri = totp.uri.clone().unwrap_or_default();
            let key = totp.secret.clone().unwrap_or_default();
            html! {
                <div class={ctx.class("totpSetup")}>
                    <h4 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.mfaTOTPPage.title") }</h4>
                    if *show_key {
                        <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.mfaTOTPPage.authenticatorApp.infoText__unableToScan") }</p>
                        <CopyableText text={key} element="totpSecret" />
                    } else {
                        <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.mfaTOTPPage.authenticatorApp.infoText__ableToScan") }</p>
                        <QrCode value={uri} label={ctx.t("userProfile.mfaTOTPPage.authenticatorApp.qrLabel")} />
                        <LinkButton label={ctx.t("userProfile.mfaTOTPPage.authenticatorApp.buttonUnableToScan__nonPrimary")}
                            onclick={let s = show_key.clone(); Callback::from(move |_| s.set(true))} />
                    }
                    <CodeForm inline=true title={ctx.t("userProfile.mfaTOTPPage.verifyTitle")}
                        subtitle={ctx.t("userProfile.mfaTOTPPage.verifySubtitle")} submit={verify}
                        footer={html! { <LinkButton label={ctx.t("cancel")} onclick={cancel} /> }} />
                </div>
            }
        }
        Setup::Codes(codes) => html! { <BackupCodeList {codes} on_done={done} /> },
        Setup::Idle if props.user.totp_enabled => html! {
            <ul class={ctx.class("profileSectionItemList")}>
                <li class={classes!(ctx.class("profileSectionItem"), "cl-mfaTotpItem")}>
                    <span>{ ctx.t("userProfile.start.mfaSection.totp.headerTitle") }</span>
                    if may_remove_a_factor(&ctx, &props.user) {
                        <span class={ctx.class("profileSectionItemActions")}>
                            <button type="button" class={classes!(ctx.class("button"), "cl-button__danger")} onclick={remove}>
                                { ctx.t("userProfile.start.mfaSection.totp.destructiveActionTitle") }
                            </button>
                        </span>
                    }
                </li>
            </ul>
        },
        Setup::Idle => html! {
            <button type="button" class={classes!(ctx.class("button"), "cl-totpAddButton")} onclick={start.reform(|_| ())}>
                { ctx.t("userProfile.start.mfaSection.totp.primaryButton") }
            </button>
        },
    };
    html! {
        <div class={ctx.class("profileSubsection")} data-section="totp">
            <h4 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.mfaSection.totp.headerTitle") }</h4>
            <Alert message={(*error).clone()} />
            if *success {
                <Alert message={Some(ctx.t("userProfile.mfaTOTPPage.successMessage"))} kind="success" />
            }
            { body }
        </div>
    }
}

/// Regenerate backup codes (the old set stops working); offered once another second
/// factor is on, as codes alone are no second step.
#[component]
pub fn BackupCodes(props: &PageProps) -> Html {
    let ctx = use_clerk_context();
    let codes = use_state(|| None::<Vec<String>>);
    let error = use_state(|| None::<String>);
    let reverification = use_reverification();
    if !props.user.two_factor_enabled {
        return html! {};
    }
    let regenerate = {
        let (ctx, codes, error, reverification) = (
            ctx.clone(),
            codes.clone(),
            error.clone(),
            reverification.clone(),
        );
        Callback::from(move |_| {
            let (clerk, codes, reverification) =
                (ctx.clerk.clone(), codes.clone(), reverification.clone());
            run(&ctx, &error, async move {
                let set = reverification.run(|| clerk.create_backup_codes()).await?;
                codes.set(Some(set.codes));
                Ok(())
            });
        })
    };
    html! {
        <div class={ctx.class("profileSubsection")} data-section="backup_codes">
            <h4 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.mfaSection.backupCodes.headerTitle") }</h4>
            <Alert message={(*error).clone()} />
            if let Some(list) = (*codes).clone() {
                <BackupCodeList codes={list} on_done={let c = codes.clone(); Callback::from(move |_| c.set(None))} />
            } else {
                <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.start.mfaSection.backupCodes.subtitle__regenerate") }</p>
                <button type="button" class={classes!(ctx.class("button"), "cl-backupCodesRegenerate")} onclick={regenerate}>
                    { ctx.t("userProfile.start.mfaSection.backupCodes.actionLabel__regenerate") }
                </button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct BackupCodeListProps {
    pub codes: Vec<String>,
    pub on_done: Callback<()>,
}

/// The codes, shown this once: copy them, download them as a .txt, then "Done".
#[component]
pub fn BackupCodeList(props: &BackupCodeListProps) -> Html {
    let ctx = use_clerk_context();
    let text = props.codes.join("\n");
    let app = ctx
        .state
        .environment
        .as_deref()
        .map(|e| e.display_config.application_name.clone())
        .unwrap_or_default();
    let file = format!("{app} backup codes\n\n{text}\n");
    let href = format!(
        "data:text/plain;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&file))
    );
    let done = props.on_done.reform(|_| ());
    html! {
        <div class={ctx.class("backupCodes")}>
            <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.backupCodePage.successMessage") }</p>
            <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.backupCodePage.subtitle__codelist") }</p>
            <ol class={ctx.class("backupCodesList")}>
                { for props.codes.iter().map(|c| html! { <li><code>{ c.clone() }</code></li> }) }
            </ol>
            <div class={ctx.class("profileSectionItemActions")}>
                <CopyableText text={text} element="backupCodesCopy" hidden_text=true />
                <a class={classes!(ctx.class("button"), "cl-backupCodesDownload")} {href}
                    download={format!("{}_backup_codes.txt", app.replace(' ', "_"))}>
                    { ctx.t("userProfile.backupCodePage.actionLabel__download") }
                </a>
                <button type="button" class={classes!(ctx.class("formButtonPrimary"), "cl-backupCodesDone")} onclick={done}>
                    { ctx.t("userProfile.formButtonPrimary__finish") }
                </button>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CopyableTextProps {
    text: String,
    /// The class that names this copy button (`cl-<element>`).
    element: &'static str,
    /// Only the button: the text is shown elsewhere.
    #[prop_or_default]
    hidden_text: bool,
}

/// Text with a "Copy" button that says when it worked.
#[component]
fn CopyableText(props: &CopyableTextProps) -> Html {
    let ctx = use_clerk_context();
    let copied = use_state(|| None::<bool>);
    let onclick = {
        let (text, copied) = (props.text.clone(), copied.clone());
        Callback::from(move |_| {
            let (text, copied) = (text.clone(), copied.clone());
            spawn_local(async move { copied.set(Some(copy_to_clipboard(&text).await)) });
        })
    };
    let label = match *copied {
        Some(true) => ctx.t("userProfile.backupCodePage.actionLabel__copied"),
        Some(false) => ctx.t("userProfile.backupCodePage.actionLabel__copyFailed"),
        None if props.hidden_text => ctx.t("userProfile.backupCodePage.actionLabel__copy"),
        None => ctx.t("userProfile.mfaTOTPPage.authenticatorApp.actionLabel__copy"),
    };
    html! {
        <>
            if !props.hidden_text {
                <code class={ctx.class(props.element)}>{ props.text.clone() }</code>
            }
            <button type="button" class={classes!(ctx.class("button"), format!("cl-{}Button", props.element))} {onclick}>
                { label }
            </button>
        </>
    }
}
