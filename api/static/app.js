// The intake and review pages. No framework, no build step: DOM calls only, and user text is
// only ever set as textContent, never parsed as HTML.
"use strict";

const KEY_STORE = "rfp-api-key";
const REVIEWER_STORE = "rfp-reviewer";

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name in node) node[name] = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const $ = (id) => document.getElementById(id);
const percent = (p) => `${Math.round(p * 100)}%`;

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function showKeyPanel() {
  $("key-panel").hidden = false;
}

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) headers.set("X-API-Key", key);
  const response = await fetch(path, { ...options, headers });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.status === 401) showKeyPanel();
  if (!response.ok) {
    const message = body && body.detail ? `${body.title}: ${body.detail}` : `HTTP ${response.status}`;
    throw new ApiError(message, response.status);
  }
  return body;
}

function setStatus(node, message, kind = "") {
  node.textContent = message;
  node.className = `status ${kind}`.trim();
}

// -- taxonomy -------------------------------------------------------------------------------
let taxonomy = null;

async function loadTaxonomy() {
  taxonomy = await api("/v1/taxonomy");
  return taxonomy;
}

const serviceName = (id) => (taxonomy.services.find((s) => s.id === id) || { name: id }).name;
const stageName = (id) => (taxonomy.stages.find((s) => s.id === id) || { name: id }).name;

function serviceCheckboxes(container, name, checked = []) {
  container.replaceChildren(...taxonomy.services.map((s) => el("label", {},
    el("input", { type: "checkbox", name, value: s.id, checked: checked.includes(s.id) }),
    el("span", {}, s.name))));
}

function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) =>
    el("option", { value, selected: value === selected }, label)));
}

// -- evidence highlighting ------------------------------------------------------------------
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function findSentence(text, sentence) {
  const exact = text.indexOf(sentence);
  if (exact >= 0) return [exact, exact + sentence.length];
  // The classifier normalises whitespace; match the words with any spacing between them.
  const words = sentence.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const match = new RegExp(words.map(escapeRegExp).join("\\s+")).exec(text);
  return match ? [match.index, match.index + match[0].length] : null;
}

// marks: [{sentence, label}]; the text is shown with every sentence found wrapped in <mark>.
function renderHighlighted(container, text, marks) {
  const spans = new Map();
  for (const { sentence, label } of marks) {
    const span = findSentence(text, sentence);
    if (!span) continue;
    const key = span.join(":");
    if (!spans.has(key)) spans.set(key, { start: span[0], end: span[1], labels: [] });
    if (!spans.get(key).labels.includes(label)) spans.get(key).labels.push(label);
  }
  const ordered = [...spans.values()].sort((a, b) => a.start - b.start);
  const nodes = [];
  let at = 0;
  for (const span of ordered) {
    if (span.start < at) continue; // overlaps the previous mark
    nodes.push(text.slice(at, span.start));
    const title = `Evidence for ${span.labels.join(", ")}`;
    nodes.push(el("mark", { title, dataset: { services: span.labels.join(", ") } },
      text.slice(span.start, span.end)));
    at = span.end;
  }
  nodes.push(text.slice(at));
  container.replaceChildren(...nodes);
  return ordered.length;
}

function evidenceMarks(classification) {
  return classification.services.flatMap((s) => s.evidence.map((sentence) => ({ sentence, label: s.name })));
}

// -- API key panel ---------------------------------------------------------------------------
function initKeyPanel(onKey) {
  const input = $("api-key");
  const stored = sessionStorage.getItem(KEY_STORE);
  if (stored) {
    input.value = stored;
    showKeyPanel();
  }
  input.addEventListener("change", () => {
    sessionStorage.setItem(KEY_STORE, input.value.trim());
    onKey();
  });
}

