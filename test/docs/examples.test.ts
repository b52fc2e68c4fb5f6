/**
 * The docs' code examples are files under examples/, their outputs what those files print:
 * every `<!-- example: PATH -->` block of README*.md and docs/*.md holds the file verbatim,
 * every `<!-- output: PATH -->` block what `node PATH` prints now (dist/, built by `npm run
 * build`; the examples import the package by name). `node scripts/doc-examples.cjs` rewrites
 * the blocks after a change on purpose. Also: the README shows the three tasks of a new user,
 * stays within 300 lines, and nothing in the docs cites documents outside the repository.
 */
import { readFileSync } from "fs";
import { join } from "path";

interface Block {
  kind: "example" | "output";
  path: string;
  body: string;
}
interface DocExamples {
  docFiles(): string[];
  blocks(text: string): Block[];
  expected(block: Block): string;
}

const root = join(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the docs script (CommonJS), shared with its CLI
const lib = require(join(root, "scripts", "doc-examples.cjs")) as DocExamples;

describe("the docs' examples and outputs", () => {
  it("the README shows the three tasks, each with its output, in at most 300 lines", () => {
    const text = readFileSync(join(root, "README.md"), "utf8");
    expect(text.split("\n").length - 1).toBeLessThanOrEqual(300);
    const shown = lib.blocks(text).map((b) => `${b.kind}:${b.path}`);
    for (const f of ["estimate-trajectory", "tune-builtin", "plugin-tune"]) {
      expect(shown).toContain(`example:examples/${f}.mjs`);
      expect(shown).toContain(`output:examples/${f}.mjs`);
    }
  });

  it("every marked block equals its file or its output", () => {
    let checked = 0;
    for (const file of lib.docFiles()) {
      const text = readFileSync(join(root, file), "utf8");
      for (const b of lib.blocks(text)) {
        expect({ file, path: b.path, kind: b.kind, body: b.body }).toEqual({
          file,
          path: b.path,
          kind: b.kind,
          body: lib.expected(b),
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  }, 120000);

  it("the README and the docs cite nothing outside the repository", () => {
    for (const file of lib.docFiles()) {
      const text = readFileSync(join(root, file), "utf8");
      expect({ file, cites: /DESIGN|§/.test(text) }).toEqual({ file, cites: false });
    }
  });
});
