//! A tiny static file server on 127.0.0.1 for the end-to-end tests and `cargo xtask preview`:
//! serves a directory under a sub-path (like a real host would under `--public-url`), with the
//! response headers from `static/_headers`, so the tests run under the production CSP.
//!
//! Text, wasm and SVG responses are gzip-compressed (`gzip -9`, the size task's setting, cached
//! per file) when the request accepts gzip, as static hosts do: `cargo xtask fcp --slow` then
//! measures the bytes a learner's browser actually downloads. Other requests get the file as is.
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

pub struct Server {
    addr: SocketAddr,
    prefix: String,
}

impl Server {
    /// Serve `dir` under `prefix` (e.g. `/await-and-see/`) on 127.0.0.1:`port` (0 = any free port)
    /// from a background thread that lives as long as the process.
    pub fn start(
        dir: &Path,
        prefix: &str,
        headers: Vec<(String, String)>,
        port: u16,
    ) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let (dir, pfx) = (dir.to_path_buf(), prefix.to_string());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (dir, pfx, headers) = (dir.clone(), pfx.clone(), headers.clone());
                std::thread::spawn(move || {
                    let _ = handle(stream, &dir, &pfx, &headers);
                });
            }
        });
        Ok(Server {
            addr,
            prefix: prefix.to_string(),
        })
    }

    /// The site's URL, e.g. `http://127.0.0.1:40123/await-and-see/`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.prefix)
    }
}

/// Read the `/*` block of a Netlify/Cloudflare-style `_headers` file.
pub fn headers_from_file(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    let mut in_all = false;
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            in_all = line.trim() == "/*";
        } else if in_all {
            if let Some((k, v)) = line.trim().split_once(':') {
                out.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "webmanifest" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Whether an `Accept-Encoding` value (lower-cased) allows gzip: listed (or `*`) without `q=0`.
fn accepts_gzip(v: &str) -> bool {
    v.split(',').any(|part| {
        let mut it = part.split(';');
        let coding = it.next().unwrap_or("").trim();
        let refused = it.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                == Some(0.0)
        });
        (coding == "gzip" || coding == "*") && !refused
    })
}

/// Types a static host compresses (text, wasm, SVG); images and fonts are compressed already.
fn compressible(ctype: &str) -> bool {
    ctype.starts_with("text/")
        || ctype.starts_with("application/wasm")
        || ctype.starts_with("application/json")
        || ctype.starts_with("image/svg")
}

/// `body` (the contents of `file`) through `gzip -9`, cached per file, size and modification
/// time; `None` (serve it uncompressed) if gzip cannot be run.
fn gzipped(file: &Path, body: &[u8]) -> Option<Vec<u8>> {
    use std::process::{Command, Stdio};
    use std::sync::{Mutex, OnceLock};
    type Key = (PathBuf, u64, Option<std::time::SystemTime>);
    static CACHE: OnceLock<Mutex<HashMap<Key, Vec<u8>>>> = OnceLock::new();
    let mtime = std::fs::metadata(file).and_then(|m| m.modified()).ok();
    let key = (file.to_path_buf(), body.len() as u64, mtime);
    let cache = CACHE.get_or_init(Default::default);
    if let Some(z) = cache.lock().ok()?.get(&key) {
        return Some(z.clone());
    }
    let mut child = Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = body.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    if !out.status.success() {
        return None;
    }
    cache.lock().ok()?.insert(key, out.stdout.clone());
    Some(out.stdout)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn handle(
    stream: TcpStream,
    dir: &Path,
    prefix: &str,
    headers: &[(String, String)],
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the request headers (and ignore any body).
    let mut len = 0usize;
    let mut gzip_ok = false;
    loop {
        let mut l = String::new();
        if reader.read_line(&mut l)? == 0 || l == "\r\n" || l == "\n" {
            break;
        }
        let lower = l.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        } else if let Some(v) = lower.strip_prefix("accept-encoding:") {
            gzip_ok = accepts_gzip(v);
        }
    }
    if len > 0 {
        let _ = reader
            .by_ref()
            .take(len as u64)
            .read_to_end(&mut Vec::new());
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed",
            &[],
            method,
        );
    }
    let bare_prefix = prefix.trim_end_matches('/');
    if path == "/" || path == bare_prefix {
        let loc = [("Location".to_string(), prefix.to_string())];
        return respond(&mut out, "302 Found", "text/plain", b"", &loc, method);
    }
    let Some(rel) = path.strip_prefix(prefix) else {
        return respond(
            &mut out,
            "404 Not Found",
            "text/plain",
            b"not found (the site is under a sub-path)",
            headers,
            method,
        );
    };
    let rel = PathBuf::from(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return respond(
            &mut out,
            "400 Bad Request",
            "text/plain",
            b"bad path",
            headers,
            method,
        );
    }
    let mut file = dir.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => {
            let ctype = mime(&file);
            let gz = (gzip_ok && compressible(ctype))
                .then(|| gzipped(&file, &body))
                .flatten();
            let mut hs = headers.to_vec();
            if compressible(ctype) {
                hs.push(("Vary".into(), "Accept-Encoding".into()));
            }
            match gz {
                Some(z) => {
                    hs.push(("Content-Encoding".into(), "gzip".into()));
                    respond(&mut out, "200 OK", ctype, &z, &hs, method)
                }
                None => respond(&mut out, "200 OK", ctype, &body, &hs, method),
            }
        }
        Err(_) => respond(
            &mut out,
            "404 Not Found",
            "text/plain",
            b"not found",
            headers,
            method,
        ),
    }
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    ctype: &str,
    body: &[u8],
    headers: &[(String, String)],
    method: &str,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_file_block_for_all_paths() {
        let dir = std::env::temp_dir().join(format!("xtask-headers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("_headers");
        std::fs::write(&f, "# comment\n/*\n  X-Content-Type-Options: nosniff\n  Content-Security-Policy: default-src 'self'; img-src 'self' data:\n/other\n  X-Other: 1\n").unwrap();
        let h = headers_from_file(&f);
        assert_eq!(h.len(), 2);
        assert_eq!(h[1].1, "default-src 'self'; img-src 'self' data:");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gzip_negotiation() {
        assert!(accepts_gzip(" gzip, deflate, br"));
        assert!(accepts_gzip(" br;q=1.0, gzip;q=0.5"));
        assert!(accepts_gzip(" *"));
        assert!(!accepts_gzip(" identity"));
        assert!(!accepts_gzip(" gzip;q=0"));
        assert!(!accepts_gzip(" br, gzip; q=0.0"));
        assert!(compressible(mime(Path::new("a_bg.wasm"))));
        assert!(compressible(mime(Path::new("index.html"))));
        assert!(!compressible(mime(Path::new("a.png"))));
    }

    #[test]
    fn gzipped_bodies_round_trip() {
        let dir = std::env::temp_dir().join(format!("xtask-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.js");
        let body = "let x = 1;\n".repeat(500).into_bytes();
        std::fs::write(&f, &body).unwrap();
        let z = gzipped(&f, &body).expect("gzip runs");
        assert!(z.len() < body.len() / 10, "{} bytes", z.len());
        let mut c = std::process::Command::new("gzip")
            .args(["-d", "-c"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(&z).unwrap();
        assert_eq!(c.wait_with_output().unwrap().stdout, body);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b/c"), "/a b/c");
        assert_eq!(percent_decode("/x%2"), "/x%2");
    }
}
