/*
 * <lingosum-summary>: English and Chinese summaries of the story on a CMS page, streamed from a
 * lingosum server. One file, no framework, no build step; served at /widget/lingosum-summary.js.
 *
 *   <script src="https://lingosum.example/widget/lingosum-summary.js" defer></script>
 *   <lingosum-summary source="#body" title-source="#headline" token-url="/cms/lingosum-token">
 *   </lingosum-summary>
 *
 * Attributes: source, title-source (CSS selectors of a textarea, input or contenteditable),
 * targets ("en zh"), length (short | medium | long), endpoint (default: this script's origin),
 * token-url (POSTed to with the page's cookies; answers {"token": "lst_...", "expires_at"}).
 * Property: tokenProvider, an async function giving a bearer credential (overrides token-url).
 * Events (bubbling, composed): lingosum:result {response}, lingosum:insert {target, text}.
 */
(() => {
  "use strict";

  const SCRIPT_ORIGIN = document.currentScript
    ? new URL(document.currentScript.src, location.href).origin
    : location.origin;
  const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language" });
  const TARGET_NAMES = { en: "English", zh: "Chinese (Simplified)", "zh-Hans": "Chinese (Simplified)", "zh-Hant": "Chinese (Traditional)" };

  const STYLE = `
    :host { display: block; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
      color: var(--lingosum-text, #1f2933); --accent: var(--lingosum-accent, #0b5cad); }
    [hidden] { display: none !important; }
    .box { border: 1px solid #d5dbe1; border-radius: 8px; background: #fff; overflow: hidden; }
    header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid #e4e8ec; background: #f7f9fb; }
    header h2 { font-size: 14px; margin: 0; flex: 1; font-weight: 600; }
    button { font: inherit; border-radius: 6px; border: 1px solid #b8c2cc; background: #fff; color: inherit;
      padding: 4px 10px; cursor: pointer; }
    button:hover:not(:disabled) { background: #eef3f8; }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    button:disabled { opacity: .5; cursor: default; }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    button.primary:hover:not(:disabled) { filter: brightness(1.1); background: var(--accent); }
    .stale { background: #fff4d6; color: #8a5a00; border: 1px solid #f0d48a; border-radius: 10px; padding: 0 8px; font-size: 12px; }
    .status { padding: 8px 12px; font-size: 13px; color: #52606d; border-bottom: 1px solid #e4e8ec; min-height: 1.5em; }
    .status .lang { font-weight: 600; color: #1f2933; }
    .error { margin: 10px 12px; padding: 8px 10px; border-radius: 6px; background: #fdecec; color: #9b1c1c; border: 1px solid #f5c2c2; }
    .panes { display: grid; gap: 0; }
    section { padding: 10px 12px; border-bottom: 1px solid #eef1f4; }
    section:last-child { border-bottom: 0; }
    .pane-head { display: flex; align-items: center; gap: 8px; margin-bottom: 4px; }
    .pane-head h3 { font-size: 13px; margin: 0; flex: 1; text-transform: uppercase; letter-spacing: .04em; color: #52606d; }
    .state { font-size: 12px; color: #7b8794; }
    .state.final { color: #1e7b34; font-weight: 600; }
    .text { min-height: 3em; white-space: pre-wrap; }
    .text.draft { color: #52606d; }
    .text.draft::after { content: "▍"; color: var(--accent); animation: blink 1s steps(1) infinite; }
    @keyframes blink { 50% { opacity: 0; } }
    .checks { margin: 6px 0 0; padding: 0; list-style: none; font-size: 12px; color: #8a5a00; }
    .checks li::before { content: "⚠ "; }
    .checks li.ok { color: #1e7b34; }
    .checks li.ok::before { content: "✓ "; }
    .actions { display: flex; gap: 6px; margin-top: 8px; }
  `;

  class LingosumSummary extends HTMLElement {
    static get observedAttributes() { return ["source", "title-source", "targets"]; }

    constructor() {
      super();
      this.tokenProvider = null;
      this._token = null;
      this._run = null;
      this._summarized = null;
      this._panes = new Map();
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML = `<style>${STYLE}</style>
        <div class="box" part="container">
          <header part="header">
            <h2 part="heading">Summaries</h2>
            <span class="stale" part="stale" hidden title="The story changed after it was summarized">Stale</span>
            <button class="primary" part="button summarize-button" type="button">Summarize</button>
            <button part="button stop-button" type="button" hidden>Stop</button>
          </header>
          <div class="status" part="status" role="status" aria-live="polite" aria-atomic="true"></div>
          <div class="error" part="error" role="alert" hidden></div>
          <div class="panes" part="panes"></div>
        </div>`;
      this._summarize = root.querySelector('[part~="summarize-button"]');
      this._stop = root.querySelector('[part~="stop-button"]');
      this._stale = root.querySelector('[part="stale"]');
      this._status = root.querySelector('[part="status"]');
      this._error = root.querySelector('[part="error"]');
      this._panesBox = root.querySelector('[part="panes"]');
      this._summarize.addEventListener("click", () => this.summarize());
      this._stop.addEventListener("click", () => this.stop());
      this._onInput = () => this._checkStale();
    }

    connectedCallback() { this._buildPanes(); this._watchSources(); }
    disconnectedCallback() { this.stop(); this._unwatchSources(); }
    attributeChangedCallback() {
      if (!this.isConnected) return;
      this._buildPanes();
      this._watchSources();
    }

    get targets() {
      return (this.getAttribute("targets") || "en zh").split(/[\s,]+/).filter(Boolean);
    }
    get endpoint() { return (this.getAttribute("endpoint") || SCRIPT_ORIGIN).replace(/\/+$/, ""); }

    /** Starts a run (or a new one); resolves when it ends. */
    async summarize() {
      this.stop();
      const story = this._story();
      if (!story.text.trim()) {
        this._showError("There is no story text to summarize yet.");
        return;
      }
      const run = { controller: new AbortController(), started: performance.now(), story };
      this._run = run;
      this._setRunning(true);
      this._showError(null);
      this._buildPanes();
      this._say("Sending the story…");
      try {
        await this._stream(run);
      } catch (error) {
        if (run.controller.signal.aborted) this._say("Stopped.");
        else this._showError(error.userMessage || `Could not reach the summary service at ${this.endpoint}, or it does not accept requests from this page.`);
      } finally {
        if (this._run === run) { this._run = null; this._setRunning(false); }
      }
    }

    stop() {
      if (this._run) { this._run.controller.abort(); this._run = null; this._setRunning(false); }
    }

    async _stream(run) {
      const headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
      const credential = await this._credential();
      if (credential) headers.Authorization = `Bearer ${credential}`;
      const body = { text: run.story.text, targets: this.targets, length: this.getAttribute("length") || "medium" };
      if (run.story.title.trim()) body.title = run.story.title;
      const response = await fetch(`${this.endpoint}/v1/summarize`, {
        method: "POST", headers, body: JSON.stringify(body), signal: run.controller.signal, mode: "cors",
      });
      if (!response.ok) throw await httpError(response);
      for await (const { event, data } of readEvents(response.body)) this._handle(run, event, JSON.parse(data));
    }

    _handle(run, event, data) {
      if (event === "detected") {
        const name = languageName(data.source_language);
        this._language = `<span class="lang">${escapeHtml(name)}</span> detected (${Math.round(data.confidence * 100)}% sure)`;
        this._say(`${this._language}. The model is reading the story…`, true);
      } else if (event === "queued") {
        const ahead = data.position === 1 ? "1 request is" : `${data.position} requests are`;
        const where = data.position ? `In line: ${ahead} ahead of this one.` : "The model is reading the story…";
        this._say(`${this._language ? this._language + ". " : ""}${where}`, true);
      } else if (event === "delta") {
        const pane = this._panes.get(data.target);
        if (!pane || pane.final) return;
        if (pane.draft !== data.draft) { pane.draft = data.draft; pane.text.textContent = ""; }
        pane.text.textContent += data.text;
        pane.text.classList.add("draft");
        pane.section.setAttribute("aria-busy", "true");
        pane.state.textContent = data.draft > 1 ? `Revising (draft ${data.draft})…` : "Writing draft…";
        this._say(`${this._language ? this._language + ". " : ""}Writing the ${pane.name} summary…`, true);
      } else if (event === "summary") {
        this._showFinal(data);
      } else if (event === "done") {
        this._summarized = run.story;
        this._checkStale();
        const seconds = ((performance.now() - run.started) / 1000).toFixed(1);
        this._say(`${this._language ? this._language + ". " : ""}Done in ${seconds} s.`, true);
        this._summarize.textContent = "Regenerate";
        this.dispatchEvent(new CustomEvent("lingosum:result", { detail: data, bubbles: true, composed: true }));
      } else if (event === "error") {
        this._showError(`The summary failed: ${data.message}`);
      }
    }

    _showFinal(summary) {
      const pane = this._panes.get(summary.target);
      if (!pane) return;
      pane.final = summary;
      pane.text.textContent = summary.text;
      pane.text.classList.remove("draft");
      pane.section.removeAttribute("aria-busy");
      pane.state.textContent = "Final";
      pane.state.classList.add("final");
      const notes = [...summary.warnings];
      const checks = summary.checks || {};
      if (checks.unsupported_numbers?.length) notes.push(`Numbers the article does not state: ${checks.unsupported_numbers.join(", ")}`);
      if (checks.unsupported_names?.length) notes.push(`Names to verify: ${checks.unsupported_names.join(", ")}`);
      if (checks.untranslated?.length) notes.push(`Left untranslated: ${checks.untranslated.join(", ")}`);
      pane.checks.innerHTML = notes.length
        ? notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("")
        : `<li class="ok">Numbers and names checked against the article</li>`;
      pane.copy.disabled = pane.insert.disabled = false;
      this._say(`The ${pane.name} summary is final.`, true);
    }

    _buildPanes() {
      if (this._run) return;
      this._panes.clear();
      this._panesBox.textContent = "";
      for (const target of this.targets) {
        const name = TARGET_NAMES[target] || languageName(target);
        const section = document.createElement("section");
        section.setAttribute("part", "pane");
        section.setAttribute("aria-label", `${name} summary`);
        section.dataset.target = target;
        section.innerHTML = `<div class="pane-head"><h3 part="pane-title"></h3><span class="state" part="pane-state">Not summarized yet</span></div>
          <div class="text" part="text" lang="${escapeHtml(target)}"></div>
          <ul class="checks" part="checks"></ul>
          <div class="actions"><button part="button copy-button" type="button" disabled>Copy</button>
          <button part="button insert-button" type="button" disabled>Insert</button></div>`;
        section.querySelector("h3").textContent = name;
        const pane = {
          name, section, draft: 0, final: null,
          text: section.querySelector('[part="text"]'),
          state: section.querySelector('[part="pane-state"]'),
          checks: section.querySelector('[part="checks"]'),
          copy: section.querySelector('[part~="copy-button"]'),
          insert: section.querySelector('[part~="insert-button"]'),
        };
        pane.copy.setAttribute("aria-label", `Copy the ${name} summary`);
        pane.insert.setAttribute("aria-label", `Insert the ${name} summary`);
        pane.copy.addEventListener("click", () => this._copy(pane));
        pane.insert.addEventListener("click", () => this.dispatchEvent(new CustomEvent("lingosum:insert", {
          detail: { target, text: pane.final.text }, bubbles: true, composed: true,
        })));
        this._panes.set(target, pane);
        this._panesBox.append(section);
      }
    }

    async _copy(pane) {
      try {
        await navigator.clipboard.writeText(pane.final.text);
        this._say(`Copied the ${pane.name} summary.`, false);
      } catch {
        this._say("Copying was refused by the browser; select the text instead.", false);
      }
    }

    async _credential() {
      if (this.tokenProvider) return this.tokenProvider();
      const url = this.getAttribute("token-url");
      if (!url) return null;
      if (this._token && this._token.expires - Date.now() > 30_000) return this._token.value;
      let response;
      try {
        response = await fetch(url, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } });
      } catch {
        throw withMessage(`Could not get a token from ${url}.`);
      }
      if (!response.ok) throw await httpError(response);
      const body = await response.json();
      this._token = { value: body.token, expires: Date.parse(body.expires_at) || Date.now() + 60_000 };
      return body.token;
    }

    _story() {
      return { text: readField(this.getAttribute("source")), title: readField(this.getAttribute("title-source")) };
    }

    _watchSources() {
      this._unwatchSources();
      this._watched = ["source", "title-source"]
        .map((name) => this.getAttribute(name) && document.querySelector(this.getAttribute(name)))
        .filter(Boolean);
      for (const element of this._watched) element.addEventListener("input", this._onInput);
    }

    _unwatchSources() {
      for (const element of this._watched || []) element.removeEventListener("input", this._onInput);
      this._watched = [];
    }

    _checkStale() {
      const now = this._story();
      const stale = Boolean(this._summarized) && (now.text !== this._summarized.text || now.title !== this._summarized.title);
      if (stale !== !this._stale.hidden) {
        this._stale.hidden = !stale;
        if (stale) this._say("The story changed after it was summarized: the summaries are stale.", false);
      }
    }

    _setRunning(running) {
      this._summarize.disabled = running;
      this._stop.hidden = !running;
      this.toggleAttribute("busy", running);
    }

    _say(html, isHtml) {
      if (isHtml) this._status.innerHTML = html;
      else this._status.textContent = html;
    }

    _showError(message) {
      this._error.hidden = !message;
      this._error.textContent = message || "";
      if (message) this._say("", false);
    }
  }

  /** Server-Sent Events from a fetch body: yields {event, data}; comments are skipped. */
  async function* readEvents(stream) {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (!line || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = text;
          else if (field === "data") data.push(text);
        }
        if (data.length) yield { event, data: data.join("\n") };
      }
    }
  }

  async function httpError(response) {
    let message = "";
    try { message = (await response.json()).error.message; } catch { /* not our JSON */ }
    const wait = retryAfter(response);
    const words = {
      401: `Not signed in to the summary service (401). ${message}`,
      403: `This page is not allowed to use the summary service (403). ${message}`,
      413: `The story is too long to summarize (413). ${message}`,
      422: `The summary service could not take this story (422). ${message}`,
      429: `Too many requests (429): try again in ${wait ?? "a few"} seconds. ${message}`,
      503: `The summary models are still loading (503): try again in ${wait ?? "a few"} seconds.`,
    }[response.status] || `The summary service answered ${response.status}. ${message}`;
    return withMessage(words.trim());
  }

  function retryAfter(response) {
    const value = response.headers.get("Retry-After");
    if (!value) return null;
    const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
    return Number.isFinite(seconds) ? Math.max(seconds, 1) : null;
  }

  function withMessage(message) { const error = new Error(message); error.userMessage = message; return error; }

  function readField(selector) {
    const element = selector && document.querySelector(selector);
    if (!element) return "";
    return "value" in element && element.tagName !== "DIV" ? element.value : element.innerText;
  }

  function languageName(code) {
    try { return LANGUAGE_NAMES.of(code) || code; } catch { return code; }
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  if (!customElements.get("lingosum-summary")) customElements.define("lingosum-summary", LingosumSummary);
})();
