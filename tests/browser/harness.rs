//! Mounting real components in the test page and driving them through the DOM, against
//! the real `fapi-server` that `cargo xtask test` started (its URL comes in at build
//! time as `FAPI_TEST_URL`).

#![allow(dead_code)]

use std::{cell::RefCell, rc::Rc, time::Duration};

use gloo_net::http::Request;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, RequestCredentials};
use yew::prelude::*;
use yew_clerk::{client::FrontendApi, prelude::*, Urls};
use yew_router::BrowserRouter;

pub const FAPI: &str = match option_env!("FAPI_TEST_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:3000",
};
/// A second server with `[mfa] required = true` (`FAPI_MFA_REQUIRED_URL`).
pub const FAPI_MFA_REQUIRED: &str = match option_env!("FAPI_MFA_REQUIRED_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:3001",
};
/// A third server with Device Trust on (`FAPI_CLIENT_TRUST_URL`).
pub const FAPI_CLIENT_TRUST: &str = match option_env!("FAPI_CLIENT_TRUST_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:3002",
};
/// A fourth server in multi-session mode (`FAPI_MULTI_SESSION_URL`).
pub const FAPI_MULTI_SESSION: &str = match option_env!("FAPI_MULTI_SESSION_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:3003",
};
pub const PASSWORD: &str = "correct horse battery staple";

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn pathname() -> String {
    web_sys::window().unwrap().location().pathname().unwrap()
}

pub fn search_param(name: &str) -> Option<String> {
    let search = web_sys::window().unwrap().location().search().unwrap();
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Puts the test page at `url` (path and query) without loading anything.
pub fn set_location(url: &str) {
    let history = web_sys::window().unwrap().history().unwrap();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .unwrap();
}

/// Fills `<SignIn/>`'s first card and submits it.
pub async fn submit_sign_in(root: &Element, email: &str, password: &str) {
    fill(root, "input[name=identifier]", email).await;
    fill(root, "input[name=password]", password).await;
    click(root, "button.cl-formButtonPrimary").await;
}

/// Puts the page back at `/` with no history games left over.
pub fn reset_location() {
    let history = web_sys::window().unwrap().history().unwrap();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"))
        .unwrap();
}

pub async fn sleep(ms: u64) {
    gloo_timers::future::sleep(Duration::from_millis(ms)).await;
}

/// A unique email per test run, so tests share one server without colliding.
pub fn unique_email(tag: &str) -> String {
    let n = (js_sys::Math::random() * 1e12) as u64;
    format!("{tag}.{n}@example.com")
}

/// A unique non-test phone number (its codes go to the dev outbox).
pub fn unique_phone() -> String {
    let n = (js_sys::Math::random() * 9e6) as u64 + 1_000_000;
    format!("+1415{n:07}")
}

/// Forgets this browser's client on the server and the app-domain cookies.
pub async fn fresh_browser() {
    let _ = Request::post(&format!("{FAPI}/v1/client?_method=DELETE"))
        .credentials(RequestCredentials::Include)
        .send()
        .await;
    let _ = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear();
    // What a test's page script started and nobody took (tests/browser/early.rs).
    let _ = js_sys::Reflect::delete_property(
        &web_sys::window().unwrap(),
        &wasm_bindgen::JsValue::from_str("__clerkEarly"),
    );
    reset_location();
}

/// What a test mounted: its root element, unmounted on drop.
pub struct Mounted {
    pub root: Element,
    handle: Option<yew::AppHandle<Host>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
    }
}

#[derive(Properties, PartialEq)]
pub struct HostProps {
    pub content: Html,
    /// The server (default: `FAPI`).
    #[prop_or_default]
    pub frontend_api: Option<AttrValue>,
    /// The provider's `task_urls.setup_mfa`.
    #[prop_or_default]
    pub task_setup_mfa: Option<AttrValue>,
    #[prop_or_default]
    pub after_sign_in_url: Option<AttrValue>,
    /// The provider's `sign_in_force_redirect_url`.
    #[prop_or_default]
    pub sign_in_force: Option<AttrValue>,
    #[prop_or_default]
    pub dev_browser: bool,
    /// The provider's language (default: English).
    #[prop_or_default]
    pub localization: Localization,
    pub on_clerk: Callback<Clerk>,
}

