// Bundles console.js into ../graphql-console.js with a banner naming every bundled package at
// its locked version, and writes their licences beside it (../graphql-console.LICENSES.txt).
import { build } from "esbuild";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const bundled = Object.entries(lock.packages)
  .filter(([path, entry]) => path.startsWith("node_modules/") && !entry.dev)
  .map(([path, entry]) => ({ name: path.slice("node_modules/".length), version: entry.version, path }))
  .sort((a, b) => a.name.localeCompare(b.name));

await build({
  entryPoints: ["console.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "none",
  banner: { js: `/* The archive's GraphQL console. Bundled: ${bundled.map((p) => `${p.name}@${p.version}`).join(", ")}. Licences: graphql-console.LICENSES.txt */` },
  outfile: "../graphql-console.js",
});

const licences = bundled.map(({ name, version, path }) => {
  const file = readdirSync(path).find((f) => /^licen[cs]e/i.test(f));
  const text = file ? readFileSync(join(path, file), "utf8").trim() : `License: ${lock.packages[path].license}`;
  return `${name}@${version}\n${"=".repeat(name.length + version.length + 1)}\n\n${text}\n`;
});
writeFileSync("../graphql-console.LICENSES.txt", licences.join("\n\n"));
