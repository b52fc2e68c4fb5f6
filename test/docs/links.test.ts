/**
 * The relative links of README.md, CONTRIBUTING.md and docs/*.md lead somewhere: the file
 * exists, and a `#fragment` into a Markdown file names one of its headings (GitHub's
 * anchors: lower case, punctuation dropped, spaces to hyphens).
 */
import { existsSync, readFileSync, readdirSync } from "fs";
import { dirname, join, normalize } from "path";

const root = join(__dirname, "..", "..");
const files = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(file: string): Set<string> {
  const text = readFileSync(join(root, file), "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
}

/** Every relative Markdown link of `text`, outside code blocks. */
function links(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
}

describe("the docs' links", () => {
  it("anchor() gives GitHub's anchors", () => {
    expect(anchor("The GPU offload: backends and precision")).toBe("the-gpu-offload-backends-and-precision");
    expect(anchor("`glocal demo`")).toBe("glocal-demo");
    expect(anchor("The regime study (`bench:regimes`)")).toBe("the-regime-study-benchregimes");
  });

  it.each(files)("%s: every relative link leads to a file and a heading", (file) => {
    const text = readFileSync(join(root, file), "utf8");
    const broken: string[] = [];
    for (const link of links(text)) {
      const [path, fragment] = link.split("#");
      const target = path === "" ? file : normalize(join(dirname(file), path));
      if (!existsSync(join(root, target))) broken.push(`${link}: no file ${target}`);
      else if (fragment !== undefined && target.endsWith(".md") && !anchors(target).has(fragment))
        broken.push(`${link}: no heading #${fragment} in ${target}`);
    }
    expect(broken).toEqual([]);
  });
});
