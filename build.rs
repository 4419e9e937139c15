//! Build script: turns the course content into Rust constants, so the wasm bundle carries finished,
//! highlighted HTML and no Markdown parser or highlighter.
//!
//! # Content conventions
//!
//! * **Chapters** live in `content/chapters/NN-slug.md`, taken in file-name order. `NN` is the
//!   chapter number (00 is the landing page), `slug` is the URL slug (`#/slug`). Each file starts
//!   with front matter:
//!
//!   ```text
//!   ---
//!   title: Blocking I/O
//!   summary: One sentence for the table of contents and the landing page.
//!   ---
//!   ```
//!
//! * **Visualisations**: a line containing exactly `<div data-viz="ID"></div>` (outside a code
//!   fence) splits the chapter into parts; it becomes `Part::Viz("ID")`. `ID` must be one of
//!   [`VIZ_IDS`] or the build fails.
//!
//! * **Code samples** live in `content/code/<id>` (`.py` = Python, `.java` = Java, anything else =
//!   plain text). A line `@code <id>` (outside a code fence) in a chapter inserts that sample as a
//!   highlighted, line-numbered `<figure class="code-panel code-sample">`; `@code <id> 5-9` inserts only lines
//!   5 to 9 (numbers kept as in the file). An unknown id fails the build. Every sample is also
//!   written to its own file of highlighted lines (see Output), so a visualisation's code panel
//!   can mark "the line being executed" **by 1-based line number in the file**: keep the files
//!   tidy, and when you edit one, check the line numbers the visualisations use:
//!   `content/CODE_LINES.md` lists them (file, line, text the line must contain, what it means),
//!   and `tests/content.rs` checks that table against the files.
//!
//! * Ordinary fenced code blocks (```` ```python ````, ```` ```java ````, ```` ```text ````) are
//!   highlighted too (without line numbers). Headings get `id` anchors (a slug of their text,
//!   unique within the page).
//!
//! * Highlighting: `content/highlight.rs` (a small hand-written lexer; see its docs for the
//!   `tok-*` classes). All text is HTML-escaped.
//!
//! Output:
//!
//! * `content/prose/<slug>-<hash>.html`: each chapter's prose (its HTML parts joined by
//!   `<!--part-->` lines), fetched by the site when the chapter is shown, so the prose is not part
//!   of the initial wasm download. trunk copies the folder to `dist/prose/`. The files are
//!   generated but committed (see [`PROSE_DIR`]); stale ones are deleted.
//! * `content/prose/code/<id>-<hash>.html`: each code sample's highlighted lines (one HTML line
//!   per source line, `tok-*` spans, lines separated by `\n`), fetched by a code panel the first
//!   time it shows that sample (copied to `dist/prose/code/` with the prose; committed, stale
//!   ones deleted, like the prose).
//! * `$OUT_DIR/content.rs` with `CHAPTERS: &[ChapterSrc]` (slug, title, summary, fragment path,
//!   and the parts in order: `Part::Prose` or `Part::Viz(id)`) and `CODE: &[CodeSrc]` (the code
//!   index: id, language, file path, line count, longest line; no code text), included by
//!   `src/app/content.rs` (and by `tests/content.rs`).
//! * `$OUT_DIR/code_files.rs`: for tests only, an expression `&[(path, text)]` with every code
//!   file's path (as in `CodeSrc::file`) and its text by `include_str!`, so browser tests (where no
//!   site files are served) can fill the code cache with the real files. The site never includes
//!   it.

#[path = "content/highlight.rs"]
mod highlight;

