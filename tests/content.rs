//! The course content as build.rs generates it: chapters in order, visualisation markers and code
//! references that resolve, the fetched prose and code files (present, content-hashed, not stale),
//! HTML escaping, and the build-time highlighter.

#[path = "../content/highlight.rs"]
mod highlight;

use std::fs;
use std::path::Path;

// The same contract types as `src/app/content.rs` (which is wasm-only), so the generated constants
// can be included here too.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Part {
    Prose,
    Viz(&'static str),
}

#[allow(dead_code)]
#[derive(Debug, PartialEq)]
pub struct ChapterSrc {
    pub slug: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub prose: &'static str,
    pub parts: &'static [Part],
}

#[allow(dead_code)]
#[derive(Debug, PartialEq)]
pub struct CodeSrc {
    pub id: &'static str,
    pub lang: &'static str,
    pub file: &'static str,
    pub lines: u32,
    pub cols: u32,
}

include!(concat!(env!("OUT_DIR"), "/content.rs"));

const ORDER: &[&str] = &[
    "home",
    "blocking-io",
    "non-blocking-io",
    "event-driven",
    "blocking-calls",
    "non-blocking-calls",
    "async-await",
    "event-loop",
    "frameworks",
    "backpressure",
    "strategies",
    "references",
];

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

fn content_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The separator between prose pieces in a fragment file (as in `src/app/content.rs`).
const PART_SEP: &str = "\n<!--part-->\n";

/// A chapter's prose pieces, read from its fragment file (what the site fetches).
fn pieces_of(ch: &ChapterSrc) -> Vec<String> {
    let file = ch
        .prose
        .strip_prefix("prose/")
        .unwrap_or_else(|| panic!("{}: prose path {} not under prose/", ch.slug, ch.prose));
    let text = fs::read_to_string(content_dir().join("prose").join(file))
        .unwrap_or_else(|e| panic!("{}: prose fragment {file}: {e}", ch.slug));
    text.split(PART_SEP).map(str::to_string).collect()
}

fn html_of(ch: &ChapterSrc) -> String {
    pieces_of(ch).concat()
}

fn vizzes(slug: &str) -> Vec<&'static str> {
    let ch = CHAPTERS.iter().find(|c| c.slug == slug).expect(slug);
    ch.parts
        .iter()
        .filter_map(|p| match p {
            Part::Viz(v) => Some(*v),
            Part::Prose => None,
        })
        .collect()
}

#[test]
fn every_chapter_present_in_order() {
    let slugs: Vec<&str> = CHAPTERS.iter().map(|c| c.slug).collect();
    assert_eq!(slugs, ORDER);
    for ch in CHAPTERS {
        assert!(!ch.title.is_empty(), "{} has no title", ch.slug);
        assert!(!ch.summary.is_empty(), "{} has no summary", ch.slug);
        assert!(!ch.parts.is_empty(), "{} is empty", ch.slug);
    }
    // The file names carry the same order.
    let mut files: Vec<String> = fs::read_dir(content_dir().join("chapters"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".md"))
        .collect();
    files.sort();
    for (i, (f, slug)) in files.iter().zip(ORDER).enumerate() {
        assert_eq!(f, &format!("{i:02}-{slug}.md"));
    }
}

/// The prose lives in one content-hashed fragment per chapter (fetched by the site, copied into
/// dist by trunk): the file exists, holds exactly one piece per `Part::Prose`, its name carries
/// the slug, and `content/prose/` holds nothing else (no stale fragments to ship).
#[test]
fn every_chapter_has_its_prose_fragment() {
    let mut names = Vec::new();
    for ch in CHAPTERS {
        let pieces = pieces_of(ch);
        let n = ch.parts.iter().filter(|p| **p == Part::Prose).count();
        assert!(n > 0, "{} has no prose", ch.slug);
        assert_eq!(
            pieces.len(),
            n,
            "{}: pieces in {} vs Part::Prose",
            ch.slug,
            ch.prose
        );
        assert!(
            pieces.iter().all(|p| !p.trim().is_empty()),
            "{}: empty piece",
            ch.slug
        );
        let name = ch.prose.trim_start_matches("prose/");
        let hash = name
            .strip_prefix(ch.slug)
            .and_then(|r| r.strip_prefix('-'))
            .and_then(|r| r.strip_suffix(".html"))
            .unwrap_or_else(|| panic!("{}: fragment name {name}", ch.slug));
        assert!(
            hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}"
        );
        names.push(name.to_string());
    }
    let mut on_disk = file_names(&content_dir().join("prose"));
    on_disk.sort();
    names.sort();
    assert_eq!(
        on_disk, names,
        "content/prose/ holds exactly the current fragments"
    );
}

