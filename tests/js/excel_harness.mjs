// Runs the custom-functions JavaScript that xlwings Server hands to Excel, in Node.js,
// against the live server. Only the Office globals (Office, Excel, CustomFunctions) are
// stubbed. The browser's XMLHttpRequest, which the server's own utils.js uses, is given
// by a small polyfill over Node's fetch, so every call is a real HTTP request.
//
//   node tests/js/excel_harness.mjs BASE_URL CALLS_JSON
//
// CALLS_JSON is a list of [functionName, [arg, ...]] with every argument a 2-D array,
// as Excel passes "matrix" parameters. Prints one JSON line per call:
// {"ok": true, "result": ...} or {"ok": false, "code": ..., "message": ...}.
import vm from "node:vm";

const [base, callsJson] = process.argv.slice(2);
const calls = JSON.parse(callsJson);

// --- Office globals (stubs) -------------------------------------------------------
class ExcelError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
globalThis.Office = {
  onReady: (callback) => {
    if (callback) callback({ host: "Excel", platform: "PC" });
    return Promise.resolve({ host: "Excel", platform: "PC" });
  },
  context: { requirements: { isSetSupported: () => true } },
};
globalThis.Excel = {
  RequestContext: class {
    constructor() {
      this.workbook = { name: "Book1.xlsx", load() {} };
      this.application = {
        cultureInfo: { name: "en-US", load() {}, datetimeFormat: { shortDatePattern: "M/d/yyyy", load() {} } },
      };
    }
    async sync() {}
  },
};
const associated = {};
globalThis.CustomFunctions = {
  associate: (name, fn) => { associated[name] = fn; },
  Error: ExcelError,
  ErrorCode: { invalidValue: "#VALUE!" },
};

// --- browser environment: the page origin, and XMLHttpRequest over fetch ------------
globalThis.window = { location: { origin: base } };
globalThis.XMLHttpRequest = class {
  open(method, url) { this.method = method; this.url = url; this.headers = {}; }
  setRequestHeader(key, value) { this.headers[key] = value; }
  getResponseHeader(key) { return this.responseHeaders?.get(key) ?? null; }
  getAllResponseHeaders() { return ""; }
  send(body) {
    fetch(this.url, { method: this.method, headers: this.headers, body: body ?? undefined })
      .then(async (response) => {
        this.status = response.status;
        this.statusText = response.statusText;
        this.responseHeaders = response.headers;
        this.responseText = await response.text();
        this.response = this.responseText;
        this.readyState = 4;
        this.onload?.();
        this.onreadystatechange?.();
      })
      .catch(() => this.onerror?.());
  }
};

// --- what the add-in page loads: its config, the server's utils.js, the functions ----
const page = await (await fetch(`${base}/taskpane.html`)).text();
globalThis.config = JSON.parse(page.match(/<script id="config"[^>]*>([\s\S]*?)<\/script>/)[1]);
const utilsSource = await (await fetch(`${base}/static/js/utils.js`)).text();
const utils = await import(`data:text/javascript;base64,${Buffer.from(utilsSource).toString("base64")}`);
globalThis.xlwings = { getCultureInfoName: utils.getCultureInfoName, getDateFormat: utils.getDateFormat };
const code = await (await fetch(`${base}/xlwings/custom-functions-code`)).text();
vm.runInThisContext(code, { filename: "custom-functions-code.js" });

for (const [name, args] of calls) {
  try {
    const result = await associated[name](...args, { address: "Sheet1!B2" });
    console.log(JSON.stringify({ ok: true, result }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, code: error.code ?? null, message: error.message }));
  }
}
