//! `cargo xtask <command>`: the project's build, serve and test entry point.
//!
//! Std only, so it compiles in seconds on a fresh machine. Every command first makes sure the
//! tools it needs are present (installing what is missing) and then runs them:
//!
//! * `serve [trunk args]`  — `trunk serve --offline` (dev build, live reload) on 127.0.0.1:8080.
//! * `test`                — native `cargo test --workspace`, wasm-bindgen tests in headless Chromium,
//!   end-to-end tests against the release build served under a sub-path. Flags: `--no-native`,
//!   `--no-web`, `--no-e2e`, `-k EXPR` (passed to pytest).
//! * `build [--public-url /p/] [--dist DIR] [--prebuilt-std]` — release build (wasm-opt'd, std
//!   rebuilt for size unless `--prebuilt-std`) into `dist/`.
//! * `size [--no-build]`   — raw and gzip sizes of the release build vs the 200 KB budget.
//! * `fcp [--route SLUG] [--slow] [--no-build]` — first contentful paint of a chapter in headless
//!   Chromium (`--slow`: over an emulated 1.6 Mbit/s link with 150 ms latency).
//! * `preview [--port N] [--dist DIR]` — serve `target/e2e-dist/` (or DIR) under `/await-and-see/`
//!   with the production headers.
//! * `setup [--browser]`   — only install the tools.
//! * `post-build`          — trunk post-build hook: move trunk's inline init script to a file,
//!   give the wasm's JS imports short names (see `imports.rs`).
mod hook;
mod imports;
mod server;
mod sha;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

pub type R<T> = Result<T, String>;

/// The sub-path the end-to-end tests serve the release build under.
pub const E2E_PUBLIC_URL: &str = "/await-and-see/";
/// The gzip budget for wasm + js + css of the whole site, in bytes.
pub const BUDGET_GZIP: u64 = 200_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r.to_vec()),
        None => ("help", Vec::new()),
    };
    let root = root();
    let result = match cmd {
        "serve" => serve(&root, &rest),
        "test" => test(&root, &rest),
        "build" => build_cmd(&root, &rest),
        "size" => size_cmd(&root, &rest),
        "fcp" => fcp_cmd(&root, &rest),
        "preview" => preview_cmd(&root, &rest),
        "setup" => setup_cmd(&root, &rest),
        "post-build" => hook::post_build_from_env(),
        "help" | "-h" | "--help" => {
            println!("{}", HELP);
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {cmd}: error: {e}");
            ExitCode::FAILURE
        }
    }
}

const HELP: &str = "usage: cargo xtask <command>

  serve [trunk serve args]        dev server with live reload on http://127.0.0.1:8080/
  test [--no-native] [--no-web] [--no-e2e] [-k EXPR]
                                  every test: native, wasm-bindgen (headless Chromium), end-to-end
  build [--public-url /p/] [--dist DIR] [--prebuilt-std]
                                  release build into dist/ (default public url /); std is rebuilt
                                  for size unless --prebuilt-std (needs rustup's rust-src, added
                                  on first use)
  size [--no-build] [--prebuilt-std]
                                  wasm/js/css raw and gzip sizes vs the 200 KB gzip budget
  fcp [--route SLUG] [--runs N] [--slow] [--no-build]
                                  first contentful paint of a chapter in headless Chromium
  preview [--port N] [--dist DIR]
                                  serve target/e2e-dist (or DIR, built with --public-url
                                  /await-and-see/) under /await-and-see/ with the production headers
  setup [--browser]               only install the tools (add --browser for Chromium + Python venv)

Missing tools are installed on first use: the wasm32 target, rust-src (release builds), trunk,
wasm-bindgen-cli (the version in Cargo.lock), wasm-opt (npm binaryen@132, into .tools/), and for
tests Debian's chromium and chromium-driver (apt-get, when root on Debian), a Python venv with
selenium and pytest (target/e2e-venv) and npm axe-core (into .tools/).";

/// The workspace root (the parent of this crate's directory).
fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

fn flag(args: &[String], name: &str) -> bool {
    args.iter().any(|a| a == name)
}

fn opt(args: &[String], name: &str) -> Option<String> {
    let eq = format!("{name}=");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == name {
            return it.next().cloned();
        }
        if let Some(v) = a.strip_prefix(&eq) {
            return Some(v.to_string());
        }
    }
    None
}

/// Print a step header so a long run reads as a list of stages.
pub fn step(msg: &str) {
    println!("\n==> {msg}");
}

