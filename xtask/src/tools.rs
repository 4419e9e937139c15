//! Finding and installing the tools the build and the tests need. Each `ensure_*` is idempotent
//! and costs one `--version` call when the tool is already there.
use crate::{step, R};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_NPM: &str = "binaryen@132";
pub const WASM_OPT_VERSION: &str = "132";
/// The accessibility checker the end-to-end tests run in every page (npm, into `.tools/`).
pub const AXE_VERSION: &str = "4.14.1";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The environment children run in: PATH with the project-local tools and cargo's bin dir first.
pub struct Env {
    pub path: OsString,
}

impl Env {
    pub fn new(root: &Path) -> Env {
        let mut dirs = vec![root.join(".tools/node_modules/.bin"), cargo_bin_dir()];
        if let Some(p) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&p));
        }
        let path = std::env::join_paths(dirs)
            .unwrap_or_else(|_| std::env::var_os("PATH").unwrap_or_default());
        Env { path }
    }

    /// Find a program on our PATH.
    pub fn which(&self, program: &str) -> Option<PathBuf> {
        let p = Path::new(program);
        if p.components().count() > 1 {
            return p.is_file().then(|| p.to_path_buf());
        }
        std::env::split_paths(&self.path)
            .map(|d| d.join(program))
            .find(|c| is_executable(c))
    }

    /// A command for `program` with our PATH, and without the `CARGO_PKG_*`-style variables that
    /// `cargo run` set for this process (they would leak into nested cargo builds).
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let program = program.as_ref();
        let resolved = program
            .to_str()
            .and_then(|s| self.which(s))
            .map(OsString::from);
        let mut c = Command::new(resolved.unwrap_or_else(|| program.to_os_string()));
        c.env("PATH", &self.path);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if k.starts_with("CARGO_PKG_")
                || k.starts_with("CARGO_MANIFEST_")
                || matches!(
                    &*k,
                    "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
                )
            {
                c.env_remove(&*k);
            }
        }
        c
    }

    /// First line of `program --version` (or other args), if it runs.
    pub fn version_of(&self, program: &str, args: &[&str]) -> Option<String> {
        let out = self
            .command(program)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .map(|l| l.trim().to_string())
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

pub fn cargo_bin_dir() -> PathBuf {
    if let Some(h) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(h).join("bin");
    }
    PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into())).join(".cargo/bin")
}

/// Print and run a command; error if it fails.
pub fn run(c: &mut Command) -> R<()> {
    println!("$ {}", show(c));
    let st = c
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", show(c)))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({st})", show(c)))
    }
}

/// Run a command, echo its stdout line by line and feed each line to `parse`.
/// Returns whether it exited successfully and what `parse` gathered.
pub fn run_tee<T: Default>(c: &mut Command, parse: fn(&str, &mut T)) -> R<(bool, T)> {
    println!("$ {}", show(c));
    let mut child = c
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", show(c)))?;
    let mut acc = T::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            println!("{line}");
            parse(&line, &mut acc);
        }
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    Ok((st.success(), acc))
}