/// The plain files in a folder (not its sub-folders), sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

/// 64-bit FNV-1a, the content hash in the generated file names (as in `build.rs`).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A code sample's generated file (what a code panel fetches), read from `content/prose/code/`.
fn code_text(c: &CodeSrc) -> String {
    let file = c
        .file
        .strip_prefix("prose/code/")
        .unwrap_or_else(|| panic!("{}: code file {} not under prose/code/", c.id, c.file));
    fs::read_to_string(content_dir().join("prose/code").join(file))
        .unwrap_or_else(|e| panic!("{}: code file {file}: {e}", c.id))
}

/// Each sample's highlighted lines live in one content-hashed file that the code panels fetch:
/// it holds exactly what the highlighter makes of `content/code/<id>` now (no drift between the
/// committed files and the samples), one line per source line, its name is `<id>-<hash>.html`
/// with the hash of its content, and `content/prose/code/` holds nothing else.
#[test]
fn every_code_sample_has_its_generated_file() {
    let mut names = Vec::new();
    for c in CODE {
        let src = fs::read_to_string(content_dir().join("code").join(c.id)).unwrap();
        let src = src.replace("\r\n", "\n").replace('\t', "    ");
        let ext = Path::new(c.id)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        assert_eq!(highlight::lang_of(ext), c.lang, "{}", c.id);
        let want = highlight::highlight_lines(c.lang, &src).join("\n");
        let text = code_text(c);
        assert!(
            text == want,
            "{}: {} is stale (rebuild to regenerate content/prose/code/)",
            c.id,
            c.file
        );
        assert_eq!(text.split('\n').count(), c.lines as usize, "{}", c.id);
        let cols = src.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert_eq!(c.cols as usize, cols, "{}: longest line", c.id);
        let name = c.file.trim_start_matches("prose/code/");
        assert_eq!(
            name,
            format!("{}-{:016x}.html", c.id, fnv1a(text.as_bytes())),
            "{}: the name carries the hash of the content",
            c.id
        );
        names.push(name.to_string());
    }
    names.sort();
    assert_eq!(
        file_names(&content_dir().join("prose/code")),
        names,
        "content/prose/code/ holds exactly the current code files"
    );
}

/// Every sample id the site's code uses (a string literal that is a sample's file name, e.g. the
/// `id` of a `CodePanel`, also when chosen from a table) is in the index and has its file.
#[test]
fn every_code_id_used_by_the_app_has_a_file() {
    let samples: Vec<String> = file_names(&content_dir().join("code"));
    let mut used = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app")];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let text = fs::read_to_string(&p).unwrap();
            // String literals that look like a file name with a sample's extension.
            for lit in text.split('"').skip(1).step_by(2) {
                let is_name = lit
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                if is_name && [".py", ".java", ".txt"].iter().any(|x| lit.ends_with(x)) {
                    assert!(
                        samples.iter().any(|s| s == lit),
                        "{}: {lit:?} is not a file in content/code/",
                        p.display()
                    );
                    used.push(lit.to_string());
                }
            }
        }
    }
    used.sort();
    used.dedup();
    assert!(
        used.len() >= 20,
        "only {} sample ids found: {used:?}",
        used.len()
    );
    for id in &used {
        let c = CODE
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id} not in CODE"));
        assert!(!code_text(c).is_empty(), "{id}");
    }
}

#[test]
fn every_viz_marker_is_known_and_where_the_course_needs_it() {
    for ch in CHAPTERS {
        for p in ch.parts {
            if let Part::Viz(id) = p {
                assert!(VIZ_IDS.contains(id), "{}: unknown viz {id}", ch.slug);
            }
        }
        // No marker slipped through unparsed.
        assert!(
            !html_of(ch).contains("data-viz"),
            "{}: marker left in prose",
            ch.slug
        );
    }
    assert_eq!(vizzes("blocking-io"), ["ports"]);
    assert_eq!(vizzes("non-blocking-io"), ["ports"]);
    assert_eq!(vizzes("event-driven"), ["readiness"]);
    assert_eq!(vizzes("blocking-calls"), ["queries", "thread-pool"]);
    assert_eq!(vizzes("non-blocking-calls"), ["queries"]);
    assert_eq!(vizzes("async-await"), ["coroutine"]);
    assert_eq!(vizzes("event-loop"), ["event-loop"]);
    assert_eq!(vizzes("frameworks"), ["frameworks"]);
    assert_eq!(vizzes("backpressure"), ["backpressure"]);
    assert_eq!(vizzes("strategies"), ["strategies", "demand"]);
}

