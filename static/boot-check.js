// Loaded as a classic script (no module, no integrity check), so it runs even where the app's
// own files are refused: in a frame sandboxed without allow-same-origin, the page has no origin
// and every file is cross-origin, which works only when the host sends
// Access-Control-Allow-Origin (see README, "Embedding"). If the app has not replaced the loading
// note after 10 s, say what may be wrong instead of "Loading..." forever.
(function () {
  "use strict";
  setTimeout(function () {
    var boot = document.getElementById("boot");
    if (!boot || boot.querySelector(".boot-help")) return; // the app is up (it empties <body>)
    var p = document.createElement("p");
    p.className = "boot-help";
    if (self.origin === "null") {
      var loading = boot.querySelectorAll("p")[1]; // "Loading the course..." will not come true
      if (loading) boot.removeChild(loading);
      p.appendChild(document.createTextNode(
        "This picture could not start here: the page around it runs it in a sandbox, where the " +
        "browser refuses its files. The iframe needs sandbox=\"allow-scripts allow-same-origin\", " +
        "or the site must send Access-Control-Allow-Origin: *. "));
      var a = document.createElement("a");
      a.href = location.href;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = "Open it on its own";
      p.appendChild(a);
    } else {
      p.textContent = "This is taking longer than it should. If nothing appears, check your " +
        "connection and reload the page.";
    }
    boot.appendChild(p);
  }, 10000);
})();
