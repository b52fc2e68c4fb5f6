/**
 * Special output paths: --out/--json may name a regular file of any mode, a link (to a
 * file, a directory, nothing, another link), a FIFO, a socket, a device, a directory, a
 * file in a read-only or sticky directory, or a path in a missing directory. The writer
 * either replaces the regular file it resolves to -- whole, with its old mode, the links
 * still links, nothing temporary left -- or throws E_IO and changes nothing; and it writes
 * exactly when the mode bits say an unprivileged owner could (the tests run as root, where
 * the kernel would allow everything, so the bits are the oracle).
 */
import { spawnSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { checkOutputPath, writeOutput } from "../../../src/app/cli/output";
import { GlocalError } from "../../../src/index";
import { assert, fail } from "../../support/property/contract";
import { check, note, writeSummaryPart } from "../../support/property/summary";

afterAll(() => writeSummaryPart(__filename));

const root = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-outprop-"));
const canMknod = (() => {
  const p = path.join(root, "probe");
  const ok = spawnSync("mknod", [p, "c", "1", "3"]).status === 0;
  fs.rmSync(p, { force: true });
  return ok;
})();
const server = net.createServer();
const socketPath = path.join(root, "socket");
beforeAll(() => new Promise<void>((resolve) => server.listen(socketPath, resolve)));
afterAll(() => {
  server.close();
  spawnSync("chmod", ["-R", "u+rwx", root]);
  fs.rmSync(root, { recursive: true, force: true });
});

type Kind = "missing" | "file" | "fifo" | "socket" | "device" | "directory";
const KINDS: Kind[] = ["missing", "file", "fifo", "socket", "device", "directory"];

let n = 0;
/** A fresh directory with the target (of `kind`) and, optionally, links to it. */
function build(c: Case): { dir: string; given: string; target: string } {
  const dir = path.join(root, `case${n++}`);
  fs.mkdirSync(dir);
  const target = c.missingDir ? path.join(dir, "absent", "t") : path.join(dir, "t");
  // In a missing directory nothing can be created: the target is absent whatever its kind.
  switch (c.missingDir ? "missing" : c.kind) {
    case "file":
      fs.writeFileSync(target, "old");
      fs.chmodSync(target, c.mode);
      break;
    case "fifo":
      spawnSync("mkfifo", [target]);
      break;
    case "socket":
      fs.symlinkSync(socketPath, target); // a link to the one socket (sockets are not created per case)
      break;
    case "device":
      if (canMknod) spawnSync("mknod", [target, "c", "1", "3"]);
      else fs.mkdirSync(target);
      break;
    case "directory":
      fs.mkdirSync(target);
      break;
  }
  let given = target;
  for (let i = 0; i < c.links; i++) {
    const link = path.join(dir, `link${i}`);
    fs.symlinkSync(c.relative ? path.basename(given) : given, link);
    given = link;
  }
  fs.chmodSync(dir, c.dirMode);
  return { dir, given, target };
}

/** Everything about a path that the writer may not change when it refuses. */
function state(p: string): string {
  try {
    const l = fs.lstatSync(p);
    const base = `${l.mode.toString(8)}:${l.isSymbolicLink() ? fs.readlinkSync(p) : ""}`;
    if (l.isFile()) return `${base}:${fs.readFileSync(p, "utf8")}`;
    return base;
  } catch (e) {
    return `absent:${(e as NodeJS.ErrnoException).code}`;
  }
}

const arb = fc.record({
  kind: fc.constantFrom(...KINDS),
  mode: fc.constantFrom(0o644, 0o600, 0o444, 0o400, 0o000, 0o664, 0o755, 0o222, 0o4755),
  dirMode: fc.constantFrom(0o755, 0o700, 0o555, 0o1777, 0o500, 0o311),
  links: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 3 })),
  relative: fc.boolean(),
  missingDir: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, fc.constant(true)),
});
type Case = typeof arb extends fc.Arbitrary<infer T> ? T : never;

describe("--out / --json writer", () => {
  it("replaces exactly the regular files an unprivileged owner could, whole; refuses the rest unchanged", () => {
    check(
      "cli output paths",
      arb,
      (c) => {
        const { dir, given, target } = build(c);
        const dirWritable = (c.dirMode & 0o300) === 0o300; // owner w and x (we own the directory)
        const expectWrite =
          !c.missingDir &&
          dirWritable &&
          // A new file only by its own name: a link to nothing is refused (a dangling link).
          ((c.kind === "missing" && c.links === 0) || (c.kind === "file" && (c.mode & 0o200) !== 0));
        const before = [state(given), state(target)];
        const linkChain: string[] = [];
        for (let i = 0; i < c.links; i++) linkChain.push(state(path.join(dir, `link${i}`)));
        let error: unknown = null;
        try {
          writeOutput(checkOutputPath(given, "--out"), "new text");
        } catch (e) {
          error = e;
        }
        fs.chmodSync(dir, 0o755);
        const leftovers = fs.readdirSync(dir).filter((f) => f.includes(".tmp-"));
        assert(leftovers.length === 0, `temporary files left: ${leftovers.join(", ")}`);
        for (let i = 0; i < c.links; i++)
          assert(state(path.join(dir, `link${i}`)) === linkChain[i], `link${i} was changed`);
        if (error === null) {
          assert(expectWrite, `wrote where it must refuse: ${JSON.stringify(c)}`);
          assert(fs.readFileSync(target, "utf8") === "new text", "the target does not hold the text");
          const mode = fs.statSync(target).mode & 0o7777;
          // The old mode, less set-user/group-id (a write by an unprivileged user clears them).
          if (c.kind === "file")
            assert(mode === (c.mode & 0o1777), `mode ${mode.toString(8)}, was ${c.mode.toString(8)}`);
          note("written");
        } else {
          if (!(error instanceof GlocalError)) fail(`threw ${String(error)}, not a GlocalError`);
          assert(error.code === "E_IO" && error.argument === "--out", `threw ${error.code} (${error.message})`);
          assert(!expectWrite, `refused a writable path: ${error.message} ${JSON.stringify(c)}`);
          assert(state(given) === before[0] && state(target) === before[1], "a refused path was changed");
          note("E_IO");
        }
      },
      2,
    );
  });
});