#[test]
fn every_code_reference_resolves() {
    let ids: Vec<&str> = CODE.iter().map(|c| c.id).collect();
    let mut used = Vec::new();
    for entry in fs::read_dir(content_dir().join("chapters")).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("@code ") {
                let id = rest.split_whitespace().next().unwrap();
                assert!(ids.contains(&id), "@code {id} does not resolve");
                used.push(id.to_string());
            }
        }
    }
    // Every sample file is shown somewhere, and appears in CODE with its number of lines.
    for c in CODE {
        assert!(used.iter().any(|u| u == c.id), "{} is never shown", c.id);
        let src = fs::read_to_string(content_dir().join("code").join(c.id)).unwrap();
        assert_eq!(
            c.lines as usize,
            src.trim_end_matches('\n').lines().count(),
            "{}",
            c.id
        );
        assert!(["python", "java", "text"].contains(&c.lang));
    }
    for ch in CHAPTERS {
        let html = html_of(ch);
        for (i, _) in html.match_indices("data-code=\"") {
            let id = html[i + 11..].split('"').next().unwrap();
            assert!(ids.contains(&id), "{}: figure for unknown {id}", ch.slug);
        }
    }
}

#[test]
fn generated_html_is_escaped() {
    assert_eq!(
        highlight::escape("a < b && c > \"d\""),
        "a &lt; b &amp;&amp; c &gt; &quot;d&quot;"
    );
    let lines = highlight::highlight_lines("python", "if a < b:\n    print('<b>')\n");
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].contains("&lt;") && !lines[0].contains(" < "),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("&#39;&lt;b&gt;&#39;"), "{}", lines[1]);
    let java = highlight::highlight("java", "List<String> xs = new ArrayList<>();");
    assert!(
        java.contains("&lt;") && !java.contains("<String>"),
        "{java}"
    );
    // Java generics in a shipped sample come out escaped too.
    let spring = CODE
        .iter()
        .find(|c| c.id == "spring_mvc.java")
        .expect("spring_mvc.java");
    let all = code_text(spring);
    assert!(all.contains("&lt;"), "{all}");
    assert!(!all.contains("List<String"), "{all}");
    // No raw `<` outside tags: strip the tags we generate and look for what is left.
    for c in CODE {
        for l in code_text(c).split('\n') {
            let stripped = strip_spans(l);
            assert!(
                !stripped.contains('<') && !stripped.contains('>'),
                "{}: {l}",
                c.id
            );
        }
    }
}

fn strip_spans(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<span class=\"tok-") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let close = after.find('>').unwrap();
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.replace("</span>", "")
}

#[test]
fn highlight_python() {
    let src = "@app.get(\"/items\")\nasync def fetch(n):\n    # wait\n    await asyncio.sleep(2)  # pause\n    print(f\"got {n}\")\n    return None\n";
    let lines = highlight::highlight_lines("python", src);
    assert_eq!(lines.len(), 6);
    assert_eq!(
        lines[0],
        "<span class=\"tok-dec\">@app.get</span>(<span class=\"tok-str\">&quot;/items&quot;</span>)"
    );
    assert_eq!(
        lines[1],
        "<span class=\"tok-kw\">async</span> <span class=\"tok-kw\">def</span> <span class=\"tok-fn\">fetch</span>(n):"
    );
    assert_eq!(lines[2], "    <span class=\"tok-com\"># wait</span>");
    assert_eq!(
        lines[3],
        "    <span class=\"tok-kw\">await</span> asyncio.<span class=\"tok-fn\">sleep</span>(<span class=\"tok-num\">2</span>)  <span class=\"tok-com\"># pause</span>"
    );
    assert_eq!(
        lines[4],
        "    <span class=\"tok-builtin\">print</span>(<span class=\"tok-str\">f&quot;got {n}&quot;</span>)"
    );
    assert_eq!(
        lines[5],
        "    <span class=\"tok-kw\">return</span> <span class=\"tok-kw\">None</span>"
    );
    // A hash inside a string is not a comment; a triple-quoted string spans lines, closed per line.
    let l = highlight::highlight_lines("python", "x = \"#1\"\ns = \"\"\"a\nb\"\"\"\n");
    assert_eq!(l[0], "x = <span class=\"tok-str\">&quot;#1&quot;</span>");
    assert_eq!(
        l[1],
        "s = <span class=\"tok-str\">&quot;&quot;&quot;a</span>"
    );
    assert_eq!(l[2], "<span class=\"tok-str\">b&quot;&quot;&quot;</span>");
    // Byte strings and names with digits.
    let l = highlight::highlight("python", "sock1.send(b\"hi\\n\")");
    assert_eq!(
        l,
        "sock1.<span class=\"tok-fn\">send</span>(<span class=\"tok-str\">b&quot;hi\\n&quot;</span>)"
    );
}