/// Hands the provider's core to the test.
#[component]
fn Grab(props: &GrabProps) -> Html {
    let clerk = use_clerk();
    props.on_clerk.emit(clerk);
    html! {}
}

#[derive(Properties, PartialEq)]
struct GrabProps {
    on_clerk: Callback<Clerk>,
}

/// The app around the component under test: a router and the provider.
#[component]
pub fn Host(props: &HostProps) -> Html {
    html! {
        <BrowserRouter>
            <ClerkProvider frontend_api={props.frontend_api.clone().unwrap_or(AttrValue::Static(FAPI))} dev_browser={props.dev_browser}
                sign_in_url="/sign-in" sign_up_url="/sign-up"
                after_sign_in_url={props.after_sign_in_url.clone().unwrap_or(AttrValue::Static("/signed-in"))}
                after_sign_out_url="/signed-out"
                sign_in_force_redirect_url={props.sign_in_force.clone()}
                task_urls={TaskUrls { setup_mfa: props.task_setup_mfa.clone(), ..Default::default() }}
                localization={props.localization.clone()}>
                <Grab on_clerk={props.on_clerk.clone()} />
                { props.content.clone() }
            </ClerkProvider>
        </BrowserRouter>
    }
}

/// Mounts `content` inside the provider; returns the mount and the provider's core.
pub async fn mount(content: Html) -> (Mounted, Clerk) {
    mount_with(content, false).await
}

pub async fn mount_with(content: Html, dev_browser: bool) -> (Mounted, Clerk) {
    mount_on(None, content, dev_browser, None).await
}

/// Mounts `content` inside a provider on `frontend_api` (default: `FAPI`).
pub async fn mount_on(
    frontend_api: Option<&'static str>,
    content: Html,
    dev_browser: bool,
    task_setup_mfa: Option<&'static str>,
) -> (Mounted, Clerk) {
    mount_host(frontend_api, content, dev_browser, task_setup_mfa, None).await
}

/// Mounts `content` inside a provider with `sign_in_force_redirect_url`.
pub async fn mount_forced(content: Html, sign_in_force: &'static str) -> (Mounted, Clerk) {
    mount_host(None, content, false, None, Some(sign_in_force)).await
}

/// Mounts `content` inside a provider speaking `localization`.
pub async fn mount_localized(content: Html, localization: Localization) -> (Mounted, Clerk) {
    mount_host_with(None, content, false, None, None, localization).await
}

async fn mount_host(
    frontend_api: Option<&'static str>,
    content: Html,
    dev_browser: bool,
    task_setup_mfa: Option<&'static str>,
    sign_in_force: Option<&'static str>,
) -> (Mounted, Clerk) {
    let english = Localization::default();
    mount_host_with(
        frontend_api,
        content,
        dev_browser,
        task_setup_mfa,
        sign_in_force,
        english,
    )
    .await
}

async fn mount_host_with(
    frontend_api: Option<&'static str>,
    content: Html,
    dev_browser: bool,
    task_setup_mfa: Option<&'static str>,
    sign_in_force: Option<&'static str>,
    localization: Localization,
) -> (Mounted, Clerk) {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let grabbed: Rc<RefCell<Option<Clerk>>> = Rc::default();
    let on_clerk = {
        let grabbed = grabbed.clone();
        Callback::from(move |c: Clerk| *grabbed.borrow_mut() = Some(c))
    };
    let handle = yew::Renderer::<Host>::with_root_and_props(
        root.clone(),
        HostProps {
            content,
            frontend_api: frontend_api.map(AttrValue::Static),
            task_setup_mfa: task_setup_mfa.map(AttrValue::Static),
            after_sign_in_url: None,
            sign_in_force: sign_in_force.map(AttrValue::Static),
            dev_browser,
            localization,
            on_clerk,
        },
    )
    .render();
    let clerk = wait_until("the provider to render", || grabbed.borrow().clone()).await;
    wait_until("Clerk to load", || clerk.state().loaded.then_some(())).await;
    (
        Mounted {
            root,
            handle: Some(handle),
        },
        clerk,
    )
}

/// Polls until `f` gives a value (10 s at most).
pub async fn wait_until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..500 {
        if let Some(v) = f() {
            return v;
        }
        sleep(20).await;
    }
    panic!("timed out waiting for {what}");
}

pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

