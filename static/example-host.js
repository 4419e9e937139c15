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

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "await-and-see:height" || typeof data.height !== "number") return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      // Only the iframe that sent it, and only from the origin it was loaded from.
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) continue;
      var px = Math.max(0, Math.min(Math.ceil(data.height), 10000));
      frame.style.height = px + "px";
      frame.setAttribute("data-sized", String(px));
    }
  });
})();
