// Gzipped sizes of the built JavaScript, and the first screen's total: the entry chunk and
// what index.html preloads (designers, administration and the document page load on demand).
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const BUDGET_KB = 300;
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length / 1024;
const html = readFileSync(join(dist, "index.html"), "utf8");
const first = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
for (const file of readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js")).sort()) {
  const mark = first.includes(`assets/${file}`) ? "first screen" : "on demand";
  console.log(`${gz(`assets/${file}`).toFixed(1).padStart(8)} KB  ${mark.padEnd(12)}  ${file}`);
}
const total = first.reduce((sum, file) => sum + gz(file), 0);
console.log(`first screen: ${total.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
process.exit(total <= BUDGET_KB ? 0 : 1);
