/* The xlsales pane and ribbon commands: a thin layer over the HTTP API.
 *
 * It reads the selected table with Office.js (getSelectedRange().values, header row
 * first), posts it to POST /xlsales/templates/{kind}, and opens the answer with
 * Excel.createWorkbook(base64). Where createWorkbook is missing, or the workbook is
 * over the 5 MB that Excel on the web takes in one request, it offers a download.
 */
"use strict";

const xlsales = (() => {
  const BASE = new URL(".", document.baseURI); // .../xlsales/
  const LIMIT = 5 * 1024 * 1024; // Excel on the web: 5 MB per request

  function api(path) {
    return new URL(path, BASE).toString();
  }

  /* Cells formatted as dates arrive as serial numbers: send them as YYYY-MM-DD. */
  function isDateFormat(format) {
    if (typeof format !== "string") return false;
    const bare = format.replace(/"[^"]*"|\[[^\]]*\]|\\./g, "");
    return /[dy]/i.test(bare);
  }

  function serialToIso(serial) {
    const ms = Math.round((serial - 25569) * 86400000); // 25569: 1970-01-01
    return new Date(ms).toISOString().slice(0, 10);
  }

  function datesAsText(values, formats) {
    return values.map((row, r) =>
      row.map((value, c) => {
        const format = formats && formats[r] ? formats[r][c] : null;
        return typeof value === "number" && r > 0 && isDateFormat(format)
          ? serialToIso(value)
          : value;
      }),
    );
  }

  /* The selected table; one selected cell means the table around it. */
  async function readSelection() {
    return Excel.run(async (context) => {
      let range = context.workbook.getSelectedRange();
      range.load("cellCount");
      await context.sync();
      if (range.cellCount === 1) range = range.getSurroundingRegion();
      range.load("values, numberFormat, address");
      const sheet = range.worksheet;
      sheet.load("name");
      const book = context.workbook;
      book.load("name");
      await context.sync();
      return {
        table: datesAsText(range.values, range.numberFormat),
        source: { workbook: book.name, sheet: sheet.name, address: range.address },
      };
    });
  }

  function toBase64(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  function canCreateWorkbook() {
    return typeof Excel !== "undefined" && typeof Excel.createWorkbook === "function";
  }

  /* Open the workbook in Excel, or say why not and offer it as a download. */
  async function open(kind, buffer, say) {
    const base64 = toBase64(buffer);
    if (canCreateWorkbook() && base64.length <= LIMIT) {
      await Excel.createWorkbook(base64);
      return "opened in a new workbook";
    }
    const why = canCreateWorkbook()
      ? `the workbook is ${(base64.length / 1048576).toFixed(1)} MB, over the 5 MB Excel on the web takes in one request`
      : "this Excel cannot open a new workbook from an add-in";
    const url = URL.createObjectURL(
      new Blob([buffer], {
        type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      }),
    );
    say(`${why}: `, { href: url, download: `${kind}.xlsx`, text: `download ${kind}.xlsx` });
    return "offered as a download";
  }

  async function request(kind, body) {
    const response = body
      ? await fetch(api(`templates/${kind}`), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        })
      : await fetch(api(`templates/${kind}.xlsx`));
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        message = (await response.json()).error || message;
      } catch (e) {
        /* not JSON: keep the status */
      }
      throw new Error(message);
    }
    return {
      buffer: await response.arrayBuffer(),
      rows: response.headers.get("X-Xlsales-Rows"),
      sha256: response.headers.get("X-Xlsales-Sha256"),
    };
  }

  /* New empty: the ribbon buttons and the pane's first button. */
  async function newEmpty(kind, say) {
    const answer = await request(kind, null);
    return open(kind, answer.buffer, say);
  }

  async function fromSelection(kind, options, say) {
    const { table, source } = await readSelection();
    const answer = await request(kind, { table, options, source });
    const done = await open(kind, answer.buffer, say);
    return `${answer.rows} rows read from ${source.sheet}!${source.address.split("!").pop()} (SHA-256 ${answer.sha256.slice(0, 12)}...): ${done}`;
  }

  /* A kind with typed inputs (the funnel planner) from the pane's fields alone. */
  async function fromInputs(kind, options, say) {
    const answer = await request(kind, { options });
    const done = await open(kind, answer.buffer, say);
    return `from the typed inputs: ${done}`;
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    children.forEach((c) => node.append(c));
    return node;
  }

  function field(kind, option) {
    const id = `${kind}-${option.name}`;
    let input;
    if (option.choices.length) {
      input = element("select", { id, name: option.name });
      option.choices.forEach((c) => input.append(element("option", { value: c, text: c })));
      input.value = option.default;
    } else {
      const type = { number: "number", date: "date" }[option.type] || "text";
      input = element("input", { id, name: option.name, type });
      if (type === "number") input.step = "any";
      if (option.default !== null) input.value = option.default;
      if (option.required) input.required = true;
    }
    return element("label", { for: id }, element("span", { text: option.label }), input);
  }

  function options(form, kind) {
    const out = {};
    kind.options.forEach((o) => {
      const value = form.elements[o.name].value;
      if (value === "") return;
      out[o.name] = o.type === "number" ? Number(value) : value;
    });
    return out;
  }

  function section(kind) {
    const form = element("form", { id: `form-${kind.name}` });
    const status = element("p", { class: "status", role: "status" });
    const say = (text, link) => {
      status.className = "status";
      status.textContent = text;
      if (link) status.append(element("a", link));
    };
    const fail = (error) => {
      status.className = "status error";
      status.textContent = error.message || String(error);
    };
    const run = (button, work) => async (event) => {
      event.preventDefault();
      button.disabled = true;
      say("working...");
      try {
        const done = await work();
        if (!status.querySelector("a")) say(done);
        else status.prepend(`${done}: `);
      } catch (error) {
        fail(error);
      } finally {
        button.disabled = false;
      }
    };
    const empty = element("button", { type: "button", id: `new-${kind.name}`, text: "New empty" });
    empty.addEventListener("click", run(empty, () => newEmpty(kind.name, say)));
    const buttons = element("div", { class: "buttons" }, empty);
    if (kind.from_table || kind.typed) kind.options.forEach((o) => form.append(field(kind.name, o)));
    if (kind.typed) {
      const typed = element("button", { type: "button", id: `typed-${kind.name}`, text: "From these inputs" });
      const work = run(typed, () => fromInputs(kind.name, options(form, kind), say));
      typed.addEventListener("click", (event) => (form.reportValidity() ? work(event) : undefined));
      buttons.append(typed);
    }
    if (kind.from_table) {
      const filled = element("button", {
        type: "submit",
        class: "primary",
        id: `table-${kind.name}`,
        text: "From the selected table",
      });
      form.addEventListener("submit", run(filled, () => fromSelection(kind.name, options(form, kind), say)));
      buttons.append(filled);
    }
    form.append(buttons, status);
    const about = [element("h2", { text: kind.title }), element("p", { class: "purpose", text: kind.purpose })];
    if (kind.columns) about.push(element("p", { class: "columns", text: `Table (${kind.table}): ${kind.columns}` }));
    return element("section", { id: `section-${kind.name}` }, ...about, form);
  }

  async function showPane() {
    const main = document.getElementById("templates");
    const listing = await (await fetch(api("templates"))).json();
    main.replaceChildren(...listing.templates.map(section));
    document.getElementById("footer").textContent =
      `xlsales ${listing.version}` +
      (listing.functions ? "; the XLSALES functions are served too" : "");
    document.body.dataset.ready = "true";
  }

  /* Ribbon buttons (ExecuteFunction): build the template empty and open it. */
  async function registerCommands() {
    const listing = await (await fetch(api("templates"))).json();
    listing.templates.forEach((kind) => {
      const command = async (event) => {
        try {
          await newEmpty(kind.name, () => {});
        } finally {
          if (event && event.completed) event.completed();
        }
      };
      window[kind.button] = command;
      if (typeof Office !== "undefined" && Office.actions) Office.actions.associate(kind.button, command);
    });
    document.body.dataset.ready = "true";
  }

  function start() {
    const work = document.getElementById("templates") ? showPane : registerCommands;
    work().catch((error) => {
      document.body.dataset.ready = "error";
      document.body.append(element("p", { class: "status error", text: String(error) }));
    });
  }

  return { start, open, datesAsText, isDateFormat, serialToIso, LIMIT };
})();

if (typeof Office !== "undefined" && Office.onReady) {
  Office.onReady(() => xlsales.start());
} else {
  window.addEventListener("DOMContentLoaded", () => xlsales.start());
}
