//! Where the core sends people, and how: through the app's router when the target is
//! in the app and a router is there, else by loading the page.

use std::borrow::Cow;

use yew_router::prelude::Navigator;

use super::Clerk;
use crate::client::AuthMode;
use crate::{browser, navigation};

/// Any in-app path, so yew-router's `Navigator` can go there (with its basename).
#[derive(Clone, PartialEq)]
struct AnyPath(String);

impl yew_router::Routable for AnyPath {
    fn from_path(path: &str, _: &std::collections::HashMap<&str, &str>) -> Option<Self> {
        Some(AnyPath(path.to_owned()))
    }

    fn to_path(&self) -> String {
        self.0.clone()
    }

    fn routes() -> Vec<&'static str> {
        vec!["/"]
    }

    fn not_found_route() -> Option<Self> {
        None
    }

    fn recognize(pathname: &str) -> Option<Self> {
        Some(AnyPath(pathname.to_owned()))
    }
}

impl Clerk {
    pub(crate) fn set_navigator(&self, navigator: Option<Navigator>) {
        *self.0.navigator.borrow_mut() = navigator;
    }

    fn display_url(&self, pick: impl Fn(&fapi_types::DisplayConfig) -> &String) -> Option<String> {
        self.state()
            .environment
            .as_deref()
            .map(|e| pick(&e.display_config).clone())
            .filter(|u| !u.is_empty())
    }

    pub fn sign_in_url(&self) -> String {
        let own = self.0.urls.borrow().sign_in.clone();
        own.or_else(|| self.display_url(|d| &d.sign_in_url))
            .unwrap_or_else(|| "/sign-in".into())
    }

    pub fn sign_up_url(&self) -> String {
        let own = self.0.urls.borrow().sign_up.clone();
        own.or_else(|| self.display_url(|d| &d.sign_up_url))
            .unwrap_or_else(|| "/sign-up".into())
    }

    pub fn user_profile_url(&self) -> String {
        let own = self.0.urls.borrow().user_profile.clone();
        own.or_else(|| self.display_url(|d| &d.user_profile_url))
            .unwrap_or_else(|| "/user".into())
    }

    /// Where the app handles `task` (`setup-mfa`), if it set a page for it.
    pub fn task_url(&self, task: &fapi_types::SessionTask) -> Option<String> {
        match task.key.as_str() {
            "setup-mfa" => self.0.urls.borrow().task_setup_mfa.clone(),
            "reset-password" => self.0.urls.borrow().task_reset_password.clone(),
            _ => None,
        }
    }

    pub fn after_sign_out_url(&self) -> String {
        let own = self.0.urls.borrow().after_sign_out.clone();
        own.or_else(|| self.display_url(|d| &d.after_sign_out_all_url))
            .unwrap_or_else(|| "/".into())
    }

    /// Where to go after signing in: a safe `redirect_url` from the page URL, then
    /// `explicit`, then the provider's and the instance's after-sign-in URL, then `/`.
    /// Never the page you are on.
    pub fn after_sign_in_target(&self, explicit: Option<&str>) -> String {
        let from_query = browser::query_param("redirect_url");
        let own = self.0.urls.borrow().after_sign_in.clone();
        let display = self.display_url(|d| &d.after_sign_in_url);
        let home = self.display_url(|d| &d.home_url);
        navigation::pick_target(
            [
                from_query.as_deref(),
                explicit,
                own.as_deref(),
                display.as_deref(),
                home.as_deref(),
            ],
            &browser::current_href(),
            &browser::origin(),
            &self.0.allowed_redirect_origins.borrow(),
        )
    }

    /// The first safe one (this origin or an allowed one) of these candidates.
    fn first_safe(&self, candidates: &[Option<String>]) -> Option<String> {
        let allowed = self.0.allowed_redirect_origins.borrow().clone();
        candidates
            .iter()
            .flatten()
            .find(|u| navigation::is_safe_redirect(u, &browser::origin(), &allowed))
            .cloned()
    }

