//! Where to send the user, decided without the browser so it can be tested natively:
//! redirect targets are checked (no open redirects), and a redirect to the page you
//! are on is never made (no loops).

/// Adds `redirect_url=<back>` to a sign-in or sign-up URL.
///
/// ```
/// use yew_clerk::navigation::with_redirect_url;
/// assert_eq!(
///     with_redirect_url("/sign-in", "http://localhost:8080/protected?x=1"),
///     "/sign-in?redirect_url=http%3A%2F%2Flocalhost%3A8080%2Fprotected%3Fx%3D1"
/// );
/// assert_eq!(with_redirect_url("/sign-in?a=b", "/p"), "/sign-in?a=b&redirect_url=%2Fp");
/// ```
pub fn with_redirect_url(target: &str, back: &str) -> String {
    with_query_param(target, "redirect_url", back)
}

/// `target` with `key=value` added to its query (before any `#hash`).
///
/// ```
/// use yew_clerk::navigation::with_query_param;
/// assert_eq!(
///     with_query_param("https://a.example/x?y=1#z", "__clerk_db_jwt", "dvb_1"),
///     "https://a.example/x?y=1&__clerk_db_jwt=dvb_1#z"
/// );
/// ```
pub fn with_query_param(target: &str, key: &str, value: &str) -> String {
    let (base, hash) = match target.split_once('#') {
        Some((b, h)) => (b, Some(h)),
        None => (target, None),
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    let encoded = serde_urlencoded::to_string([(key, value)]).expect("encodes");
    match hash {
        Some(h) => format!("{base}{sep}{encoded}#{h}"),
        None => format!("{base}{sep}{encoded}"),
    }
}

/// The `scheme://host[:port]` of an absolute http(s) URL; `None` for paths.
///
/// ```
/// use yew_clerk::navigation::origin_of;
/// assert_eq!(origin_of("http://127.0.0.1:3000/sign-in?x").as_deref(), Some("http://127.0.0.1:3000"));
/// assert_eq!(origin_of("/sign-in"), None);
/// ```
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Is `url` a place we may send the user after signing in? Relative paths, this
/// origin, and origins the app allowed. `//evil.com` and `javascript:` are not.
///
/// ```
/// use yew_clerk::navigation::is_safe_redirect;
/// let o = "https://app.example.com";
/// assert!(is_safe_redirect("/dashboard", o, &[]));
/// assert!(is_safe_redirect("https://app.example.com/x", o, &[]));
/// assert!(!is_safe_redirect("//evil.com/x", o, &[]));
/// assert!(!is_safe_redirect("https://evil.com", o, &[]));
/// assert!(!is_safe_redirect("javascript:alert(1)", o, &[]));
/// // Browsers drop TAB, CR and LF inside a URL: this one is `//evil.com/x` to them.
/// assert!(!is_safe_redirect("/\t/evil.com/x", o, &[]));
/// ```
pub fn is_safe_redirect(url: &str, origin: &str, allowed_origins: &[String]) -> bool {
    let url = url.trim();
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    if url.starts_with('/') {
        return !url.starts_with("//") && !url.starts_with("/\\");
    }
    let same = |o: &str| {
        !o.is_empty()
            && url
                .strip_prefix(o)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    };
    same(origin) || allowed_origins.iter().any(|o| same(o))
}

/// The in-app part (`/path?query#hash`) of a URL on this origin, for the router.
///
/// ```
/// use yew_clerk::navigation::in_app_path;
/// assert_eq!(in_app_path("https://a.com/x?y=1", "https://a.com").as_deref(), Some("/x?y=1"));
/// assert_eq!(in_app_path("/x", "https://a.com").as_deref(), Some("/x"));
/// assert_eq!(in_app_path("https://b.com/x", "https://a.com"), None);
/// ```
pub fn in_app_path(url: &str, origin: &str) -> Option<String> {
    if url.starts_with('/') && !url.starts_with("//") {
        return Some(url.to_owned());
    }
    let rest = url.strip_prefix(origin).filter(|_| !origin.is_empty())?;
    if rest.is_empty() {
        Some("/".into())
    } else if rest.starts_with(['/', '?', '#']) {
        Some(if rest.starts_with('/') {
            rest.to_owned()
        } else {
            format!("/{rest}")
        })
    } else {
        None
    }
}

/// Do two URLs name the same page (path only: the query and hash may differ)?
pub fn same_page(a: &str, b: &str, origin: &str) -> bool {
    let path = |u: &str| {
        in_app_path(u, origin).map(|p| {
            let p = p.split(['?', '#']).next().unwrap_or("/").to_owned();
            let trimmed = p.trim_end_matches('/').to_owned();
            if trimmed.is_empty() {
                "/".to_owned()
            } else {
                trimmed
            }
        })
    };
    match (path(a), path(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The first usable of several candidate targets, skipping empty, unsafe, and
/// current-page ones; `/` if none is.
pub fn pick_target<'a>(
    candidates: impl IntoIterator<Item = Option<&'a str>>,
    current: &str,
    origin: &str,
    allowed_origins: &[String],
) -> String {
    candidates
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|c| {
            !c.is_empty()
                && is_safe_redirect(c, origin, allowed_origins)
                && !same_page(c, current, origin)
        })
        .unwrap_or("/")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const O: &str = "http://localhost:8080";

    #[test]
    fn allowed_origins_extend_the_safe_set() {
        let allowed = vec!["https://docs.example.com".to_owned()];
        assert!(is_safe_redirect("https://docs.example.com/a", O, &allowed));
        assert!(!is_safe_redirect(
            "https://docs.example.com.evil.io/a",
            O,
            &allowed
        ));
        assert!(!is_safe_redirect("/\\evil.com", O, &allowed));
    }

    #[test]
    fn the_current_page_is_never_a_target() {
        let current = "http://localhost:8080/sign-in?redirect_url=%2F";
        let t = pick_target(
            [Some("/sign-in"), Some("https://evil.com"), Some("/home")],
            current,
            O,
            &[],
        );
        assert_eq!(t, "/home");
        assert_eq!(pick_target([Some(""), None], current, O, &[]), "/");
        assert!(same_page("/sign-in/", "http://localhost:8080/sign-in#x", O));
        assert!(!same_page("/sign-in", "/sign-up", O));
    }

    #[test]
    fn hashes_stay_at_the_end() {
        assert_eq!(
            with_redirect_url("/sign-in#top", "/p"),
            "/sign-in?redirect_url=%2Fp#top"
        );
    }
}