#[test]
fn highlight_java() {
    let src = "@GetMapping(\"/items\")\npublic Mono<List<String>> items() {\n    // one second\n    return Mono.delay(Duration.ofSeconds(1)); /* done */\n}";
    let lines = highlight::highlight_lines("java", src);
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[0],
        "<span class=\"tok-dec\">@GetMapping</span>(<span class=\"tok-str\">&quot;/items&quot;</span>)"
    );
    assert_eq!(
        lines[1],
        "<span class=\"tok-kw\">public</span> <span class=\"tok-type\">Mono</span>&lt;<span class=\"tok-type\">List</span>&lt;<span class=\"tok-type\">String</span>&gt;&gt; <span class=\"tok-fn\">items</span>() {"
    );
    assert_eq!(lines[2], "    <span class=\"tok-com\">// one second</span>");
    assert_eq!(
        lines[3],
        "    <span class=\"tok-kw\">return</span> <span class=\"tok-type\">Mono</span>.<span class=\"tok-fn\">delay</span>(<span class=\"tok-type\">Duration</span>.<span class=\"tok-fn\">ofSeconds</span>(<span class=\"tok-num\">1</span>)); <span class=\"tok-com\">/* done */</span>"
    );
    assert_eq!(lines[4], "}");
    let l = highlight::highlight("java", "class ItemResource { long n = 1000L; }");
    assert_eq!(
        l,
        "<span class=\"tok-kw\">class</span> <span class=\"tok-type\">ItemResource</span> { <span class=\"tok-kw\">long</span> n = <span class=\"tok-num\">1000L</span>; }"
    );
}

#[test]
fn text_is_only_escaped() {
    assert_eq!(highlight::highlight("text", "a <b> def"), "a &lt;b&gt; def");
}

#[test]
fn headings_have_unique_ids() {
    for ch in CHAPTERS {
        let html = html_of(ch);
        let mut seen = std::collections::HashSet::new();
        for (i, _) in html
            .match_indices("<h2 id=\"")
            .chain(html.match_indices("<h3 id=\""))
        {
            let id = html[i + 8..].split('"').next().unwrap();
            assert!(
                seen.insert(id.to_string()),
                "{}: duplicate heading id {id}",
                ch.slug
            );
        }
        assert!(!seen.is_empty(), "{} has no section headings", ch.slug);
    }
}

/// The line anchors in `content/CODE_LINES.md` (what visualisations mark) still point at the
/// lines they describe.
#[test]
fn code_line_anchors_are_stable() {
    let table = fs::read_to_string(content_dir().join("CODE_LINES.md")).unwrap();
    let mut rows = 0;
    for line in table.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | file | line | `contains` | meaning |
        if cells.len() < 5 || cells[1] == "file" || cells[1].starts_with("---") {
            continue;
        }
        let (file, n, needle) = (cells[1], cells[2], cells[3].trim_matches('`'));
        let n: usize = n
            .parse()
            .unwrap_or_else(|_| panic!("bad line number in row {line}"));
        let code = CODE
            .iter()
            .find(|c| c.id == file)
            .unwrap_or_else(|| panic!("{file} not in CODE"));
        let src = fs::read_to_string(content_dir().join("code").join(file)).unwrap();
        let text = src
            .lines()
            .nth(n - 1)
            .unwrap_or_else(|| panic!("{file} has no line {n}"));
        assert!(
            text.contains(needle),
            "{file}:{n} is now {text:?}, expected it to contain {needle:?}"
        );
        assert!(n <= code.lines as usize);
        rows += 1;
    }
    assert!(rows > 50, "only {rows} anchors read");
}

/// What an accessibility audit asks of the prose (axe-core: scrollable-region-focusable,
/// empty-table-header): a code block that may scroll sideways can be reached with the keyboard
/// (not as a landmark region: a page may show one sample twice, and landmarks must differ; a
/// sample's figure and caption name it), and every table header cell says what its column holds.
#[test]
fn code_blocks_take_the_keyboard_focus_and_table_headers_have_words() {
    let mut blocks = 0;
    for ch in CHAPTERS {
        let html = html_of(ch);
        for (i, _) in html.match_indices("<pre") {
            let tag = &html[i..i + html[i..].find('>').expect("a closed tag")];
            assert!(
                tag.contains(" tabindex=\"0\"") && !tag.contains(" role="),
                "{}: {tag}",
                ch.slug
            );
            blocks += 1;
        }
        assert!(
            !html.contains("<th></th>"),
            "{}: an empty table header",
            ch.slug
        );
    }
    assert!(blocks > 20, "only {blocks} code blocks in the prose");
}
