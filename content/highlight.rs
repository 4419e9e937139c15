//! A small, dependency-free syntax highlighter for the course's code samples.
//!
//! Used at build time only (by `build.rs`, through `#[path]`) and by `tests/content.rs`; nothing
//! of it ships in the wasm bundle. It knows three languages: `python`, `java` and `text` (no
//! colouring, only escaping). Output is HTML with `<span class="tok-…">` around tokens:
//!
//! | class         | what                                                        |
//! |---------------|-------------------------------------------------------------|
//! | `tok-kw`      | keywords (`def`, `async`, `await`, `public`, `return`, …) and `True`/`False`/`None`/`null` |
//! | `tok-str`     | string literals, including f-strings, byte strings, triple quotes, Java text blocks and chars |
//! | `tok-com`     | comments (`# …`, `// …`, `/* … */`)                         |
//! | `tok-num`     | numeric literals (`2`, `0.5`, `1_000`, `1000L`, `0x1F`)     |
//! | `tok-fn`      | a function's name where it is defined or called (`db_query`, `accept`) |
//! | `tok-dec`     | Python decorators (`@app.get`) and Java annotations (`@GetMapping`) |
//! | `tok-type`    | class names where defined (Python) and capitalised type names (Java) |
//! | `tok-builtin` | Python builtins (`print`, `len`, `range`, …) and `self`     |
//!
//! Everything else is escaped text. Tokens never span lines in the per-line output: a multi-line
//! string or comment is closed at the end of each line and reopened on the next.
#![allow(dead_code)]

/// The kind of a highlighted token; `None` in a token list means plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Kw,
    Str,
    Com,
    Num,
    Fn,
    Dec,
    Type,
    Builtin,
}

impl Tok {
    /// The CSS class for this token kind.
    pub fn class(self) -> &'static str {
        match self {
            Tok::Kw => "tok-kw",
            Tok::Str => "tok-str",
            Tok::Com => "tok-com",
            Tok::Num => "tok-num",
            Tok::Fn => "tok-fn",
            Tok::Dec => "tok-dec",
            Tok::Type => "tok-type",
            Tok::Builtin => "tok-builtin",
        }
    }
}

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Normalise a language name from a file extension or a fence info string.
pub fn lang_of(name: &str) -> &'static str {
    match name.trim().to_ascii_lowercase().as_str() {
        "py" | "python" | "python3" => "python",
        "java" => "java",
        _ => "text",
    }
}

const PY_KW: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case",
];

const PY_BUILTIN: &[&str] = &[
    "print",
    "len",
    "range",
    "list",
    "dict",
    "set",
    "tuple",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "open",
    "enumerate",
    "zip",
    "map",
    "filter",
    "sorted",
    "min",
    "max",
    "sum",
    "any",
    "all",
    "isinstance",
    "type",
    "object",
    "super",
    "self",
    "Exception",
    "ValueError",
    "KeyError",
    "RuntimeError",
    "TimeoutError",
    "next",
    "iter",
    "repr",
    "id",
    "__name__",
];

const JAVA_KW: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "var",
    "record",
    "yield",
    "true",
    "false",
    "null",
];

/// Split source into tokens: `(Some(kind), text)` for coloured tokens, `(None, text)` for the rest.
/// Concatenating every text gives back the input exactly.
pub fn tokens(lang: &str, src: &str) -> Vec<(Option<Tok>, String)> {
    let mut out: Vec<(Option<Tok>, String)> = Vec::new();
    match lang_of(lang) {
        "python" => lex_python(src, &mut out),
        "java" => lex_java(src, &mut out),
        _ => push(&mut out, None, src),
    }
    out
}

fn push(out: &mut Vec<(Option<Tok>, String)>, kind: Option<Tok>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(last) = out.last_mut() {
        if last.0 == kind && kind.is_none() {
            last.1.push_str(text);
            return;
        }
    }
    out.push((kind, text.to_string()));
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Index (in chars) of the next non-space char on the same line, if any.
fn next_non_space(chars: &[char], mut i: usize) -> Option<char> {
    while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
        i += 1;
    }
    chars.get(i).copied()
}

