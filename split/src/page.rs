//! The page trunk wrote: which files are the app's wasm and JS glue, and the
//! integrity hashes that stop applying once the split files take their place.

use std::path::Path;

use eyre::{eyre, Result};

/// The name trunk gave the app's files (`<package>-<hash>`, from
/// `<package>-<hash>_bg.wasm`; the package's `-` may be `_` there).
pub fn app_stem(dist: &Path, package: &str) -> Result<String> {
    let prefixes = [
        format!("{package}-"),
        format!("{}-", package.replace('-', "_")),
    ];
    std::fs::read_dir(dist)?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix("_bg.wasm")?;
            let hash = prefixes
                .iter()
                .find_map(|p| stem.strip_prefix(p.as_str()))?;
            // Not `my-app-worker-<hash>`: only hex digits after the package.
            (!hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| stem.to_owned())
        })
        .next()
        .ok_or_else(|| {
            eyre!(
                "no {package}-*_bg.wasm in {} (is it trunk's dist?)",
                dist.display()
            )
        })
}

/// `stem` with its hash replaced by `hash` (`my_app-<hash>`), so a name a server
/// caches for a year never stands for two contents.
pub fn rehashed(stem: &str, hash: &str) -> String {
    match stem.rsplit_once('-') {
        Some((name, _)) => format!("{name}-{hash}"),
        None => format!("{stem}-{hash}"),
    }
}

/// `html` without the `integrity` attribute of the tags that name `stem`'s files.
pub fn without_integrity(html: &str, stem: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str(&rest[..start]);
        let tag = &rest[start..end];
        if tag.contains(stem) {
            out.push_str(&drop_attribute(tag, "integrity"));
        } else {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `html` with the chunk loader preloaded beside the app's JS glue: the glue imports
/// it, and without a preload the browser learns of it only once the glue is parsed.
pub fn with_loader_preload(html: &str, stem: &str) -> String {
    if html.contains("__wasm_split.js") {
        return html.to_owned();
    }
    let glue = format!("{stem}.js\"");
    let Some(tag_start) = html.match_indices("<link").map(|(at, _)| at).find(|&at| {
        let tag = &html[at..html[at..].find('>').map_or(html.len(), |e| at + e)];
        tag.contains("rel=\"modulepreload\"") && tag.contains(&glue)
    }) else {
        return html.to_owned();
    };
    let tag_end = html[tag_start..]
        .find('>')
        .map_or(html.len(), |e| tag_start + e + 1);
    let tag = &html[tag_start..tag_end];
    let href_start = tag.find("href=\"").map_or(0, |h| h + "href=\"".len());
    let href_end = tag.find(&glue).unwrap_or(href_start);
    let dir = &tag[href_start..href_end];
    format!(
        "{}<link rel=\"modulepreload\" href=\"{dir}__wasm_split.js\" crossorigin=\"anonymous\">{}",
        &html[..tag_end],
        &html[tag_end..]
    )
}

fn drop_attribute(tag: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    match tag.find(&needle) {
        Some(at) => {
            let value = at + needle.len();
            let close = tag[value..].find('"').map_or(tag.len(), |c| value + c + 1);
            format!("{}{}", &tag[..at], &tag[close..])
        }
        None => tag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_only_the_replaced_files_integrity() {
        let html = r#"<link rel="stylesheet" href="/style-1.css" integrity="sha384-a"/><link rel="modulepreload" href="/demo-2.js" crossorigin="anonymous" integrity="sha384-b"><link rel="preload" href="/demo-2_bg.wasm" integrity="sha384-c" as="fetch">"#;
        assert_eq!(
            without_integrity(html, "demo-2"),
            r#"<link rel="stylesheet" href="/style-1.css" integrity="sha384-a"/><link rel="modulepreload" href="/demo-2.js" crossorigin="anonymous"><link rel="preload" href="/demo-2_bg.wasm" as="fetch">"#
        );
    }

    #[test]
    fn preloads_the_loader_where_the_glue_is() {
        let html = r#"<head><link rel="modulepreload" href="/app/demo-2.js" crossorigin="anonymous"><link rel="preload" href="/app/demo-2_bg.wasm"></head>"#;
        assert_eq!(
            with_loader_preload(html, "demo-2"),
            r#"<head><link rel="modulepreload" href="/app/demo-2.js" crossorigin="anonymous"><link rel="modulepreload" href="/app/__wasm_split.js" crossorigin="anonymous"><link rel="preload" href="/app/demo-2_bg.wasm"></head>"#
        );
        assert_eq!(
            with_loader_preload("<head></head>", "demo-2"),
            "<head></head>"
        );
    }

    #[test]
    fn finds_trunks_names() {
        let dist = std::env::temp_dir().join(format!("yew-clerk-split-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        for f in [
            "index.html",
            "my_app-0123456789abcdef_bg.wasm",
            "my_app-0123456789abcdef.js",
        ] {
            std::fs::write(dist.join(f), "").unwrap();
        }
        assert_eq!(
            app_stem(&dist, "my-app").unwrap(),
            "my_app-0123456789abcdef"
        );
        assert!(app_stem(&dist, "other").is_err());
        assert_eq!(
            rehashed("my_app-0123456789abcdef", "fedcba9876543210"),
            "my_app-fedcba9876543210"
        );
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
