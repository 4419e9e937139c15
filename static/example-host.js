// Auto-size Await & See iframes from the height messages they post.
// Copy this into your own page (or an inline <script> if your CSP allows it).
(function () {
  "use strict";
  // Example page only: ?viz=<id> picks the visualisation to embed.
  var viz = new URLSearchParams(location.search).get("viz");
  var demo = document.getElementById("await-and-see");
  if (demo && viz) {
    // A fresh iframe with the right address from the start. Changing the `src` of the one in
    // the HTML only changes the fragment of an address it may still be loading, and under load
    // Chromium sometimes kept the first one (`ports`).
    var frame = demo.cloneNode(false);
    frame.src = "./#/embed/" + encodeURIComponent(viz);
    demo.parentNode.replaceChild(frame, demo);
  }

  // Await & See frames only (their address has "#/embed/"): another frame on the page cannot
  // use this script to resize itself.
  function ours(frame) {
    return /#\/embed\//.test(frame.getAttribute("src") || "");
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "await-and-see:height") return;
    if (typeof data.height !== "number" || !isFinite(data.height)) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      // Only the iframe that sent it, and only from the origin it was loaded from (a frame
      // sandboxed without allow-same-origin has none: it posts as "null").
      if (frame.contentWindow !== event.source || !ours(frame)) continue;
      var opaque = frame.sandbox.length > 0 && !frame.sandbox.contains("allow-same-origin");
      if (event.origin !== (opaque ? "null" : new URL(frame.src, location.href).origin)) continue;
      var px = Math.max(0, Math.min(Math.ceil(data.height), 10000));
      frame.style.height = px + "px";
      frame.setAttribute("data-sized", String(px));
    }
  });

  // Frames that loaded before this script ran have posted their height already: ask again.
  var all = document.getElementsByTagName("iframe");
  for (var j = 0; j < all.length; j++) {
    if (ours(all[j]) && all[j].contentWindow) {
      all[j].contentWindow.postMessage({ type: "await-and-see:request-height" }, "*");
    }
  }
})();
