//! Trunk post-build hook, three steps on trunk's staging directory:
//! 1. shorten the names the wasm imports from its JS glue (`imports.rs`);
//! 2. name the wasm and its JS glue after a hash of their final contents: trunk hashes them
//!    before wasm-opt and step 1 change them, so a change to either alone (or to this hook) would
//!    otherwise ship new bytes under a name hosts were told to cache forever;
//! 3. move trunk's inline `<script type="module">` initializer into an external file
//!    `init-<hash>.js` with an SRI `integrity` attribute, so the site runs under a
//!    Content-Security-Policy whose `script-src` has no `'unsafe-inline'` and no per-build hash;
//! 4. fetch the stylesheet with CORS (`crossorigin`), as trunk already does for the scripts and
//!    the wasm: in a frame sandboxed without `allow-same-origin` the page has no origin of its
//!    own, every file is cross-origin, and a stylesheet's `integrity` can only be checked on a
//!    CORS response (with `Access-Control-Allow-Origin` from the host, see `static/_headers`);
//!    without it the embedded picture ran unstyled.
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
    crate::imports::shorten_imports(dir)?;
    content_hash_names(dir)?;
    externalize_init(dir, public_url)?;
    cors_stylesheets(dir)
}

/// Add `crossorigin` to every `<link rel=stylesheet>` of `dir/index.html` that has none (trunk's
/// minified output has unquoted attributes; both forms are handled). A no-op when done.
pub fn cors_stylesheets(dir: &Path) -> R<()> {
    let index = dir.join("index.html");
    let html =
        std::fs::read_to_string(&index).map_err(|e| format!("reading {}: {e}", index.display()))?;
    let out = with_cors_stylesheets(&html);
    if out != html {
        std::fs::write(&index, out).map_err(|e| format!("writing {}: {e}", index.display()))?;
    }
    Ok(())
}

fn with_cors_stylesheets(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() + 32);
    let mut from = 0;
    while let Some(i) = lower[from..].find("<link") {
        let start = from + i;
        let Some(len) = lower[start..].find('>') else {
            break;
        };
        let tag = &lower[start..start + len];
        let sheet = tag.contains("rel=stylesheet") || tag.contains("rel=\"stylesheet\"");
        out.push_str(&html[from..start + "<link".len()]);
        if sheet && !tag.contains("crossorigin") {
            out.push_str(" crossorigin");
        }
        from = start + "<link".len();
    }
    out.push_str(&html[from..]);
    out
}

/// The app's file stem `X` in `dir` (`X_bg.wasm` beside `X.js`): None without a wasm, an error
/// with several.
pub fn app_stem(dir: &Path) -> R<Option<String>> {
    let mut stem = None;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(s) = name.strip_suffix("_bg.wasm") {
            if stem.replace(s.to_string()).is_some() {
                return Err(format!("more than one *_bg.wasm in {}", dir.display()));
            }
        }
    }
    Ok(stem)
}

