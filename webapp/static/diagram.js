// Draws the workflow diagram(s) from the Mermaid text the server put in <pre class="mermaid">.
(function () {
  "use strict";
  if (!window.mermaid) return;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral",
                              fontFamily: "system-ui, Arial, sans-serif", fontSize: 16,
                              state: { useMaxWidth: true, nodeSpacing: 30, rankSpacing: 40 } });
  window.mermaid.run({ querySelector: "pre.mermaid" }).then(function () {
    document.body.setAttribute("data-diagram", "ready");
  });
})();