use pulldown_cmark::{html, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// Visualisation ids a chapter may place (see `src/app/viz`).
const VIZ_IDS: &[&str] = &[
    "ports",
    "readiness",
    "queries",
    "thread-pool",
    "coroutine",
    "event-loop",
    "frameworks",
    "backpressure",
    "strategies",
    "demand",
];

struct Code {
    id: String,
    lang: &'static str,
    src: String,
    lines: Vec<String>,
}

enum PartOut {
    Html(String),
    Viz(String),
}

struct Chapter {
    slug: String,
    title: String,
    summary: String,
    parts: Vec<PartOut>,
}

/// Where the per-chapter prose fragments are written (copied into `dist/prose/` by trunk's
/// `copy-dir` in `index.html`). Generated, but committed: trunk copies the folder while cargo is
/// still compiling, so a clean clone must already hold the fragments its `content/` produces.
const PROSE_DIR: &str = "content/prose";

/// Where the per-sample files of highlighted lines are written (under [`PROSE_DIR`], so the same
/// `copy-dir` ships them as `dist/prose/code/`).
const CODE_DIR: &str = "content/prose/code";

/// Separates a chapter's prose parts inside its fragment file (one piece per `Part::Prose`).
const PART_SEP: &str = "\n<!--part-->\n";

fn main() {
    // Not `content` as a whole: the generated `content/prose/` must not re-trigger this script.
    for p in [
        "content/chapters",
        "content/code",
        "content/highlight.rs",
        "build.rs",
    ] {
        println!("cargo:rerun-if-changed={p}");
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("content");

    let codes = read_code(&root.join("code"));
    let by_id: HashMap<&str, &Code> = codes.iter().map(|c| (c.id.as_str(), c)).collect();
    let chapters = read_chapters(&root.join("chapters"), &by_id);

    // One prose fragment per chapter, named by a hash of its content (cache forever).
    let prose_dir = manifest.join(PROSE_DIR);
    fs::create_dir_all(&prose_dir).expect("create content/prose");
    let mut files = Vec::new();
    let mut changed = false;
    for ch in &chapters {
        let pieces: Vec<&str> = ch
            .parts
            .iter()
            .filter_map(|p| match p {
                PartOut::Html(h) => Some(h.as_str()),
                PartOut::Viz(_) => None,
            })
            .collect();
        assert!(
            pieces.iter().all(|h| !h.contains("<!--part-->")),
            "{}: prose contains the part separator",
            ch.slug
        );
        let body = pieces.join(PART_SEP);
        let name = format!("{}-{:016x}.html", ch.slug, fnv1a(body.as_bytes()));
        let path = prose_dir.join(&name);
        if fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
            fs::write(&path, &body).expect("write prose fragment");
            changed = true;
        }
        files.push(name);
    }
    // Drop fragments of earlier content.
    for p in sorted_files(&prose_dir) {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if n.ends_with(".html") && !files.iter().any(|f| f == n) {
            let _ = fs::remove_file(&p);
            changed = true;
        }
    }

    // One file of highlighted lines per code sample, named by a hash of its content.
    let code_dir = manifest.join(CODE_DIR);
    fs::create_dir_all(&code_dir).expect("create content/prose/code");
    let mut code_files = Vec::new();
    for c in &codes {
        assert!(
            c.lines.iter().all(|l| !l.contains('\n')),
            "{}: a highlighted line holds a newline",
            c.id
        );
        let body = c.lines.join("\n");
        let name = format!("{}-{:016x}.html", c.id, fnv1a(body.as_bytes()));
        let path = code_dir.join(&name);
        if fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
            fs::write(&path, &body).expect("write code lines");
            changed = true;
        }
        code_files.push(name);
    }
    for p in sorted_files(&code_dir) {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if n.ends_with(".html") && !code_files.iter().any(|f| f == n) {
            let _ = fs::remove_file(&p);
            changed = true;
        }
    }

    if changed && std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32")) {
        println!(
            "cargo:warning=content changed: content/prose/ was rewritten (commit the new \
             fragments and code files; trunk's pre_build hook regenerates them before it copies \
             the folder)"
        );
    }

    let mut out = String::new();
    out.push_str("// @generated by build.rs from content/ — do not edit.\n\n");
    out.push_str("/// Every chapter, in course order.\npub const CHAPTERS: &[ChapterSrc] = &[\n");
    for (ch, file) in chapters.iter().zip(&files) {
        let _ = writeln!(out, "    ChapterSrc {{\n        slug: {:?},\n        title: {:?},\n        summary: {:?},\n        prose: {:?},\n        parts: &[", ch.slug, ch.title, ch.summary, format!("prose/{file}"));
        for p in &ch.parts {
            match p {
                PartOut::Html(_) => out.push_str("            Part::Prose,\n"),
                PartOut::Viz(id) => {
                    let _ = writeln!(out, "            Part::Viz({:?}),", id);
                }
            }
        }
        out.push_str("        ],\n    },\n");
    }
    out.push_str("];\n\n/// Every code sample, by file name.\npub const CODE: &[CodeSrc] = &[\n");
    for (c, file) in codes.iter().zip(&code_files) {
        let _ = writeln!(
            out,
            "    CodeSrc {{ id: {:?}, lang: {:?}, file: {:?}, lines: {}, cols: {} }},",
            c.id,
            c.lang,
            format!("prose/code/{file}"),
            c.lines.len(),
            c.src.lines().map(|l| l.chars().count()).max().unwrap_or(0)
        );
    }
    out.push_str("];\n");

    // For tests only (see the module docs): every code file's text, by its path.
    let mut files_rs = String::from("// @generated by build.rs — for tests only.\n&[\n");
    for file in &code_files {
        let _ = writeln!(
            files_rs,
            "    ({:?}, include_str!({:?})),",
            format!("prose/code/{file}"),
            code_dir.join(file).display().to_string()
        );
    }
    files_rs.push_str("]\n");

    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    // Only write when changed, so downstream compilation is not redone needlessly.
    for (name, text) in [("content.rs", out), ("code_files.rs", files_rs)] {
        let dest = Path::new(&out_dir).join(name);
        if fs::read_to_string(&dest).ok().as_deref() != Some(text.as_str()) {
            fs::write(&dest, text).expect("write generated Rust");
        }
    }
}