// -- intake page -------------------------------------------------------------------------------
function initIntake() {
  const form = $("intake-form");
  const status = $("status");
  const files = $("attachments");
  const zone = $("drop-zone");

  async function prepare() {
    try {
      await loadTaxonomy();
    } catch (error) {
      setStatus(status, error.message, "error");
      return;
    }
    serviceCheckboxes($("declared-service-list"), "services");
    $("phase-options").replaceChildren(...taxonomy.stages
      .filter((s) => s.id !== "unspecified").map((s) => el("option", { value: s.name })));
    setStatus(status, "");
  }

  function listFiles() {
    $("file-list").replaceChildren(...[...files.files].map((f) =>
      el("li", {}, `${f.name} (${Math.max(1, Math.round(f.size / 1024))} KB)`)));
  }

  files.addEventListener("change", listFiles);
  // A file dropped beside the zone must not make the browser leave the page to open it.
  for (const type of ["dragover", "drop"]) window.addEventListener(type, (event) => event.preventDefault());
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const merged = new DataTransfer();
    for (const f of [...files.files, ...event.dataTransfer.files]) merged.items.add(f);
    files.files = merged.files;
    listFiles();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!taxonomy) await prepare();
    const description = $("description").value;
    if (!description.trim() && !files.files.length && !$("title").value.trim()) {
      setStatus(status, "Paste the request text or attach a document first.", "error");
      $("description").focus();
      return;
    }
    const data = new FormData();
    for (const name of ["title", "description", "requester", "modality", "phase"]) {
      data.append(name, $(name).value);
    }
    for (const box of form.querySelectorAll("input[name=services]:checked")) data.append("services", box.value);
    for (const f of files.files) data.append("attachments", f, f.name);
    const button = $("submit");
    button.disabled = true;
    setStatus(status, "Classifying…");
    try {
      const answer = await api("/v1/intake", { method: "POST", body: data });
      showResult(answer, description);
      setStatus(status, `Stored as request #${answer.request_id}.`, "ok");
    } catch (error) {
      setStatus(status, error.message, "error");
    } finally {
      button.disabled = false;
    }
  });

  initKeyPanel(prepare);
  prepare();
}

function showResult(answer, pastedText) {
  const c = answer.classification;
  const section = $("result");
  section.hidden = false;
  $("result-meta").replaceChildren(`Request #${answer.request_id} · model ${c.model.version}`,
    c.document ? ` · ${c.document.characters.toLocaleString()} characters read from ${c.document.sources.length} part(s)` : "",
    " · ", el("a", { href: "/review" }, "review queue"));

  $("provider-type").textContent = `${c.provider.type} (${percent(c.provider.confidence)})`;
  $("provider-reasons").replaceChildren(...c.provider.reasons.map((r) => el("li", {}, r)));

  $("stage-value").textContent = stageName(answer.stage);
  $("stage-source").textContent = answer.stage_source === "declared"
    ? `From the declared phase "${answer.declared.phase}": the text does not say.`
    : `From the text (${percent(c.stage.confidence)}).`;
  $("stage-evidence").replaceChildren(...c.stage.evidence.map((e) => el("li", {}, e)));

  const notes = [...answer.disagreements, ...answer.warnings, ...c.warnings];
  $("disagreements-panel").hidden = notes.length === 0;
  $("disagreements").replaceChildren(...notes.map((d) => el("li", {}, d)));

  const services = $("services");
  if (!c.services.length) {
    services.replaceChildren(el("li", {}, "No outsourced service requested."));
  } else {
    services.replaceChildren(...c.services.map((s) => el("li", { dataset: { service: s.id } },
      el("span", { class: "name" }, s.name),
      el("span", { class: "score" }, percent(s.score)),
      ...s.evidence.map((e, i) => el("blockquote", {}, e,
        s.sources[i] ? el("span", { class: "source" }, ` (${s.sources[i]})`) : null)))));
  }

  const panel = $("highlight-panel");
  panel.hidden = !pastedText.trim();
  if (pastedText.trim()) renderHighlighted($("highlighted"), pastedText, evidenceMarks(c));
  section.focus();
}