pub async fn wait_for(root: &Element, selector: &str) -> Element {
    wait_until(selector, || find(root, selector)).await
}

/// Waits for an element whose text contains `text`.
pub async fn wait_for_text(root: &Element, selector: &str, text: &str) -> Element {
    wait_until(&format!("{selector} containing {text:?}"), || {
        find_all(root, selector)
            .into_iter()
            .find(|e| e.text_content().unwrap_or_default().contains(text))
    })
    .await
}

/// Types into an input as a person would: value, then an `input` event.
pub async fn fill(root: &Element, selector: &str, value: &str) {
    let input: HtmlInputElement = wait_for(root, selector).await.dyn_into().unwrap();
    input.set_value(value);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    sleep(10).await;
}

pub async fn click(root: &Element, selector: &str) {
    let el: HtmlElement = wait_for(root, selector).await.dyn_into().unwrap();
    el.click();
    sleep(10).await;
}

/// Clicks the button whose text contains `text`.
pub async fn click_text(root: &Element, selector: &str, text: &str) {
    let el: HtmlElement = wait_for_text(root, selector, text)
        .await
        .dyn_into()
        .unwrap();
    el.click();
    sleep(10).await;
}

pub fn focused_name() -> Option<String> {
    document()
        .active_element()
        .and_then(|e| e.get_attribute("name"))
}

#[derive(serde::Deserialize)]
struct Outbox {
    messages: Vec<OutboxMessage>,
}

#[derive(serde::Deserialize, Clone)]
pub struct OutboxMessage {
    pub to: String,
    pub code: String,
    /// `code`, or `notice` for an account notice (which carries no code).
    #[serde(default)]
    pub kind: String,
}