/// 64-bit FNV-1a: a stable content hash for the fragment file names (no dependency needed).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn sorted_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn read_code(dir: &Path) -> Vec<Code> {
    sorted_files(dir)
        .into_iter()
        .filter_map(|p| {
            let id = p.file_name()?.to_str()?.to_string();
            if id.starts_with('.') {
                return None;
            }
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            let lang = highlight::lang_of(ext);
            let src =
                fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
            let src = src.replace("\r\n", "\n").replace('\t', "    ");
            let lines = highlight::highlight_lines(lang, &src);
            Some(Code {
                id,
                lang,
                src,
                lines,
            })
        })
        .collect()
}

fn read_chapters(dir: &Path, codes: &HashMap<&str, &Code>) -> Vec<Chapter> {
    let mut chapters = Vec::new();
    for p in sorted_files(dir) {
        if p.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let stem = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let slug = match stem.split_once('-') {
            Some((num, slug)) if num.chars().all(|c| c.is_ascii_digit()) => slug.to_string(),
            _ => panic!("chapter file {} must be named NN-slug.md", p.display()),
        };
        let text = fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
        let text = text.replace("\r\n", "\n");
        let (front, body) = split_front_matter(&text).unwrap_or_else(|| {
            panic!(
                "{}: missing front matter (--- title/summary ---)",
                p.display()
            )
        });
        let title = front
            .get("title")
            .cloned()
            .unwrap_or_else(|| panic!("{}: no title", p.display()));
        let summary = front.get("summary").cloned().unwrap_or_default();
        let parts = render_body(body, codes, &p);
        chapters.push(Chapter {
            slug,
            title,
            summary,
            parts,
        });
    }
    chapters
}

fn split_front_matter(text: &str) -> Option<(HashMap<String, String>, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    let head = &rest[..end];
    let after = &rest[end + 4..];
    let body = after.split_once('\n').map(|(_, b)| b).unwrap_or("");
    let mut map = HashMap::new();
    for line in head.lines() {
        if let Some((k, v)) = line.split_once(':') {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            map.insert(k.trim().to_string(), v.to_string());
        }
    }
    Some((map, body))
}

/// The id in a `<div data-viz="ID"></div>` line.
fn viz_marker(line: &str) -> Option<&str> {
    let t = line.trim();
    let rest = t.strip_prefix("<div data-viz=\"")?;
    let (id, tail) = rest.split_once('"')?;
    (tail.trim() == "></div>").then_some(id)
}

fn render_body(body: &str, codes: &HashMap<&str, &Code>, path: &Path) -> Vec<PartOut> {
    let mut parts = Vec::new();
    let mut html_acc = String::new();
    let mut md = String::new();
    let mut fence: Option<String> = None;
    let mut ids: HashMap<String, usize> = HashMap::new();

    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str())
                && trimmed
                    .trim_start_matches(f.chars().next().unwrap())
                    .trim()
                    .is_empty()
            {
                fence = None;
            }
            md.push_str(line);
            md.push('\n');
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let ch = trimmed.chars().next().unwrap();
            let n = trimmed.chars().take_while(|c| *c == ch).count();
            fence = Some(std::iter::repeat_n(ch, n).collect());
            md.push_str(line);
            md.push('\n');
            continue;
        }
        if let Some(id) = viz_marker(line) {
            if !VIZ_IDS.contains(&id) {
                panic!(
                    "{}: unknown visualisation id {id:?}; known: {VIZ_IDS:?}",
                    path.display()
                );
            }
            html_acc.push_str(&render_markdown(&std::mem::take(&mut md), &mut ids));
            if !html_acc.trim().is_empty() {
                parts.push(PartOut::Html(std::mem::take(&mut html_acc)));
            }
            html_acc.clear();
            parts.push(PartOut::Viz(id.to_string()));
            continue;
        }
        if let Some(rest) = line.strip_prefix("@code ") {
            let mut words = rest.split_whitespace();
            let id = words.next().unwrap_or("");
            let range = words.next();
            let code = codes.get(id).unwrap_or_else(|| {
                panic!(
                    "{}: @code {id:?} not found in content/code/",
                    path.display()
                )
            });
            html_acc.push_str(&render_markdown(&std::mem::take(&mut md), &mut ids));
            html_acc.push_str(&code_figure(code, range, path));
            continue;
        }
        md.push_str(line);
        md.push('\n');
    }
    html_acc.push_str(&render_markdown(&md, &mut ids));
    if !html_acc.trim().is_empty() {
        parts.push(PartOut::Html(html_acc));
    }
    parts
}

