// The code examples of the Markdown docs are files under examples/, and their outputs are what
// those files print. A doc marks both with HTML comments, each followed by a fenced block:
//
//   <!-- example: examples/tune-builtin.mjs -->   the file's text, verbatim
//   <!-- output: examples/tune-builtin.mjs -->    what `node examples/tune-builtin.mjs` prints
//
// `node scripts/doc-examples.cjs` rewrites those blocks in README*.md and docs/*.md (after
// `npm run build`: the examples import "glocal-hypergrad", which resolves to dist/ through the
// package's own exports); test/docs/examples.test.ts fails when a block and its source differ.
// (CommonJS, so the jest test can require it.)
const { execFileSync } = require("node:child_process");
const { existsSync, readFileSync, readdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");

/** The Markdown files whose marked blocks are kept in step with the examples. */
function docFiles() {
  const top = readdirSync(root).filter((f) => /^README.*\.md$/.test(f));
  const docs = existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`)
    : [];
  return [...top, ...docs];
}

const MARK = /<!-- (example|output): (\S+) -->\n+(```+)([^\n]*)\n(?:([\s\S]*?)\n)??\3\n/g;

/** Every marked block of `text`: kind, the example's path, its fence and language, its body. */
function blocks(text) {
  return [...text.matchAll(MARK)].map((m) => ({
    kind: m[1],
    path: m[2],
    fence: m[3],
    lang: m[4],
    body: m[5] ?? "",
    index: m.index,
    length: m[0].length,
  }));
}

const outputs = new Map();
/** What `node path` prints (run once per path, from the repository root). */
function outputOf(path) {
  if (!outputs.has(path))
    outputs.set(path, execFileSync(process.execPath, [join(root, path)], { cwd: root, encoding: "utf8" }).trimEnd());
  return outputs.get(path);
}

/** What a block should hold. */
function expected(block) {
  return block.kind === "example" ? readFileSync(join(root, block.path), "utf8").trimEnd() : outputOf(block.path);
}

module.exports = { root, docFiles, blocks, outputOf, expected };

if (require.main === module) {
  for (const file of docFiles()) {
    const text = readFileSync(join(root, file), "utf8");
    let out = "",
      at = 0,
      changed = 0;
    for (const b of blocks(text)) {
      const body = expected(b);
      out += text.slice(at, b.index);
      out += `<!-- ${b.kind}: ${b.path} -->\n${b.fence}${b.lang}\n${body}\n${b.fence}\n`;
      at = b.index + b.length;
      if (body !== b.body) changed++;
    }
    out += text.slice(at);
    if (changed) writeFileSync(join(root, file), out);
    console.log(`${file}: ${blocks(text).length} blocks, ${changed} updated`);
  }
}
