// Auto-size Await & See iframes from the height messages they post.
// Copy this into your own page (or an inline <script> if your CSP allows it).
(function () {
  "use strict";
  // Example page only: ?viz=<id> picks the visualisation to embed.
  var viz = new URLSearchParams(location.search).get("viz");
  var demo = document.getElementById("await-and-see");
  if (demo && viz) demo.src = "./#/embed/" + encodeURIComponent(viz);

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
