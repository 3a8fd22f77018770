// The demo page: a story editor in miniature beside <lingosum-summary>.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const SAMPLE_HEADLINE = "Abe and Trump speak by phone before third round of U.S.-Japan trade talks";
  const component = $("summary");
  const key = $("api-key");

  // Same origin: the page may send a key the user types; it is never stored.
  component.tokenProvider = async () => key.value.trim() || null;

  function countWords() {
    const words = $("body").value.trim().split(/\s+/).filter(Boolean).length;
    $("count").textContent = `${words} word${words === 1 ? "" : "s"}`;
  }
  function changed(element) { element.dispatchEvent(new Event("input", { bubbles: true })); }

  $("body").addEventListener("input", countWords);
  $("load-sample").addEventListener("click", async () => {
    const response = await fetch("/demo/sample-article.en.txt");
    $("headline").value = SAMPLE_HEADLINE;
    $("body").value = (await response.text()).trim();
    changed($("headline"));
    changed($("body"));
  });
  $("clear").addEventListener("click", () => {
    $("headline").value = $("body").value = "";
    changed($("headline"));
    changed($("body"));
  });

  // The CMS decides which field a summary goes to, and never overwrites what a person wrote.
  const fields = { en: $("standfirst-en"), zh: $("standfirst-zh") };
  component.addEventListener("lingosum:insert", (event) => {
    const field = fields[event.detail.target];
    if (!field) return;
    if (field.value.trim() && field.dataset.inserted !== field.value) {
      $("insert-note").textContent = "That field has text someone wrote; it was left as it is.";
      return;
    }
    field.value = field.dataset.inserted = event.detail.text;
    $("insert-note").textContent = `Inserted the ${event.detail.target === "en" ? "English" : "Chinese"} summary.`;
  });

  component.addEventListener("lingosum:result", (event) => {
    const route = event.detail.route;
    const rows = route.map((step) => {
      const languages = step.source && step.target ? `${step.source} → ${step.target}` : "";
      const tokens = step.prompt_tokens || step.completion_tokens ? `${step.prompt_tokens} / ${step.completion_tokens}` : "";
      const cells = [step.stage, languages, tokens, `${(step.ms / 1000).toFixed(2)} s`];
      const row = document.createElement("tr");
      cells.forEach((text, i) => {
        const cell = document.createElement("td");
        cell.textContent = text;
        if (i >= 2) cell.className = "num";
        row.append(cell);
      });
      return row;
    });
    $("timings").replaceChildren(...rows);
    const total = route.reduce((sum, step) => sum + step.ms, 0) / 1000;
    $("timings-total").textContent = `${total.toFixed(1)} s in the models and checks`;
    $("timings-card").hidden = false;
  });

  // A 401 means this server wants a key: open the key field.
  new MutationObserver(() => {
    const error = component.shadowRoot.querySelector('[part="error"]');
    if (error && !error.hidden && error.textContent.includes("(401)")) {
      $("access").open = true;
      key.focus();
    }
  }).observe(component.shadowRoot, { subtree: true, childList: true, characterData: true, attributes: true });
  countWords();
})();