    /// Where to go after signing in, as Clerk decides it: a force URL (the page
    /// URL's `sign_in_force_redirect_url`, then `force`, then the provider's), else
    /// `redirect_url`, else a fallback (the page URL's `sign_in_fallback_redirect_url`,
    /// then `fallback`, then the provider's and the instance's).
    pub fn forced_or_after_sign_in(&self, force: Option<&str>, fallback: Option<&str>) -> String {
        let own = self.0.urls.borrow().sign_in_force.clone();
        let forced = self.first_safe(&[
            browser::query_param("sign_in_force_redirect_url"),
            force.map(str::to_owned),
            own,
        ]);
        forced.unwrap_or_else(|| {
            let fallback = browser::query_param("sign_in_fallback_redirect_url")
                .filter(|f| self.first_safe(&[Some(f.clone())]).is_some())
                .or(fallback.map(str::to_owned));
            self.after_sign_in_target(fallback.as_deref())
        })
    }

    /// Where a sign-in in a modal sends the user: a force URL (`force`, then the
    /// provider's), else `fallback` (the modal's `redirect_url` or fallback), else
    /// nowhere: the page the modal opened over stays, as with Clerk's modals.
    pub fn after_modal_sign_in(&self, force: Option<&str>, fallback: Option<&str>) -> String {
        let own = self.0.urls.borrow().sign_in_force.clone();
        self.after_modal(force, own, fallback)
    }

    /// As [`Clerk::after_modal_sign_in`], for sign-ups.
    pub fn after_modal_sign_up(&self, force: Option<&str>, fallback: Option<&str>) -> String {
        let own = self.0.urls.borrow().sign_up_force.clone();
        self.after_modal(force, own, fallback)
    }

    fn after_modal(
        &self,
        force: Option<&str>,
        own: Option<String>,
        fallback: Option<&str>,
    ) -> String {
        self.first_safe(&[force.map(str::to_owned), own, fallback.map(str::to_owned)])
            .unwrap_or_else(browser::current_href)
    }

    /// As [`Clerk::forced_or_after_sign_in`], for sign-ups (`sign_up_*`).
    pub fn forced_or_after_sign_up(&self, force: Option<&str>, fallback: Option<&str>) -> String {
        let own = self.0.urls.borrow().sign_up_force.clone();
        let forced = self.first_safe(&[
            browser::query_param("sign_up_force_redirect_url"),
            force.map(str::to_owned),
            own,
        ]);
        forced.unwrap_or_else(|| {
            let fallback = browser::query_param("sign_up_fallback_redirect_url")
                .filter(|f| self.first_safe(&[Some(f.clone())]).is_some())
                .or(fallback.map(str::to_owned));
            self.after_sign_up_target(fallback.as_deref())
        })
    }

    /// As [`Clerk::after_sign_in_target`], for sign-ups.
    pub fn after_sign_up_target(&self, explicit: Option<&str>) -> String {
        let own = self.0.urls.borrow().after_sign_up.clone();
        let display = self.display_url(|d| &d.after_sign_up_url);
        let fallback = explicit.map(str::to_owned).or(own).or(display);
        self.after_sign_in_target(fallback.as_deref())
    }

    /// The sign-in URL carrying `redirect_url` back to `back` (default: this page).
    pub fn build_sign_in_url(&self, back: Option<&str>) -> String {
        let back: Cow<str> = back.map_or_else(|| browser::current_href().into(), Cow::from);
        navigation::with_redirect_url(&self.sign_in_url(), &back)
    }

    pub fn build_sign_up_url(&self, back: Option<&str>) -> String {
        let back: Cow<str> = back.map_or_else(|| browser::current_href().into(), Cow::from);
        navigation::with_redirect_url(&self.sign_up_url(), &back)
    }

    /// `url`, carrying the dev browser token when it leaves this origin for the
    /// Frontend API's (its hosted pages) or an allowed origin, as Clerk hands it over:
    /// the page there then acts for the same client. Other URLs, and cookie mode,
    /// are left alone.
    pub fn with_dev_browser(&self, url: &str) -> String {
        let transport = &self.0.transport;
        let Some(token) = transport
            .dev_token()
            .filter(|_| transport.mode() == AuthMode::DevBrowser)
        else {
            return url.to_owned();
        };
        let origin = browser::origin();
        let Some(target) = navigation::origin_of(url).filter(|t| *t != origin) else {
            return url.to_owned();
        };
        let api = navigation::origin_of(transport.base_url());
        let allowed = self.0.allowed_redirect_origins.borrow();
        if api.as_deref() == Some(target.as_str()) || allowed.contains(&target) {
            navigation::with_query_param(url, "__clerk_db_jwt", &token)
        } else {
            url.to_owned()
        }
    }

