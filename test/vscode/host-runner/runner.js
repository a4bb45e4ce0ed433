// Test-only extension: when code-server's extension host has started, it runs the Mocha suite named by
// IOTBG_SUITE_INDEX (out/test/vscode/suite/index.js) and writes {done, error} next to the JSON report.
const fs = require('node:fs');

exports.activate = function activate() {
  const index = process.env.IOTBG_SUITE_INDEX;
  const report = process.env.IOTBG_MOCHA_REPORT;
  if (!index || !report) return;
  const finish = (error) => fs.writeFileSync(`${report}.done`, JSON.stringify({ done: true, error: error ? String(error.stack || error) : null }));
  Promise.resolve()
    .then(() => require(index).run())
    .then(() => finish(null), finish);
};

exports.deactivate = function deactivate() {};
