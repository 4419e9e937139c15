// The crash banner in plain JS, so it works when the wasm side is dead: shown by the Rust panic hook
// (banner.rs) or, in builds that trap on panic, on an uncaught WebAssembly.RuntimeError.
const BANNER_ID = "panic-banner";

export function showCrashBanner(message) {
  if (document.getElementById(BANNER_ID) || !document.body) return;
  const banner = document.createElement("div");
  banner.id = BANNER_ID;
  banner.className = "panic-banner";
  banner.setAttribute("role", "alert");
  const p = document.createElement("p");
  p.textContent = "Something broke on this page and it stopped responding. Reloading usually fixes it.";
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = "Technical details";
  const pre = document.createElement("pre");
  pre.textContent = message;
  details.append(summary, pre);
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Reload";
  button.addEventListener("click", () => location.reload());
  banner.append(p, details, button);
  document.body.prepend(banner);
  button.focus();
}

function isTrap(e) {
  return typeof WebAssembly !== "undefined" && e instanceof WebAssembly.RuntimeError;
}

function onTrap(e) {
  console.error("Await & See crashed:", e);
  showCrashBanner(e.stack || String(e));
}

let installed = false;

// Listen for traps (idempotent; called once at start-up).
export function installCrashBanner() {
  if (installed) return;
  installed = true;
  addEventListener("error", (ev) => { if (isTrap(ev.error)) onTrap(ev.error); });
  addEventListener("unhandledrejection", (ev) => { if (isTrap(ev.reason)) onTrap(ev.reason); });
}
