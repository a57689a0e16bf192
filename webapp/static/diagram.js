// Draws the workflow diagram(s) from the Mermaid text the server put in <pre class="mermaid">.
(function () {
  "use strict";
  if (!window.mermaid) return;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral",
                              fontFamily: "system-ui, Arial, sans-serif" });
  window.mermaid.run({ querySelector: "pre.mermaid" }).then(function () {
    document.body.setAttribute("data-diagram", "ready");
  });
})();