fn serve(root: &Path, args: &[String]) -> R<()> {
    let release = flag(args, "--release");
    let env = tools::ensure_build_tools(root, release)?;
    step("trunk serve --offline (Ctrl-C to stop)");
    let mut c = env.command("trunk");
    c.arg("serve").arg("--offline").args(args).current_dir(root);
    tools::run(&mut c)
}

/// Release build into `dist` with the given public URL. Unless `--prebuilt-std` is in `args` (or
/// rust-src cannot be had), the standard library is rebuilt for size: see
/// [`tools::apply_std_from_source`].
fn build_release(
    env: &tools::Env,
    root: &Path,
    args: &[String],
    public_url: &str,
    dist: &Path,
) -> R<()> {
    let mut std_from_source = !flag(args, "--prebuilt-std") && tools::ensure_rust_src(env);
    if std_from_source {
        if let Err(e) = tools::fetch_for_std_from_source(env, root) {
            println!("warning: could not fetch the standard library's dependencies ({e}); building with the prebuilt standard library");
            std_from_source = false;
        }
    }
    step(&format!(
        "trunk build --release --offline --public-url {public_url} (into {}; std {})",
        dist.display(),
        if std_from_source {
            "rebuilt for size"
        } else {
            "prebuilt"
        }
    ));
    let t = Instant::now();
    let mut c = env.command("trunk");
    if std_from_source {
        tools::apply_std_from_source(&mut c);
    }
    c.args([
        "build",
        "--release",
        "--offline",
        "--public-url",
        public_url,
        "--dist",
    ])
    .arg(dist)
    .current_dir(root);
    tools::run(&mut c)?;
    // The post-build hook normally did this already; running it again is a no-op, and it covers a
    // Trunk.toml without the hook.
    hook::post_build(dist, public_url)?;
    println!("built in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

fn build_cmd(root: &Path, args: &[String]) -> R<()> {
    let public_url = opt(args, "--public-url").unwrap_or_else(|| "/".into());
    let public_url = normalize_public_url(&public_url);
    let dist = opt(args, "--dist")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("dist"));
    let env = tools::ensure_build_tools(root, true)?;
    build_release(&env, root, args, &public_url, &dist)?;
    print_sizes(&dist)?;
    println!(
        "\nSite in {}: copy it to any static host under {public_url}",
        dist.display()
    );
    Ok(())
}

fn normalize_public_url(u: &str) -> String {
    let mut s = u.to_string();
    if !s.starts_with('/') && !s.contains("://") {
        s.insert(0, '/');
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

fn size_cmd(root: &Path, args: &[String]) -> R<()> {
    let dist = root.join("target/e2e-dist");
    if !flag(args, "--no-build") || !dist.join("index.html").exists() {
        let env = tools::ensure_build_tools(root, true)?;
        build_release(&env, root, args, E2E_PUBLIC_URL, &dist)?;
    }
    let total = print_sizes(&dist)?;
    if total > BUDGET_GZIP {
        return Err(format!(
            "over the gzip budget by {} bytes",
            total - BUDGET_GZIP
        ));
    }
    Ok(())
}

/// gzip -9 size of a file, by the system's gzip.
fn gzip_size(path: &Path) -> R<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// The site's bundle in `dir` and its sub-folders (wasm-bindgen's `snippets/`): every wasm, js
/// and css file except the embed example's host script, which the site never loads.
fn bundle_files(dir: &Path, out: &mut Vec<PathBuf>) -> R<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            bundle_files(&p, out)?;
        } else if matches!(ext, "wasm" | "js" | "css") && !name.starts_with("example-host") {
            out.push(p);
        }
    }
    Ok(())
}

/// Print wasm/js/css raw and gzip sizes; returns the gzip total.
fn print_sizes(dist: &Path) -> R<u64> {
    step(&format!("bundle size ({})", dist.display()));
    let mut files = Vec::new();
    bundle_files(dist, &mut files)?;
    let mut rows = Vec::new();
    for p in files {
        let raw = p.metadata().map(|m| m.len()).unwrap_or(0);
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        rows.push((name, raw, gzip_size(&p)?));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.2));
    let (mut raw_t, mut gz_t) = (0, 0);
    println!("{:<44} {:>11} {:>11}", "file", "raw", "gzip -9");
    for (name, raw, gz) in &rows {
        println!("{:<44} {:>11} {:>11}", name, kb(*raw), kb(*gz));
        raw_t += raw;
        gz_t += gz;
    }
    println!(
        "{:<44} {:>11} {:>11}",
        "total (wasm+js+css)",
        kb(raw_t),
        kb(gz_t)
    );
    let pct = gz_t as f64 * 100.0 / BUDGET_GZIP as f64;
    println!(
        "budget: {} gzip of {} ({pct:.0}%) — {}",
        kb(gz_t),
        kb(BUDGET_GZIP),
        if gz_t <= BUDGET_GZIP {
            "OK"
        } else {
            "OVER BUDGET"
        }
    );
    Ok(gz_t)
}

