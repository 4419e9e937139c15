//! Trunk post-build hook. First, move trunk's inline `<script type="module">` initializer into an
//! external file `init-<hash>.js` with an SRI `integrity` attribute, so the site runs under a
//! Content-Security-Policy whose `script-src` has no `'unsafe-inline'` and no per-build hash.
//! Then shorten the wasm's import names (`imports.rs`).
use crate::sha;
use crate::R;
use std::path::Path;

/// Entry point for the `[[hooks]]` in Trunk.toml: trunk passes the staging dir and public URL.
pub fn post_build_from_env() -> R<()> {
    let dir = std::env::var_os("TRUNK_STAGING_DIR")
        .ok_or("TRUNK_STAGING_DIR is not set (run from a trunk hook)")?;
    let public_url = std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "/".into());
    post_build(Path::new(&dir), &public_url)
}

/// Everything done to trunk's output before it is published (each step a no-op when done).
pub fn post_build(dir: &Path, public_url: &str) -> R<()> {
    externalize_init(dir, public_url)?;
    crate::imports::shorten_imports(dir)
}

/// Rewrite `dir/index.html` in place (no-op when there is no inline initializer).
pub fn externalize_init(dir: &Path, public_url: &str) -> R<()> {
    let index = dir.join("index.html");
    let html =
        std::fs::read_to_string(&index).map_err(|e| format!("reading {}: {e}", index.display()))?;
    let Some((start, end, body)) = find_inline_init(&html) else {
        return Ok(());
    };
    let body = body.trim().to_string() + "\n";
    let digest = sha::sha384(body.as_bytes());
    let name = format!(
        "init-{}.js",
        digest[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    std::fs::write(dir.join(&name), &body).map_err(|e| format!("writing {name}: {e}"))?;
    let base = if public_url.ends_with('/') {
        public_url.to_string()
    } else {
        format!("{public_url}/")
    };
    let tag = format!(
        r#"<script type="module" src="{base}{name}" integrity="{}" crossorigin="anonymous"></script>"#,
        sha::sri(body.as_bytes())
    );
    let out = format!("{}{}{}", &html[..start], tag, &html[end..]);
    std::fs::write(&index, out).map_err(|e| format!("writing {}: {e}", index.display()))?;
    Ok(())
}

/// Find trunk's inline module script: returns (tag start, tag end, script body).
fn find_inline_init(html: &str) -> Option<(usize, usize, &str)> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<script") {
        let start = from + i;
        let open_end = start + lower[start..].find('>')? + 1;
        let close = open_end + lower[open_end..].find("</script>")?;
        let end = close + "</script>".len();
        let attrs = &lower[start..open_end];
        let body = &html[open_end..close];
        let inline = !attrs.contains("src=");
        let module = attrs.contains("module");
        if inline
            && module
            && (body.contains("import init") || body.contains("TrunkApplicationStarted"))
        {
            return Some((start, end, body));
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_the_initializer_out_and_leaves_other_scripts() {
        let dir = std::env::temp_dir().join(format!("xtask-hook-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let html = "<html><head><link rel=\"modulepreload\" href=\"/p/app.js\"></head><body>\
            <script>console.log('other')</script>\
            <script type=\"module\">\nimport init, * as bindings from '/p/app.js';\nconst wasm = await init({ module_or_path: '/p/app_bg.wasm' });\n</script>\
            </body></html>";
        std::fs::write(dir.join("index.html"), html).unwrap();
        externalize_init(&dir, "/p/").unwrap();
        let out = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(out.contains("<script>console.log('other')</script>"));
        assert!(!out.contains("import init"));
        let tag_at = out.find("<script type=\"module\" src=\"/p/init-").unwrap();
        let name_end = out[tag_at..].find(".js\"").unwrap();
        let name = &out[tag_at + "<script type=\"module\" src=\"/p/".len()..tag_at + name_end + 3];
        let js = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(js.starts_with("import init"));
        assert!(out.contains(&format!("integrity=\"{}\"", sha::sri(js.as_bytes()))));
        // Idempotent.
        externalize_init(&dir, "/p/").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            out
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