fn at_line_start(chars: &[char], i: usize) -> bool {
    let mut j = i;
    while j > 0 {
        j -= 1;
        match chars[j] {
            ' ' | '\t' => continue,
            '\n' => return true,
            _ => return false,
        }
    }
    true
}

fn slice(chars: &[char], a: usize, b: usize) -> String {
    chars[a..b].iter().collect()
}

/// Scan a number starting at `i`; returns the end index.
fn scan_number(chars: &[char], mut i: usize) -> usize {
    if chars[i] == '0' && matches!(chars.get(i + 1), Some('x' | 'X' | 'b' | 'B' | 'o' | 'O')) {
        i += 2;
        while i < chars.len() && (chars[i].is_ascii_hexdigit() || chars[i] == '_') {
            i += 1;
        }
    } else {
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '_') {
            i += 1;
        }
        if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '_') {
                i += 1;
            }
        }
        if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
            let mut j = i + 1;
            if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                j += 1;
            }
            if j < chars.len() && chars[j].is_ascii_digit() {
                i = j;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
        }
    }
    // Suffixes: Java long/float/double, Python imaginary.
    if i < chars.len()
        && matches!(chars[i], 'L' | 'l' | 'f' | 'F' | 'd' | 'D' | 'j' | 'J')
        && !(i + 1 < chars.len() && is_ident_char(chars[i + 1]))
    {
        i += 1;
    }
    i
}

/// Scan a quoted string whose opening quote(s) start at `i`. Handles `\` escapes and triple
/// quotes (`"""`/`'''`, which may span lines). Returns the end index (after the closing quote, or
/// end of line for an unterminated single-quoted string).
fn scan_string(chars: &[char], i: usize, quote: char, raw: bool) -> usize {
    let triple = chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote);
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < chars.len() {
        let c = chars[j];
        if c == '\\' && !raw {
            j += 2;
            continue;
        }
        if triple {
            if c == quote && chars.get(j + 1) == Some(&quote) && chars.get(j + 2) == Some(&quote) {
                return j + 3;
            }
        } else {
            if c == quote {
                return j + 1;
            }
            if c == '\n' {
                return j;
            }
        }
        j += 1;
    }
    chars.len().min(j)
}

fn lex_python(src: &str, out: &mut Vec<(Option<Tok>, String)>) {
    let chars: Vec<char> = src.chars().collect();
    let n = chars.len();
    let mut i = 0;
    // What the previous keyword was, to colour the name after `def` / `class`.
    let mut after: Option<&str> = None;
    while i < n {
        let c = chars[i];
        if c == '#' {
            let mut j = i;
            while j < n && chars[j] != '\n' {
                j += 1;
            }
            push(out, Some(Tok::Com), &slice(&chars, i, j));
            i = j;
        } else if c == '@' && at_line_start(&chars, i) {
            let mut j = i + 1;
            while j < n && (is_ident_char(chars[j]) || chars[j] == '.') {
                j += 1;
            }
            push(out, Some(Tok::Dec), &slice(&chars, i, j));
            i = j;
        } else if c == '"' || c == '\'' {
            let j = scan_string(&chars, i, c, false);
            push(out, Some(Tok::Str), &slice(&chars, i, j));
            i = j;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let prev_ident = i > 0 && is_ident_char(chars[i - 1]);
            let j = if c == '.' {
                scan_number(&chars, i + 1).max(i + 1)
            } else {
                scan_number(&chars, i)
            };
            push(
                out,
                if prev_ident { None } else { Some(Tok::Num) },
                &slice(&chars, i, j),
            );
            i = j;
        } else if is_ident_start(c) {
            let mut j = i;
            while j < n && is_ident_char(chars[j]) {
                j += 1;
            }
            let word = slice(&chars, i, j);
            // String prefixes: f"", rb'', u"" …
            if j < n
                && (chars[j] == '"' || chars[j] == '\'')
                && word.len() <= 2
                && word.chars().all(|ch| "rRbBfFuU".contains(ch))
            {
                let raw = word.contains(['r', 'R']);
                let k = scan_string(&chars, j, chars[j], raw);
                push(out, Some(Tok::Str), &slice(&chars, i, k));
                i = k;
                after = None;
                continue;
            }
            let kind = if let Some(prev) = after.take() {
                if prev == "class" {
                    Some(Tok::Type)
                } else {
                    Some(Tok::Fn)
                }
            } else if PY_KW.contains(&word.as_str()) {
                if word == "def" || word == "class" {
                    after = Some(if word == "def" { "def" } else { "class" });
                }
                Some(Tok::Kw)
            } else if PY_BUILTIN.contains(&word.as_str()) {
                Some(Tok::Builtin)
            } else if next_non_space(&chars, j) == Some('(') {
                Some(Tok::Fn)
            } else {
                None
            };
            push(out, kind, &word);
            i = j;
        } else {
            push(out, None, &c.to_string());
            i += 1;
        }
    }
}