fn kb(b: u64) -> String {
    format!("{:.1} KB", b as f64 / 1000.0)
}

fn setup_cmd(root: &Path, args: &[String]) -> R<()> {
    let env = tools::ensure_build_tools(root, true)?;
    tools::ensure_wasm_bindgen_test_runner(&env)?;
    if flag(args, "--browser") {
        tools::ensure_browser()?;
        tools::ensure_e2e_venv(root)?;
        tools::ensure_axe(&env, root)?;
    }
    println!("\nall tools present");
    Ok(())
}

fn preview_cmd(root: &Path, args: &[String]) -> R<()> {
    let port: u16 = opt(args, "--port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(8090);
    // `--dist DIR` serves another build (made with `--public-url /await-and-see/`).
    let dist = opt(args, "--dist")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/e2e-dist"));
    if !dist.join("index.html").exists() || flag(args, "--build") {
        let env = tools::ensure_build_tools(root, true)?;
        build_release(&env, root, args, E2E_PUBLIC_URL, &dist)?;
    }
    let headers = server::headers_from_file(&root.join("static/_headers"));
    let srv = server::Server::start(&dist, E2E_PUBLIC_URL, headers, port)
        .map_err(|e| format!("starting the static server: {e}"))?;
    println!(
        "serving {} at {} (Ctrl-C to stop)",
        dist.display(),
        srv.url()
    );
    loop {
        std::thread::park();
    }
}

fn fcp_cmd(root: &Path, args: &[String]) -> R<()> {
    let env = tools::ensure_build_tools(root, true)?;
    let browser = tools::ensure_browser()?;
    let py = tools::ensure_e2e_venv(root)?;
    let dist = root.join("target/e2e-dist");
    if !flag(args, "--no-build") || !dist.join("index.html").exists() {
        build_release(&env, root, args, E2E_PUBLIC_URL, &dist)?;
    }
    let headers = server::headers_from_file(&root.join("static/_headers"));
    let srv = server::Server::start(&dist, E2E_PUBLIC_URL, headers, 0)
        .map_err(|e| format!("starting the static server: {e}"))?;
    step("first contentful paint");
    let mut c = env.command(&py);
    c.arg(root.join("tests/e2e/fcp.py")).arg(srv.url());
    if let Some(r) = opt(args, "--route") {
        c.args(["--route", &r]);
    }
    if let Some(n) = opt(args, "--runs") {
        c.args(["--runs", &n]);
    }
    if flag(args, "--slow") {
        c.arg("--slow");
    }
    browser.apply(&mut c);
    tools::run(c.current_dir(root))
}

/// Counts parsed from a test runner's output.
#[derive(Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
    skipped: u64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
    fn line(&self, label: &str) -> String {
        format!(
            "{label}: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// Parse libtest's `test result: ok. 3 passed; 0 failed; 1 ignored; ...` lines.
fn parse_libtest(line: &str, c: &mut Counts) {
    let Some(rest) = line.trim().strip_prefix("test result: ") else {
        return;
    };
    for part in rest.split(';') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let n = words
            .iter()
            .rev()
            .nth(1)
            .and_then(|w| w.parse::<u64>().ok());
        match (n, words.last()) {
            (Some(n), Some(&"passed")) => c.passed += n,
            (Some(n), Some(&"failed")) => c.failed += n,
            (Some(n), Some(&"ignored")) => c.skipped += n,
            _ => {}
        }
    }
}

/// Parse the `e2e: N passed, M failed, K skipped` line our pytest conftest prints.
fn parse_e2e(line: &str, c: &mut Counts) {
    let Some(rest) = line.trim().strip_prefix("e2e: ") else {
        return;
    };
    for part in rest.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        if let [n, what] = words[..] {
            if let Ok(n) = n.parse::<u64>() {
                match what {
                    "passed" => c.passed = n,
                    "failed" => c.failed = n,
                    "skipped" => c.skipped = n,
                    _ => {}
                }
            }
        }
    }
}

fn test(root: &Path, args: &[String]) -> R<()> {
    let t0 = Instant::now();
    let (native, web, e2e) = (
        !flag(args, "--no-native"),
        !flag(args, "--no-web"),
        !flag(args, "--no-e2e"),
    );
    // Install everything first, so a missing tool fails fast and not after a long native run.
    let env = tools::ensure_build_tools(root, e2e)?;
    let browser = if web || e2e {
        Some(tools::ensure_browser()?)
    } else {
        None
    };
    if web {
        tools::ensure_wasm_bindgen_test_runner(&env)?;
    }
    let (py, axe) = if e2e {
        (
            Some(tools::ensure_e2e_venv(root)?),
            Some(tools::ensure_axe(&env, root)?),
        )
    } else {
        (None, None)
    };
    println!("tools ready in {:.1} s", t0.elapsed().as_secs_f64());

    let mut stages: Vec<(&str, Counts, bool)> = Vec::new();

    if native {
        step("native tests: cargo test --workspace");
        let mut c = env.command("cargo");
        c.args(["test", "--workspace"]).current_dir(root);
        let (ok, counts) = tools::run_tee(&mut c, parse_libtest)?;
        stages.push(("native", counts, ok));
    }
    if web {
        step("wasm-bindgen tests in headless Chromium: cargo test --target wasm32-unknown-unknown --test web");
        let mut c = env.command("cargo");
        c.args([
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "web",
        ])
        .current_dir(root);
        browser.as_ref().unwrap().apply(&mut c);
        let (ok, counts) = tools::run_tee(&mut c, parse_libtest)?;
        if ok && counts.passed + counts.failed == 0 {
            println!("web: no wasm-bindgen test ran (add tests under tests/web/ and a `mod` line in tests/web.rs)");
        }
        stages.push(("web", counts, ok));
    }
    if e2e {
        let dist = root.join("target/e2e-dist");
        if let Err(e) = build_release(&env, root, args, E2E_PUBLIC_URL, &dist) {
            println!("e2e: the release build failed, no end-to-end test ran: {e}");
            stages.push((
                "e2e",
                Counts {
                    failed: 1,
                    ..Counts::default()
                },
                false,
            ));
            return summary(&stages, t0);
        }
        print_sizes(&dist)?;
        let headers = server::headers_from_file(&root.join("static/_headers"));
        let srv = server::Server::start(&dist, E2E_PUBLIC_URL, headers, 0)
            .map_err(|e| format!("starting the static server: {e}"))?;
        step(&format!(
            "end-to-end tests against {} (release build, production headers)",
            srv.url()
        ));
        let mut c = env.command(py.as_ref().unwrap());
        c.args(["-m", "pytest", "-q", "-rxXs", "-p", "no:cacheprovider"])
            .arg(root.join("tests/e2e"))
            .env("E2E_BASE_URL", srv.url())
            .env("E2E_DIST", &dist)
            .env("E2E_OUT", root.join("target"))
            .env("E2E_AXE", axe.as_ref().unwrap())
            .current_dir(root);
        if let Some(k) = opt(args, "-k") {
            c.args(["-k", &k]);
        }
        browser.as_ref().unwrap().apply(&mut c);
        let (ok, counts) = tools::run_tee(&mut c, parse_e2e)?;
        stages.push(("e2e", counts, ok));
    }

    summary(&stages, t0)
}

/// Print one line per stage and the total; error if anything failed.
fn summary(stages: &[(&str, Counts, bool)], t0: Instant) -> R<()> {
    step("summary");
    let mut total = Counts::default();
    let mut all_ok = true;
    for (name, counts, ok) in stages {
        let mut counts = *counts;
        // A runner that failed without a failing test (a compile error, a crash) counts as one.
        if !*ok && counts.failed == 0 {
            counts.failed = 1;
        }
        println!(
            "{}{}",
            counts.line(name),
            if *ok {
                ""
            } else {
                "  (runner exited non-zero)"
            }
        );
        total.add(counts);
        all_ok &= *ok && counts.failed == 0;
    }
    println!("time: {:.0} s", t0.elapsed().as_secs_f64());
    println!("{}", total.line("total"));
    if all_ok {
        Ok(())
    } else {
        Err("some tests failed".into())
    }
}