fn lang_label(lang: &str) -> &'static str {
    match lang {
        "python" => "Python",
        "java" => "Java",
        _ => "Text",
    }
}

fn code_figure(code: &Code, range: Option<&str>, path: &Path) -> String {
    let total = code.lines.len();
    let (from, to) = match range {
        None => (1, total),
        Some(r) => {
            let (a, b) = r.split_once('-').unwrap_or((r, r));
            let a: usize = a
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{}: bad range {r}", path.display()));
            let b: usize = b
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{}: bad range {r}", path.display()));
            assert!(
                a >= 1 && a <= b && b <= total,
                "{}: range {r} outside {} (1-{total})",
                path.display(),
                code.id
            );
            (a, b)
        }
    };
    let width = to.to_string().len();
    let mut s = String::new();
    let _ = write!(
        s,
        "<figure class=\"code-panel code-sample\" data-code=\"{id}\"><figcaption><span class=\"code-file\">{id}</span> <span class=\"code-lang\">{lang}</span></figcaption><pre class=\"code lang-{cls}\" tabindex=\"0\"><code>",
        id = highlight::escape(&code.id),
        lang = lang_label(code.lang),
        cls = code.lang
    );
    for n in from..=to {
        // No newline between lines: `.line` is `display: block` (copying still yields one line each).
        let _ = write!(
            s,
            // The number is right-aligned and followed by a space, so it reads well even unstyled.
            "<span class=\"line\" data-line=\"{n}\"><span class=\"ln\" aria-hidden=\"true\">{n:>w$} </span>{}</span>",
            code.lines[n - 1],
            w = width
        );
    }
    s.push_str("</code></pre></figure>\n");
    s
}

fn slugify(text: &str) -> String {
    let mut s = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
            dash = false;
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '/') && !s.is_empty() && !dash
        {
            s.push('-');
            dash = true;
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() {
        s.push_str("section");
    }
    s
}

fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

fn render_markdown(md: &str, ids: &mut HashMap<String, usize>) -> String {
    if md.trim().is_empty() {
        return String::new();
    }
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let mut events: Vec<Event> = Vec::new();
    let mut code: Option<(String, String)> = None; // (lang, text)
    let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
    for ev in Parser::new_ext(md, opts) {
        if let Some((_, text)) = code.as_mut() {
            match ev {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap();
                    let lang = highlight::lang_of(&lang);
                    // Focusable: a block wider than a phone scrolls sideways, and keyboard
                    // users scroll it once it has the focus.
                    let h = format!(
                        "<pre class=\"code lang-{lang}\" tabindex=\"0\"><code>{}</code></pre>\n",
                        highlight::highlight(lang, &text)
                    );
                    events.push(Event::Html(h.into()));
                }
                _ => {}
            }
            continue;
        }
        if let Some((level, inner)) = heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = ev {
                let level = *level;
                let inner = std::mem::take(inner);
                heading = None;
                let plain: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                        _ => None,
                    })
                    .collect();
                let base = slugify(&plain);
                let n = ids.entry(base.clone()).or_insert(0);
                *n += 1;
                let id = if *n == 1 { base } else { format!("{base}-{n}") };
                let mut inner_html = String::new();
                html::push_html(&mut inner_html, inner.into_iter());
                let tag = heading_tag(level);
                events.push(Event::Html(
                    format!(
                        "<{tag} id=\"{}\">{inner_html}</{tag}>\n",
                        highlight::escape(&id)
                    )
                    .into(),
                ));
            } else {
                inner.push(ev);
            }
            continue;
        }
        match ev {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new())),
            other => events.push(other),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}
