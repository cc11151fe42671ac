//! Steps in the URL (issue 13, point 2): reload and Back keep the user where they were.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::harness::*;

fn history() -> web_sys::History {
    web_sys::window().unwrap().history().unwrap()
}

fn hash() -> String {
    web_sys::window().unwrap().location().hash().unwrap()
}

async fn wait_path(path: &str) {
    wait_until(&format!("the URL {path} (at {})", pathname()), || {
        (pathname() == path).then_some(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_sms_step_survives_a_reload_without_a_second_sms() {
    fresh_browser().await;
    let email = unique_email("route.reload");
    let phone = unique_phone();
    create_account(&email, Some(&phone)).await;
    let before = outbox_to(&phone).await.len();
    set_location("/sign-in?redirect_url=%2Fafter");
    let (m, _) = mount(html! { <SignIn path="/sign-in" /> }).await;
    submit_sign_in(&m.root, &email, PASSWORD).await;
    wait_for(&m.root, "input[name=code]").await;
    wait_path("/sign-in/factor-two").await;
    assert_eq!(search_param("redirect_url").as_deref(), Some("/after"));
    let code = code_number(&phone, before + 1).await;

    // A reload: the page and its core are gone; a new one loads the client.
    drop(m);
    let (m, clerk) = mount(html! { <SignIn path="/sign-in" /> }).await;
    let card = wait_for_text(&m.root, ".cl-card", "Check your phone").await;
    assert!(
        card.text_content().unwrap().contains("Code sent to +1"),
        "{:?}",
        card.text_content()
    );
    sleep(800).await;
    assert_eq!(
        outbox_to(&phone).await.len(),
        before + 1,
        "the reload sent no second SMS (the first code still works)"
    );
    fill(&m.root, "input[name=code]", &code).await;
    wait_signed_in(&m.root, &clerk).await;
    wait_path("/after").await;
    reset_location();
}

#[wasm_bindgen_test]
async fn back_returns_to_the_first_screen_and_forward_to_the_code() {
    fresh_browser().await;
    let email = unique_email("route.back+clerk_test");
    create_account(&email, Some(&unique_test_phone())).await;
    set_location("/sign-in");
    let (m, clerk) = mount(html! { <SignIn path="/sign-in" /> }).await;
    submit_sign_in(&m.root, &email, PASSWORD).await;
    wait_for(&m.root, "input[name=code]").await;
    wait_path("/sign-in/factor-two").await;

    history().back().unwrap();
    wait_path("/sign-in").await;
    wait_for(&m.root, "input[name=identifier]").await;
    assert!(find(&m.root, "input[name=code]").is_none());

    history().forward().unwrap();
    wait_path("/sign-in/factor-two").await;
    wait_for(&m.root, "input[name=code]").await;
    fill(&m.root, "input[name=code]", "424242").await;
    wait_signed_in(&m.root, &clerk).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn without_a_path_the_step_is_kept_in_the_hash() {
    fresh_browser().await;
    let email = unique_email("route.hash+clerk_test");
    create_account(&email, Some(&unique_test_phone())).await;
    set_location("/login");
    let (m, _) = mount(html! { <SignIn /> }).await;
    submit_sign_in(&m.root, &email, PASSWORD).await;
    wait_for(&m.root, "input[name=code]").await;
    wait_until("the hash", || (hash() == "#/factor-two").then_some(())).await;
    assert_eq!(pathname(), "/login");
    drop(m);
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    fill(
        &wait_for(&m.root, ".cl-card").await,
        "input[name=code]",
        "424242",
    )
    .await;
    wait_signed_in(&m.root, &clerk).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn a_step_url_without_a_sign_in_in_progress_opens_the_first_screen() {
    fresh_browser().await;
    set_location("/sign-in/factor-two?redirect_url=%2Fx");
    let (m, _) = mount(html! { <SignIn path="/sign-in" /> }).await;
    wait_for(&m.root, "input[name=identifier]").await;
    wait_path("/sign-in").await;
    assert_eq!(search_param("redirect_url").as_deref(), Some("/x"));
    reset_location();
}

#[wasm_bindgen_test]
async fn the_sign_up_code_step_survives_a_reload() {
    fresh_browser().await;
    let email = unique_email("route.signup");
    set_location("/sign-up");
    let (m, _) = mount(html! { <SignUp path="/sign-up" /> }).await;
    fill(&m.root, "input[name=email_address]", &email).await;
    fill(&m.root, "input[name=password]", PASSWORD).await;
    click(&m.root, "button.cl-formButtonPrimary").await;
    wait_for_text(&m.root, ".cl-headerTitle", "Verify your email").await;
    wait_path("/sign-up/verify-email-address").await;
    let code = code_sent_to(&email).await;

    drop(m);
    let (m, clerk) = mount(html! { <SignUp path="/sign-up" /> }).await;
    wait_for_text(&m.root, ".cl-headerTitle", "Verify your email").await;
    sleep(800).await;
    assert_eq!(
        outbox_to(&email).await.len(),
        1,
        "no second email on reload"
    );
    fill(&m.root, "input[name=code]", &code).await;
    wait_signed_in(&m.root, &clerk).await;
    reset_location();
}

#[derive(Clone, PartialEq, yew_router::Routable)]
enum Route {
    #[at("/sign-in")]
    SignIn,
    #[at("/sign-in/*")]
    SignInStep,
}

/// What the app's router thinks the URL is, and a link back to the sign-in page.
#[component]
fn RouterView() -> Html {
    let location = yew_router::hooks::use_location();
    let route = yew_router::hooks::use_route::<Route>();
    let navigator = yew_router::hooks::use_navigator().unwrap();
    let onclick = Callback::from(move |_| navigator.push(&Route::SignIn));
    html! {
        <>
            <p class="router-path">{ location.map(|l| l.path().to_owned()).unwrap_or_default() }</p>
            <p class="router-route">{ format!("{}", matches!(route, Some(Route::SignInStep))) }</p>
            <button class="to-sign-in" {onclick}>{ "Sign in page" }</button>
        </>
    }
}

#[wasm_bindgen_test]
async fn the_apps_router_follows_the_steps_and_its_links_lead_back() {
    fresh_browser().await;
    let email = unique_email("route.router+clerk_test");
    create_account(&email, Some(&unique_test_phone())).await;
    set_location("/sign-in");
    let (m, _) = mount(html! { <><SignIn path="/sign-in" /><RouterView /></> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_for(root, "input[name=code]").await;
    // yew-router's location (and so `<Switch>`) saw the step's URL.
    wait_for_text(root, ".router-path", "/sign-in/factor-two").await;
    wait_for_text(root, ".router-route", "true").await;
    // A router link to the page itself opens its first screen.
    click(root, "button.to-sign-in").await;
    wait_for(root, "input[name=identifier]").await;
    wait_path("/sign-in").await;
    wait_for_text(root, ".router-path", "/sign-in").await;
    reset_location();
}