/// The first 8 bytes of a SHA-384 digest in hex (trunk's 16-digit file hash format).
fn hash16(data: &[u8]) -> String {
    sha::sha384(data)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Rename `<name>-<hash>.js` and `<name>-<hash>_bg.wasm` to the hash of their contents (both
/// files together) and update every mention of the old name in `index.html` and `init-*.js`.
/// A no-op when they already carry it, or when trunk wrote no hash (`filehash = false`).
pub fn content_hash_names(dir: &Path) -> R<()> {
    let Some(stem) = app_stem(dir)? else {
        return Ok(());
    };
    let Some((base, old_hash)) = stem.rsplit_once('-') else {
        return Ok(());
    };
    if old_hash.len() != 16 || !old_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    let read =
        |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("reading {name}: {e}"));
    let (js_name, wasm_name) = (format!("{stem}.js"), format!("{stem}_bg.wasm"));
    let mut both = read(&js_name)?;
    both.extend(read(&wasm_name)?);
    let new_stem = format!("{base}-{}", hash16(&both));
    if new_stem == stem {
        return Ok(());
    }
    for (from, to) in [
        (js_name, format!("{new_stem}.js")),
        (wasm_name, format!("{new_stem}_bg.wasm")),
    ] {
        std::fs::rename(dir.join(&from), dir.join(&to))
            .map_err(|e| format!("renaming {from} to {to}: {e}"))?;
    }
    // The loader: inline in index.html, or already in init-*.js (whose own name is the hash of
    // its contents, so it is renamed too and index.html updated).
    let mut html = String::from_utf8(read("index.html")?).map_err(|_| "index.html is not UTF-8")?;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("init-") && name.ends_with(".js")) {
            continue;
        }
        let old = String::from_utf8(read(&name)?).map_err(|_| format!("{name} is not UTF-8"))?;
        if !old.contains(&stem) {
            continue;
        }
        let body = old.replace(&stem, &new_stem);
        let new_name = format!("init-{}.js", hash16(body.as_bytes()));
        std::fs::write(dir.join(&new_name), &body)
            .map_err(|e| format!("writing {new_name}: {e}"))?;
        std::fs::remove_file(dir.join(&name)).map_err(|e| format!("removing {name}: {e}"))?;
        html = html
            .replace(&name, &new_name)
            .replace(&sha::sri(old.as_bytes()), &sha::sri(body.as_bytes()));
    }
    html = html.replace(&stem, &new_stem);
    std::fs::write(dir.join("index.html"), html).map_err(|e| format!("writing index.html: {e}"))
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
    let name = format!("init-{}.js", hash16(body.as_bytes()));
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
    fn names_the_wasm_and_its_glue_after_their_contents() {
        let dir = std::env::temp_dir().join(format!("xtask-rehash-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("snippets/app-0123456789abcdef")).unwrap();
        let old = "app-0123456789abcdef";
        std::fs::write(dir.join(format!("{old}.js")), "export default 1;\n").unwrap();
        std::fs::write(dir.join(format!("{old}_bg.wasm")), b"\0asm\x01\0\0\0").unwrap();
        let html = format!(
            "<link href=/p/{old}.js rel=modulepreload><link href=/p/{old}_bg.wasm rel=preload>\
             <script type=\"module\">\nimport init, * as bindings from '/p/{old}.js';\n\
             const wasm = await init({{ module_or_path: '/p/{old}_bg.wasm' }});\n</script>"
        );
        std::fs::write(dir.join("index.html"), &html).unwrap();
        post_build(&dir, "/p/").unwrap();
        let mut both = b"export default 1;\n".to_vec();
        both.extend(b"\0asm\x01\0\0\0");
        let new = format!("app-{}", hash16(&both));
        assert_ne!(new, old);
        assert!(
            dir.join(format!("{new}.js")).exists() && dir.join(format!("{new}_bg.wasm")).exists()
        );
        assert!(!dir.join(format!("{old}.js")).exists());
        let out = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(
            !out.contains(old) && out.contains(&format!("/p/{new}.js")),
            "{out}"
        );
        let init = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with("init-"))
            .unwrap();
        let init_js = std::fs::read_to_string(dir.join(&init)).unwrap();
        assert!(
            init_js.contains(&format!("'/p/{new}_bg.wasm'")),
            "{init_js}"
        );
        // The crate's snippet folder is another hash: untouched. Running again changes nothing.
        assert!(dir.join("snippets/app-0123456789abcdef").exists());
        post_build(&dir, "/p/").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            out
        );
        // Contents changed after the loader was moved out: the loader is renamed and re-signed.
        std::fs::write(dir.join(format!("{new}.js")), "export default 2;\n").unwrap();
        content_hash_names(&dir).unwrap();
        let again = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(!again.contains(&new) && !again.contains(&init), "{again}");
        let init2 = again
            .split("src=\"/p/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let body = std::fs::read(dir.join(init2)).unwrap();
        assert!(again.contains(&sha::sri(&body)));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stylesheets_are_fetched_with_cors_and_other_links_left_alone() {
        let html = "<link href=/p/icon.svg integrity=sha384-a rel=icon>\
            <link href=/p/style.css integrity=sha384-b rel=stylesheet>\
            <LINK rel=\"stylesheet\" href=\"/p/two.css\">\
            <link crossorigin href=/p/app.js rel=modulepreload>";
        let out = with_cors_stylesheets(html);
        assert_eq!(
            out,
            "<link href=/p/icon.svg integrity=sha384-a rel=icon>\
            <link crossorigin href=/p/style.css integrity=sha384-b rel=stylesheet>\
            <LINK crossorigin rel=\"stylesheet\" href=\"/p/two.css\">\
            <link crossorigin href=/p/app.js rel=modulepreload>"
        );
        assert_eq!(with_cors_stylesheets(&out), out, "idempotent");
    }

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