fn show(c: &Command) -> String {
    let prog = c.get_program().to_string_lossy();
    let prog = prog.rsplit('/').next().unwrap_or(&prog).to_string();
    let mut s = prog;
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn is_debian() -> bool {
    Path::new("/etc/debian_version").exists() && Path::new("/usr/bin/apt-get").exists()
}

/// `apt-get install` the packages when we may (root on Debian); otherwise explain what to install.
fn apt_install(packages: &[&str], why: &str) -> R<()> {
    if !(is_root() && is_debian()) {
        return Err(format!(
            "{why} is missing. Install it, e.g. on Debian/Ubuntu: sudo apt-get install {}",
            packages.join(" ")
        ));
    }
    step(&format!(
        "installing {} with apt-get ({why})",
        packages.join(" ")
    ));
    run(Command::new("apt-get").args(["update", "-q"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

pub fn ensure_wasm_target(env: &Env) -> R<()> {
    let out = env
        .command("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| {
            format!("rustup not found ({e}); install Rust with rustup from rust-lang.org")
        })?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    step(&format!("adding the {WASM_TARGET} target"));
    run(env.command("rustup").args(["target", "add", WASM_TARGET]))
}

/// The release wasm's size options that need the standard library rebuilt from source (stable
/// rustc, with `RUSTC_BOOTSTRAP=1` unlocking the flags for this build only):
/// * `-Zbuild-std` with std's `optimize_for_size` feature (smaller std algorithms and formatting);
/// * `-Cpanic=immediate-abort`: a panic traps at once instead of formatting its message and
///   running the hook, so no panic-message machinery ships. The page still shows its crash
///   banner: `src/app/shell/crash.js` catches the trap's `WebAssembly.RuntimeError`.
///
/// Together about 23 KB gzip off the bundle (BENCHMARKS.md, "Bundle size").
/// Trunk.toml's hooks unset the `CARGO_UNSTABLE_*`/`RUSTC_BOOTSTRAP` variables again for the
/// native cargo commands they run.
pub fn apply_std_from_source(c: &mut Command) {
    c.env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Zunstable-options -Cpanic=immediate-abort",
        );
}

/// Download what a std-from-source build compiles, while the network may be used: trunk runs cargo
/// with `--offline`, and on a fresh machine nothing else fetches the standard library's own
/// dependencies (listed in rust-src's `library/Cargo.lock`) or the project's packages for every
/// platform (build-std resolves std together with the project's lock file, so e.g. the project's
/// `libc` version, otherwise only fetched for native builds, is needed for the wasm build too).
pub fn fetch_for_std_from_source(env: &Env, root: &Path) -> R<()> {
    run(env.command("cargo").arg("fetch").current_dir(root))?;
    let sysroot = env
        .command("rustc")
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("running rustc --print sysroot: {e}"))?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_string();
    let library = Path::new(&sysroot).join("lib/rustlib/src/rust/library/Cargo.toml");
    run(env
        .command("cargo")
        .args(["fetch", "--locked", "--quiet", "--manifest-path"])
        .arg(&library)
        .env("RUSTC_BOOTSTRAP", "1"))
}

/// The standard library's source (rustup's `rust-src` component), which a std-from-source build
/// needs. `false` (with a warning printed) when it is missing and cannot be installed: the
/// caller then builds with the prebuilt std.
pub fn ensure_rust_src(env: &Env) -> bool {
    let listed = env
        .command("rustup")
        .args(["component", "list", "--installed"])
        .output();
    if let Ok(out) = &listed {
        if String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.trim().starts_with("rust-src"))
        {
            return true;
        }
    }
    step("adding the rust-src component (release builds rebuild std for size)");
    match run(env.command("rustup").args(["component", "add", "rust-src"])) {
        Ok(()) => true,
        Err(e) => {
            println!(
                "warning: no rust-src ({e}); building with the prebuilt standard library \
                 (works the same, about 23 KB gzip larger)"
            );
            false
        }
    }
}

pub fn ensure_trunk(env: &Env) -> R<()> {
    let want = format!("trunk {TRUNK_VERSION}");
    if env.version_of("trunk", &["--version"]).as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    step(&format!(
        "installing trunk {TRUNK_VERSION} (cargo install, takes several minutes once)"
    ));
    run(env
        .command("cargo")
        .args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    match env.version_of("trunk", &["--version"]) {
        Some(v) if v == want => Ok(()),
        other => Err(format!(
            "after install, `trunk --version` says {other:?}, want {want:?}"
        )),
    }
}

/// The `wasm-bindgen` version in Cargo.lock (the CLI must match it exactly).
pub fn locked_wasm_bindgen(root: &Path) -> R<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|v| v.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("no wasm-bindgen package in Cargo.lock".into())
}

/// The `[tools] wasm_bindgen` pin in Trunk.toml must equal Cargo.lock's, or trunk (offline) fails.
fn check_trunk_pin(root: &Path, version: &str) -> R<()> {
    let toml = std::fs::read_to_string(root.join("Trunk.toml")).unwrap_or_default();
    for l in toml.lines() {
        if let Some(v) = l.trim().strip_prefix("wasm_bindgen") {
            let v = v.trim().trim_start_matches('=').trim().trim_matches('"');
            if v != version {
                return Err(format!(
                    "Trunk.toml pins wasm_bindgen = \"{v}\" but Cargo.lock has wasm-bindgen {version}: make them equal"
                ));
            }
        }
    }
    Ok(())
}

pub fn ensure_wasm_bindgen(env: &Env, root: &Path) -> R<()> {
    let version = locked_wasm_bindgen(root)?;
    check_trunk_pin(root, &version)?;
    let want = format!("wasm-bindgen {version}");
    let have = env.version_of("wasm-bindgen", &["--version"]);
    let runner = env.version_of("wasm-bindgen-test-runner", &["--version"]);
    let runner_ok = runner.as_deref().is_some_and(|r| r.ends_with(&version));
    if have.as_deref() == Some(want.as_str()) && runner_ok {
        return Ok(());
    }
    step(&format!("installing wasm-bindgen-cli {version} (equal to Cargo.lock; cargo install, a few minutes once)"));
    // Not --locked: the CLI's own lockfile pins crates that no longer build on current rustc.
    run(env
        .command("cargo")
        .args(["install", "wasm-bindgen-cli", "--version", &version]))?;
    match env.version_of("wasm-bindgen", &["--version"]) {
        Some(v) if v == want => Ok(()),
        other => Err(format!(
            "after install, `wasm-bindgen --version` says {other:?}, want {want:?}"
        )),
    }
}

pub fn ensure_wasm_bindgen_test_runner(env: &Env) -> R<()> {
    if env.which("wasm-bindgen-test-runner").is_some() {
        Ok(())
    } else {
        Err("wasm-bindgen-test-runner is missing although wasm-bindgen-cli is installed".into())
    }
}

/// Install the npm package `spec` (`name@version`) into `.tools/`, with Node.js and npm first
/// when they are missing.
fn npm_install(env: &Env, root: &Path, spec: &str) -> R<()> {
    if env.which("npm").is_none() || env.which("node").is_none() {
        apt_install(
            &["nodejs", "npm"],
            &format!("Node.js with npm (for npm {spec})"),
        )?;
    }
    step(&format!("installing npm {spec} into .tools/"));
    let tools = root.join(".tools");
    std::fs::create_dir_all(&tools).map_err(|e| e.to_string())?;
    run(env
        .command("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&tools)
        .arg(spec))
}

/// wasm-opt from the npm package binaryen@132, into `.tools/` (Debian's binaryen is too old).
pub fn ensure_wasm_opt(env: &Env, root: &Path) -> R<()> {
    let local = root.join(".tools/node_modules/.bin/wasm-opt");
    let ok = |env: &Env| {
        env.version_of(&local.to_string_lossy(), &["--version"])
            .is_some_and(|v| v.starts_with(&format!("wasm-opt version {WASM_OPT_VERSION}")))
    };
    if local.exists() && ok(env) {
        return Ok(());
    }
    npm_install(env, root, BINARYEN_NPM)?;
    if ok(env) {
        Ok(())
    } else {
        Err(format!(
            "{} does not report version {WASM_OPT_VERSION}",
            local.display()
        ))
    }
}

/// axe-core's browser script (npm axe-core at [`AXE_VERSION`], into `.tools/`), for the
/// end-to-end accessibility test; returns its path.
pub fn ensure_axe(env: &Env, root: &Path) -> R<PathBuf> {
    let dir = root.join(".tools/node_modules/axe-core");
    let js = dir.join("axe.min.js");
    let installed = || {
        std::fs::read_to_string(dir.join("package.json"))
            .is_ok_and(|p| p.contains(&format!("\"version\": \"{AXE_VERSION}\"")))
            && js.exists()
    };
    if !installed() {
        npm_install(env, root, &format!("axe-core@{AXE_VERSION}"))?;
    }
    if installed() {
        Ok(js)
    } else {
        Err(format!("{} is missing after npm install", js.display()))
    }
}

/// Everything `trunk build`/`serve` needs; `release` adds wasm-opt.
pub fn ensure_build_tools(root: &Path, release: bool) -> R<Env> {
    let env = Env::new(root);
    ensure_wasm_target(&env)?;
    ensure_wasm_bindgen(&env, root)?;
    ensure_trunk(&env)?;
    if release {
        ensure_wasm_opt(&env, root)?;
    }
    Ok(env)
}

/// Headless Chromium and its driver.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Browser {
    /// Tell the runners where the browser is (wasm-bindgen-test-runner reads CHROMEDRIVER), and
    /// give wasm-bindgen-test-runner time: its default limit of 20 s is for the whole suite's
    /// output, which takes 12-16 s here on an idle machine and timed out on a busy one (a
    /// limit, not a measurement: the tests themselves never wait on real time). An explicit
    /// WASM_BINDGEN_TEST_TIMEOUT / WASM_BINDGEN_TEST_DRIVER_TIMEOUT in the environment wins.
    pub fn apply(&self, c: &mut Command) {
        c.env("CHROMEDRIVER", &self.chromedriver)
            .env("CHROMIUM", &self.chromium);
        for (var, secs) in [
            ("WASM_BINDGEN_TEST_TIMEOUT", "600"),
            ("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", "60"),
        ] {
            if std::env::var_os(var).is_none() {
                c.env(var, secs);
            }
        }
    }
}

fn find_in(candidates: &[&str], var: &str) -> Option<PathBuf> {
    if let Some(v) = std::env::var_os(var) {
        let p = PathBuf::from(v);
        if is_executable(&p) {
            return Some(p);
        }
    }
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| is_executable(p))
}