fn lex_java(src: &str, out: &mut Vec<(Option<Tok>, String)>) {
    let chars: Vec<char> = src.chars().collect();
    let n = chars.len();
    let mut i = 0;
    let mut after_class = false;
    while i < n {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            let mut j = i;
            while j < n && chars[j] != '\n' {
                j += 1;
            }
            push(out, Some(Tok::Com), &slice(&chars, i, j));
            i = j;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut j = i + 2;
            while j < n && !(chars[j] == '*' && chars.get(j + 1) == Some(&'/')) {
                j += 1;
            }
            let j = (j + 2).min(n);
            push(out, Some(Tok::Com), &slice(&chars, i, j));
            i = j;
        } else if c == '@' && chars.get(i + 1).is_some_and(|d| is_ident_start(*d)) {
            let mut j = i + 1;
            while j < n && (is_ident_char(chars[j]) || chars[j] == '.') {
                j += 1;
            }
            push(out, Some(Tok::Dec), &slice(&chars, i, j));
            i = j;
        } else if c == '"' || c == '\'' {
            let j = scan_string(&chars, i, c, false);
            push(out, Some(Tok::Str), &slice(&chars, i, j));
            i = j;
        } else if c.is_ascii_digit() {
            let prev_ident = i > 0 && is_ident_char(chars[i - 1]);
            let j = scan_number(&chars, i);
            push(
                out,
                if prev_ident { None } else { Some(Tok::Num) },
                &slice(&chars, i, j),
            );
            i = j;
        } else if is_ident_start(c) {
            let mut j = i;
            while j < n && is_ident_char(chars[j]) {
                j += 1;
            }
            let word = slice(&chars, i, j);
            let kind = if after_class {
                after_class = false;
                Some(Tok::Type)
            } else if JAVA_KW.contains(&word.as_str()) {
                after_class = matches!(word.as_str(), "class" | "interface" | "enum" | "record");
                Some(Tok::Kw)
            } else if word.chars().next().is_some_and(|ch| ch.is_uppercase())
                && !word
                    .chars()
                    .all(|ch| ch.is_uppercase() || ch == '_' || ch.is_ascii_digit())
            {
                Some(Tok::Type)
            } else if next_non_space(&chars, j) == Some('(') {
                Some(Tok::Fn)
            } else {
                None
            };
            push(out, kind, &word);
            i = j;
        } else {
            push(out, None, &c.to_string());
            i += 1;
        }
    }
}

/// Highlight `src` and return one HTML string per source line (no trailing newline characters).
/// A trailing newline at the end of the source does not produce an extra empty line.
pub fn highlight_lines(lang: &str, src: &str) -> Vec<String> {
    let src = src.strip_suffix('\n').unwrap_or(src);
    let src = src.strip_suffix('\r').unwrap_or(src);
    let mut lines = vec![String::new()];
    for (kind, text) in tokens(lang, src) {
        for (k, piece) in text.split('\n').enumerate() {
            if k > 0 {
                lines.push(String::new());
            }
            let piece = piece.strip_suffix('\r').unwrap_or(piece);
            if piece.is_empty() {
                continue;
            }
            let line = lines.last_mut().expect("at least one line");
            match kind {
                Some(t) => {
                    line.push_str("<span class=\"");
                    line.push_str(t.class());
                    line.push_str("\">");
                    line.push_str(&escape(piece));
                    line.push_str("</span>");
                }
                None => line.push_str(&escape(piece)),
            }
        }
    }
    lines
}

/// Highlight `src` as one HTML string (lines joined with `\n`), for code blocks inside prose.
pub fn highlight(lang: &str, src: &str) -> String {
    highlight_lines(lang, src).join("\n")
}