// -- review page -----------------------------------------------------------------------------
function initReview() {
  const filters = $("filters");
  const listStatus = $("list-status");
  const state = { page: 1, pages: 1, current: null };

  async function prepare() {
    try {
      await loadTaxonomy();
    } catch (error) {
      setStatus(listStatus, error.message, "error");
      return;
    }
    const any = [["", "Any"]];
    fillSelect($("f-provider"), any.concat(taxonomy.provider_types.map((p) => [p.id, p.id])), "");
    fillSelect($("f-service"), any.concat(taxonomy.services.map((s) => [s.id, s.name])), "");
    fillSelect($("f-stage"), any.concat(taxonomy.stages.map((s) => [s.id, s.name])), "");
    await loadList();
  }

  async function loadList() {
    const query = new URLSearchParams({ page: state.page, page_size: 20 });
    for (const [name, value] of new FormData(filters)) if (value) query.set(name, value);
    setStatus(listStatus, "Loading…");
    try {
      const page = await api(`/v1/requests?${query}`);
      state.pages = Math.max(1, Math.ceil(page.total / page.page_size));
      renderRows(page.items);
      setStatus(listStatus, `${page.total} request(s).`);
      $("page-info").textContent = `Page ${page.page} of ${state.pages}`;
      $("prev").disabled = state.page <= 1;
      $("next").disabled = state.page >= state.pages;
    } catch (error) {
      setStatus(listStatus, error.message, "error");
    }
  }

  function renderRows(items) {
    const cell = (label, ...content) => el("td", { dataset: { label } }, ...content);
    $("requests").tBodies[0].replaceChildren(...items.map((r) => el("tr", { dataset: { id: r.id } },
      cell("#", String(r.id)),
      cell("Submitted", new Date(r.created_at).toLocaleString()),
      cell("Title", el("button", { type: "button", class: "secondary", dataset: { open: r.id } },
        r.title || `Request ${r.id}`)),
      cell("Provider", r.labels.provider_type),
      cell("Stage", stageName(r.labels.stage)),
      cell("Services", r.labels.services.map(serviceName).join(", ") || "none"),
      cell("Status", el("span", { class: r.reviewed ? "badge done" : "badge" },
        r.reviewed ? "reviewed" : "awaiting review")))));
  }

  function suggestProvider() {
    // The label contract: the provider type follows from the sides of the services.
    const checked = [...document.querySelectorAll("#review-services input:checked")].map((b) => b.value);
    const sides = new Set(checked.map((id) => taxonomy.services.find((s) => s.id === id).side));
    const provider = sides.size === 0 ? "NONE" : sides.size === 2 ? "CRDMO"
      : sides.has("research") ? "CRO" : "CDMO";
    $("review-provider").value = provider;
    if (provider === "NONE") $("review-stage").value = "unspecified";
  }

  async function openRequest(id) {
    try {
      const r = await api(`/v1/requests/${id}`);
      state.current = r;
      const c = r.result.classification;
      $("detail-heading").textContent = `Request #${r.id}: ${r.title || "untitled"}`;
      const declared = r.form.services.map(serviceName).join(", ") || "none";
      $("detail-meta").textContent = `Submitted ${new Date(r.created_at).toLocaleString()}`
        + (r.requester ? ` by ${r.requester}` : "") + ` · model ${r.model_version}`
        + ` · declared phase: ${r.form.phase || "none"} · declared services: ${declared}`
        + (r.review ? ` · reviewed by ${r.review.reviewed_by}` : "");
      $("detail-disagreements").replaceChildren(...r.result.disagreements.map((d) => el("li", {}, d)));
      renderHighlighted($("detail-text"), r.text, evidenceMarks(c));
      serviceCheckboxes($("review-services"), "review-services", r.labels.services);
      fillSelect($("review-provider"), taxonomy.provider_types.map((p) => [p.id, p.id]), r.labels.provider_type);
      fillSelect($("review-stage"), taxonomy.stages.map((s) => [s.id, s.name]), r.labels.stage);
      $("review-note").value = r.review && r.review.note ? r.review.note : "";
      $("reviewer").value = localStorage.getItem(REVIEWER_STORE) || "";
      setStatus($("review-status"), "");
      $("detail").hidden = false;
      $("detail").focus();
    } catch (error) {
      setStatus(listStatus, error.message, "error");
    }
  }

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    state.page = 1;
    loadList();
  });
  $("prev").addEventListener("click", () => { state.page -= 1; loadList(); });
  $("next").addEventListener("click", () => { state.page += 1; loadList(); });
  $("requests").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-open]");
    if (button) openRequest(button.dataset.open);
  });
  $("review-services").addEventListener("change", suggestProvider);

  $("review-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("review-status");
    const reviewer = $("reviewer").value.trim();
    if (!reviewer) {
      setStatus(status, "Give your name or e-mail as reviewer.", "error");
      $("reviewer").focus();
      return;
    }
    localStorage.setItem(REVIEWER_STORE, reviewer);
    const body = {
      reviewer,
      services: [...document.querySelectorAll("#review-services input:checked")].map((b) => b.value),
      provider_type: $("review-provider").value,
      stage: $("review-stage").value,
      note: $("review-note").value.trim() || null,
    };
    try {
      const saved = await api(`/v1/requests/${state.current.id}/review`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const when = new Date(saved.review.reviewed_at).toLocaleString();
      setStatus(status, `Saved: ${saved.review.confirmed ? "confirmed" : "corrected"} by `
        + `${saved.review.reviewed_by} at ${when}.`, "ok");
      await loadList();
    } catch (error) {
      setStatus(status, error.message, "error");
    }
  });

  initKeyPanel(prepare);
  prepare();
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.body.dataset.page === "intake") initIntake();
  if (document.body.dataset.page === "review") initReview();
});