pub fn ensure_browser() -> R<Browser> {
    let find = || {
        (
            find_in(
                &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
                "CHROMIUM",
            ),
            find_in(&["/usr/bin/chromedriver"], "CHROMEDRIVER"),
        )
    };
    if let (Some(chromium), Some(chromedriver)) = find() {
        return Ok(Browser {
            chromium,
            chromedriver,
        });
    }
    apt_install(
        &["chromium", "chromium-driver"],
        "Chromium and ChromeDriver (for the browser tests)",
    )?;
    match find() {
        (Some(chromium), Some(chromedriver)) => Ok(Browser {
            chromium,
            chromedriver,
        }),
        _ => Err("chromium or chromedriver still not found after apt-get install".into()),
    }
}

/// A Python venv in target/e2e-venv with tests/e2e/requirements.txt installed; returns its python.
pub fn ensure_e2e_venv(root: &Path) -> R<PathBuf> {
    let venv = root.join("target/e2e-venv");
    let py = venv.join("bin/python");
    let req = root.join("tests/e2e/requirements.txt");
    let stamp = venv.join(".requirements.installed");
    let want =
        std::fs::read_to_string(&req).map_err(|e| format!("reading {}: {e}", req.display()))?;
    if py.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(py);
    }
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        })
        .ok_or(
            "python3 is missing: install Python 3 (Debian: apt-get install python3 python3-venv)",
        )?;
    step("creating the end-to-end test venv (target/e2e-venv: selenium, pytest)");
    if !py.exists() && run(Command::new(python).args(["-m", "venv"]).arg(&venv)).is_err() {
        let _ = std::fs::remove_dir_all(&venv);
        apt_install(&["python3-venv"], "Python's venv module")?;
        run(Command::new(python).args(["-m", "venv"]).arg(&venv))?;
    }
    run(Command::new(&py)
        .args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&req))?;
    std::fs::write(&stamp, want).map_err(|e| e.to_string())?;
    Ok(py)
}
