// Parse a GIFT file with gift-pegjs (an independent parser from the npm
// registry) and print the questions as JSON; used by tests/exporters/test_gift.py.
// Usage: node parse_gift.js FILE  -> JSON on stdout, or the parse error on stderr (exit 1).
"use strict";
const fs = require("fs");
const { parse } = require("gift-pegjs");
const text = fs.readFileSync(process.argv[2], "utf8");
try {
  process.stdout.write(JSON.stringify(parse(text)));
} catch (err) {
  const where = err.location ? ` at line ${err.location.start.line} column ${err.location.start.column}` : "";
  process.stderr.write(`gift-pegjs: ${err.message}${where}\n`);
  process.exit(1);
}