    /// Goes to `url`, replacing the current history entry. In-app targets go through
    /// the router when there is one; a redirect to the current page is not made.
    pub fn navigate(&self, url: &str) {
        let url = &self.with_dev_browser(url);
        let origin = browser::origin();
        if navigation::same_page(url, &browser::current_href(), &origin)
            && !url.contains("redirect_url")
        {
            return;
        }
        let navigator = self.0.navigator.borrow().clone();
        match (navigator, navigation::in_app_path(url, &origin)) {
            (Some(nav), Some(path)) => nav.replace(&AnyPath(path)),
            _ => browser::replace(url),
        }
    }

    pub fn redirect_to_sign_in(&self) {
        self.redirect_to_sign_in_with(&RedirectOptions::default());
    }

    /// To sign in, with Clerk's redirect options: `redirect_url` (default: this page)
    /// and the `sign_in_*`/`sign_up_*` force and fallback URLs, passed on in the URL
    /// for the sign-in page (yours or a hosted one) to follow.
    pub fn redirect_to_sign_in_with(&self, options: &RedirectOptions) {
        let current = browser::current_href();
        if navigation::same_page(&self.sign_in_url(), &current, &browser::origin()) {
            return;
        }
        let back = options.redirect_url.as_deref().unwrap_or(&current);
        self.navigate(&options.decorate(self.build_sign_in_url(Some(back))));
    }

    pub fn redirect_to_sign_up(&self) {
        self.redirect_to_sign_up_with(&RedirectOptions::default());
    }

    /// As [`Clerk::redirect_to_sign_in_with`], to sign up.
    pub fn redirect_to_sign_up_with(&self, options: &RedirectOptions) {
        let current = browser::current_href();
        if navigation::same_page(&self.sign_up_url(), &current, &browser::origin()) {
            return;
        }
        let back = options.redirect_url.as_deref().unwrap_or(&current);
        self.navigate(&options.decorate(self.build_sign_up_url(Some(back))));
    }

    /// The profile's URL; a profile on another origin (hosted pages) is told the way
    /// back here, as sign-in is.
    pub fn user_profile_target(&self) -> String {
        let url = self.user_profile_url();
        let elsewhere = navigation::origin_of(&url).is_some_and(|o| o != browser::origin());
        if elsewhere {
            navigation::with_redirect_url(&url, &browser::current_href())
        } else {
            url
        }
    }

    pub fn redirect_to_user_profile(&self) {
        self.navigate(&self.user_profile_target());
    }
}

/// Clerk's redirect options for [`Clerk::redirect_to_sign_in_with`] and
/// `<RedirectToSignIn/>`: where to come back to, and where to go after signing in
/// or up, forced or as a fallback.
///
/// ```
/// use yew_clerk::RedirectOptions;
/// let options = RedirectOptions {
///     sign_in_force_redirect_url: Some("/welcome".into()),
///     ..RedirectOptions::default()
/// };
/// assert_eq!(
///     options.decorate("/sign-in?redirect_url=%2Fx".into()),
///     "/sign-in?redirect_url=%2Fx&sign_in_force_redirect_url=%2Fwelcome"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedirectOptions {
    /// Where to come back to (default: the current page).
    pub redirect_url: Option<String>,
    pub sign_in_force_redirect_url: Option<String>,
    pub sign_in_fallback_redirect_url: Option<String>,
    pub sign_up_force_redirect_url: Option<String>,
    pub sign_up_fallback_redirect_url: Option<String>,
}

impl RedirectOptions {
    /// `url` with each set force or fallback URL added to its query.
    pub fn decorate(&self, mut url: String) -> String {
        for (key, value) in [
            (
                "sign_in_force_redirect_url",
                &self.sign_in_force_redirect_url,
            ),
            (
                "sign_in_fallback_redirect_url",
                &self.sign_in_fallback_redirect_url,
            ),
            (
                "sign_up_force_redirect_url",
                &self.sign_up_force_redirect_url,
            ),
            (
                "sign_up_fallback_redirect_url",
                &self.sign_up_fallback_redirect_url,
            ),
        ] {
            if let Some(value) = value {
                url = navigation::with_query_param(&url, key, value);
            }
        }
        url
    }
}
