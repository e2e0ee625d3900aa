// The query console of /api: turns the page's plain form (which works without JavaScript, by
// posting to /api) into editors that know the schema, and runs queries against POST /graphql.
//
// - query: GraphQL highlighting, completion, validation as you type (cm6-graphql over the
//   schema the page links as SDL); Ctrl/Cmd-click on a name opens its documentation below;
// - variables and headers: JSON editors, checked as you type; the headers are sent as given;
// - history: the last runs, kept in this browser (localStorage), each reopened by a click;
//
// Built by `npm run build` in this folder into ../graphql-console.js; see package.json.

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { linter, lintGutter, lintKeymap } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { graphql, showInDocsCommand } from "cm6-graphql";
import { buildSchema } from "graphql";

const HISTORY_KEY = "archive.console.history";
const HISTORY_SIZE = 25;

function nonce() {
  const meta = document.querySelector('meta[name="style-nonce"]');
  return meta ? meta.content : "";
}

/** An editor in place of `textarea`, which keeps the text for a plain form post. */
function editorFor(textarea, language, runKeys) {
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        EditorView.cspNonce.of(nonce()),
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion(),
        highlightActiveLine(),
        lintGutter(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": textarea.labels[0]?.textContent || "" }),
        keymap.of([
          ...runKeys,
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
          indentWithTab,
        ]),
        language,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  view.dom.id = textarea.id + "-editor";
  textarea.labels[0]?.addEventListener("click", () => view.focus());
  return view;
}

// Both JSON panes may be left blank: only text that is not JSON is marked.
const jsonParse = jsonParseLinter();
const jsonUnlessBlank = (view) => (view.state.doc.toString().trim() ? jsonParse(view) : []);

function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** `text` read as a JSON object, or null when blank; throws Error naming `what` otherwise. */
function jsonObject(text, what) {
  if (!text.trim()) return null;
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what}: not valid JSON (${error.message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${what}: not a JSON object`);
  }
  return value;
}

// The history keeps queries and variables, never the headers: they hold tokens.
function readHistory() {
  let entries;
  try {
    entries = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries
    .filter((entry) => entry && typeof entry.query === "string")
    .map((entry) => ({
      query: entry.query,
      variables: typeof entry.variables === "string" ? entry.variables : "",
      at: typeof entry.at === "string" && !Number.isNaN(Date.parse(entry.at)) ? entry.at : null,
    }));
}

function store(entries) {
  try {
    if (entries.length) localStorage.setItem(HISTORY_KEY, JSON.stringify(entries));
    else localStorage.removeItem(HISTORY_KEY);
  } catch {
    // storage full or refused: the history is a convenience, the run itself went through
  }
}

function remember(entry) {
  const kept = readHistory().filter((old) => old.query !== entry.query || old.variables !== entry.variables);
  kept.unshift(entry);
  store(kept.slice(0, HISTORY_SIZE));
}

function firstLine(query) {
  const line = query.split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("#")) || "(an empty query)";
  return line.length > 70 ? line.slice(0, 69) + "…" : line;
}

function showHistory(list, open) {
  list.replaceChildren();
  const entries = readHistory();
  list.closest("section").querySelector(".empty").hidden = entries.length > 0;
  for (const entry of entries) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = firstLine(entry.query);
    button.addEventListener("click", () => open(entry));
    item.append(button);
    if (entry.at) {
      const when = document.createElement("time");
      when.dateTime = entry.at;
      when.textContent = " " + new Date(entry.at).toLocaleString();
      item.append(when);
    }
    list.append(item);
  }
}

function showInDocs(field, type, parentType) {
  const name = (text) => (text || "").replace(/[^\w]/g, "");
  const target = parentType && field ? `field-${name(parentType)}-${field}` : type ? `type-${name(type)}` : "";
  const found = target && document.getElementById(target);
  if (found) {
    found.scrollIntoView();
    location.hash = target;
  }
}

// Ctrl/Cmd-click opens the documentation of the name clicked: the cursor moves there first
// (cm6-graphql's own handler reads the cursor as it was, and CodeMirror would add a cursor).
const docsOnClick = EditorView.domEventHandlers({
  mousedown(event, view) {
    if (!(event.ctrlKey || event.metaKey)) return false;
    const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
    if (pos === null) return false;
    view.dispatch({ selection: { anchor: pos } });
    showInDocsCommand(view);
    event.preventDefault();
    return true;
  },
});

async function start() {
  const form = document.querySelector("form.console");
  if (!form) return;
  const answer = document.getElementById("console-answer");
  const sdl = await (await fetch(form.dataset.schema)).text();
  const schema = buildSchema(sdl);
  const run = () => {
    form.requestSubmit();
    return true;
  };
  const runKeys = [{ key: "Mod-Enter", run }];
  const queryLanguage = [graphql(schema, { onShowInDocs: showInDocs }), docsOnClick];
  const docsKey = { key: "Mod-i", run: showInDocsCommand };
  const query = editorFor(form.querySelector("#query"), queryLanguage, [...runKeys, docsKey]);
  const jsonLanguage = [json(), linter(jsonUnlessBlank)];
  const variables = editorFor(form.querySelector("#variables"), jsonLanguage, runKeys);
  const headersBox = form.querySelector("#headers");
  headersBox.closest("[hidden]")?.removeAttribute("hidden");
  const headers = editorFor(headersBox, jsonLanguage, runKeys);
  const historyList = document.getElementById("history-list");
  document.getElementById("history").hidden = false;

  const open = (entry) => {
    setText(query, entry.query);
    setText(variables, entry.variables);
    query.focus();
  };
  document.getElementById("history-clear")?.addEventListener("click", () => {
    store([]);
    showHistory(historyList, open);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = { query: query.state.doc.toString(), variables: variables.state.doc.toString() };
    const sent = { "Content-Type": "application/json", Accept: "application/json" };
    let body;
    try {
      const given = jsonObject(headers.state.doc.toString(), "the headers") || {};
      for (const [name, value] of Object.entries(given)) sent[name] = String(value);
      body = JSON.stringify({ query: text.query, variables: jsonObject(text.variables, "the variables") });
    } catch (error) {
      show(answer, 0, { errors: [{ message: error.message }] }, 0);
      return;
    }
    const began = performance.now();
    let status = 0;
    let result;
    try {
      const response = await fetch("/graphql", { method: "POST", headers: sent, body, credentials: "same-origin" });
      status = response.status;
      const raw = await response.text();
      try {
        result = JSON.parse(raw);
      } catch {
        result = raw;
      }
    } catch (error) {
      result = { errors: [{ message: `the request failed: ${error.message}` }] };
    }
    show(answer, status, result, performance.now() - began);
    remember({ ...text, at: new Date().toISOString() });
    showHistory(historyList, open);
  });
  showHistory(historyList, open);
}

function show(answer, status, result, ms) {
  const heading = document.createElement("h3");
  heading.textContent = "Answer";
  const pre = document.createElement("pre");
  pre.className = "answer";
  const code = document.createElement("code");
  code.textContent = typeof result === "string" ? result : JSON.stringify(result, null, 2);
  pre.append(code);
  answer.replaceChildren(heading, pre);
  // the status line alone is announced, not the whole answer
  const errors = result && Array.isArray(result.errors) ? result.errors.length : 0;
  document.getElementById("console-status").textContent =
    (status ? `HTTP ${status} · ${Math.round(ms)} ms` : "not sent") + (errors ? ` · ${errors} error${errors > 1 ? "s" : ""}` : "");
}

start().catch((error) => {
  const answer = document.getElementById("console-answer");
  if (answer) answer.textContent = `The console's editors could not start (${error.message}); the plain form still works.`;
});