pub async fn outbox_to(to: &str) -> Vec<OutboxMessage> {
    let outbox: Outbox = Request::get(&format!("{FAPI}/dev/outbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    outbox
        .messages
        .into_iter()
        .filter(|m| m.to == to && m.kind != "notice")
        .collect()
}

/// The newest code once at least `count` messages have gone to `to` (so a code sent
/// earlier to the same address is never mistaken for the one just asked for).
pub async fn code_number(to: &str, count: usize) -> String {
    for _ in 0..250 {
        let msgs = outbox_to(to).await;
        if msgs.len() >= count {
            return msgs.last().unwrap().code.clone();
        }
        sleep(40).await;
    }
    panic!("fewer than {count} messages went to {to}");
}

/// After a resend: the code sent first is refused (when the server made a new one),
/// the new one signs in.
pub async fn only_the_new_code_works(root: &Element, clerk: &Clerk, first: &str, second: &str) {
    if first != second {
        fill(root, "input[name=code]", first).await;
        wait_for(root, "#cl-field-code-error").await;
    }
    fill(root, "input[name=code]", second).await;
    wait_signed_in(root, clerk).await;
}

/// The newest code sent to `to`, waiting for it to arrive.
pub async fn code_sent_to(to: &str) -> String {
    for _ in 0..250 {
        if let Some(m) = outbox_to(to).await.pop() {
            return m.code;
        }
        sleep(40).await;
    }
    panic!("no code was sent to {to}");
}

/// A second, headless core on the same server (same cookies): for setting up accounts
/// without the UI under test.
pub fn core() -> Clerk {
    Clerk::new(FrontendApi::from_url(FAPI, false).unwrap(), Urls::default())
}

/// Signs `email` up through `clerk` (its code: 424242 for a `+clerk_test` address,
/// else from `FAPI`'s outbox) and makes the new session the active one, keeping any
/// other session on the client.
pub async fn sign_up_with(clerk: &Clerk, first_name: &str, email: &str) {
    use yew_clerk::types::{params, Strategy};
    clerk
        .create_sign_up(&params::CreateSignUp {
            email_address: Some(email.into()),
            password: Some(PASSWORD.into()),
            first_name: Some(first_name.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    clerk
        .prepare_sign_up_verification(Strategy::EmailCode)
        .await
        .unwrap();
    let code = if email.contains("+clerk_test") {
        "424242".to_owned()
    } else {
        code_sent_to(email).await
    };
    let su = clerk
        .attempt_sign_up_verification(Strategy::EmailCode, &code)
        .await
        .unwrap();
    clerk
        .set_active(su.created_session_id.as_deref().unwrap())
        .await
        .unwrap();
}

/// Creates an account (email code from `+clerk_test`, or the outbox), optionally with
/// SMS two-step verification on `phone`, and leaves the browser signed out.
pub async fn create_account(email: &str, phone: Option<&str>) {
    use yew_clerk::types::params;
    let clerk = core();
    clerk.load().await.unwrap();
    sign_up_with(&clerk, "Ada", email).await;
    if let Some(phone) = phone {
        let p = clerk
            .create_phone_number(&params::CreatePhoneNumber {
                phone_number: phone.into(),
                reserved_for_second_factor: None,
            })
            .await
            .unwrap();
        clerk
            .prepare_identification_verification(yew_clerk::IdentificationKind::PhoneNumber, &p.id)
            .await
            .unwrap();
        let code = if phone.contains("55501") {
            "424242".to_owned()
        } else {
            code_sent_to(phone).await
        };
        clerk
            .attempt_identification_verification(
                yew_clerk::IdentificationKind::PhoneNumber,
                &p.id,
                &code,
            )
            .await
            .unwrap();
        clerk
            .update_phone_number(
                &p.id,
                &params::UpdatePhoneNumber {
                    reserved_for_second_factor: Some(true),
                    default_second_factor: None,
                },
            )
            .await
            .unwrap();
    }
    clerk.sign_out().await.unwrap();
}

/// Waits for the session; on timeout, says what the page shows instead.
pub async fn wait_signed_in(root: &Element, clerk: &Clerk) {
    for _ in 0..500 {
        if clerk.state().is_signed_in() {
            return;
        }
        sleep(20).await;
    }
    let cards: Vec<String> = find_all(root, ".cl-card, .cl-userProfile")
        .iter()
        .filter_map(|c| c.text_content())
        .collect();
    panic!("not signed in; the page says: {cards:?}");
}

/// A unique test-mode number (+1 XXX 555-01YY): code 424242, nothing sent.
pub fn unique_test_phone() -> String {
    let area = (js_sys::Math::random() * 800.0) as u32 + 200;
    let line = (js_sys::Math::random() * 100.0) as u32;
    format!("+1{area}55501{line:02}")
}

/// A sign-in with the password through `clerk` (no UI), as the server answers it.
pub async fn create_password_sign_in(clerk: &Clerk, email: &str) -> yew_clerk::types::SignIn {
    use yew_clerk::types::{params, Strategy};
    clerk
        .create_sign_in(&params::CreateSignIn {
            strategy: Some(Strategy::Password),
            identifier: Some(email.into()),
            password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap()
}

/// Signs in with the password through `clerk` (no UI) and makes the session active.
pub async fn sign_in_with_password(clerk: &Clerk, email: &str) {
    let si = create_password_sign_in(clerk, email).await;
    clerk
        .set_active(si.created_session_id.as_deref().unwrap())
        .await
        .unwrap();
}

/// The code an authenticator app shows `offset` seconds from now (RFC 6238: HMAC-SHA1,
/// 6 digits, 30 s), from the base32 secret the server gave.
pub fn totp_code(secret_base32: &str, offset: i64) -> String {
    use hmac::{Hmac, Mac};
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret_base32.as_bytes())
        .unwrap();
    let now = (js_sys::Date::now() / 1000.0) as i64 + offset;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&secret).unwrap();
    mac.update(&((now / 30) as u64).to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let at = (hash[19] & 0x0f) as usize;
    let n = u32::from_be_bytes([hash[at] & 0x7f, hash[at + 1], hash[at + 2], hash[at + 3]]);
    format!("{:06}", n % 1_000_000)
}

/// In an open authenticator-app set-up: shows the key ("Can't scan the QR code?"),
/// types the app's code for it, and returns the key.
pub async fn add_authenticator_app_from_key(root: &Element) -> String {
    wait_for(root, "[data-section=totp] svg.cl-qrCode").await;
    click_text(
        root,
        "[data-section=totp] button.cl-footerActionLink",
        "Can't scan",
    )
    .await;
    let secret = wait_for(root, "[data-section=totp] .cl-totpSecret")
        .await
        .text_content()
        .unwrap();
    fill(
        root,
        "[data-section=totp] input[name=code]",
        &totp_code(&secret, 0),
    )
    .await;
    secret
}
