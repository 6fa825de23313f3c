/* A recording stand-in for office.js, for driving the xlsales pane in a real browser.
 *
 * The test sets window.__selection = {values, numberFormat, address, sheet, workbook}
 * (the selected range; one selected cell expands to the whole table, as
 * getSurroundingRegion does) and, to play an Excel without createWorkbook,
 * window.__noCreateWorkbook = true. Every workbook the page opens is recorded in
 * window.__office.created (base64), every Office.actions.associate in .actions.
 */
"use strict";
(() => {
  const record = (window.__office = { created: [], actions: {}, reads: [] });

  function rangeOf(selection, whole) {
    const values = whole ? selection.values : [[selection.values[0][0]]];
    const formats = whole ? selection.numberFormat : [[(selection.numberFormat || [["General"]])[0][0]]];
    const range = {
      worksheet: { name: undefined, load() { this.name = selection.sheet; } },
      load(what) {
        record.reads.push(what);
        this.cellCount = values.length * values[0].length;
        if (/values/.test(what)) {
          this.values = values;
          this.numberFormat = formats || values.map((r) => r.map(() => "General"));
          this.address = whole ? selection.address : selection.address.split(":")[0];
        }
      },
      getSurroundingRegion() {
        return rangeOf(selection, true);
      },
    };
    return range;
  }

  window.Excel = {
    run: async (batch) =>
      batch({
        workbook: {
          name: undefined,
          load() { this.name = window.__selection.workbook; },
          getSelectedRange() {
            return rangeOf(window.__selection, !window.__selection.oneCell);
          },
        },
        sync: async () => {},
      }),
  };
  if (!window.__noCreateWorkbook) {
    window.Excel.createWorkbook = async (base64) => {
      record.created.push(base64);
    };
  }
  window.Office = {
    onReady(callback) {
      const ready = () => callback({ host: "Excel", platform: "OfficeOnline" });
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
      else ready();
    },
    actions: {
      associate(name, fn) {
        record.actions[name] = fn;
      },
    },
  };
})();
