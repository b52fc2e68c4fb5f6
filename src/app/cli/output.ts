/**
 * Files the CLI writes (`glocal demo --out FILE --json FILE`): checked before any work and
 * written whole or not at all, without ever replacing what the caller could not have
 * overwritten with `>`.
 *
 * - A symbolic link is written through: its target is replaced, the link stays (a
 *   dangling link is refused).
 * - Only regular files are replaced; a FIFO, device, socket or directory is refused.
 * - Permission is read from the mode bits, as for an unprivileged caller: a read-only
 *   file, or one in a directory the caller may not write, is refused -- also when running
 *   as root, which the kernel would let through.
 * - The text goes to a new temporary file beside the target (O_EXCL, so a planted link
 *   cannot redirect it), which takes the target's mode (less set-user/group-id, as a write
 *   by an unprivileged user clears them) and, as root, its owner, and is
 *   renamed over it: an interrupted run leaves the old file or the new one, never half.
 */
import {
  Stats,
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "fs";
import { basename, dirname, join, resolve } from "path";
import { GlocalError, printable } from "../../core/errors";

/** Where an output goes: the real path (links resolved) and the file it replaces, if any. */
export interface OutputTarget {
  /** The flag that named it (for messages). */
  flag: string;
  /** The path as given. */
  given: string;
  /** The path written: the given one with symbolic links resolved. */
  path: string;
  /** The regular file it replaces (null: a new file). */
  existing: Stats | null;
}

function fail(flag: string, path: string, why: string): never {
  throw new GlocalError("E_IO", `cannot write ${flag} ${printable(JSON.stringify(path))} (${why})`, flag);
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

function kind(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return "it is a directory";
  if (st.isFIFO()) return "it is a FIFO";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "it is a device";
  if (st.isSocket()) return "it is a socket";
  return "it is not a regular file";
}

/**
 * Whether the mode bits let this process write (bit 0o2 of the class that applies: owner,
 * group, other) -- as for an unprivileged user, also as root. Without POSIX ids (Windows)
 * every file counts as writable and the system call decides.
 */
export function writableByMode(st: Stats, bits = 0o2): boolean {
  const getuid = process.getuid,
    getgid = process.getgid,
    getgroups = process.getgroups;
  if (typeof getuid !== "function" || typeof getgid !== "function") return true;
  if (st.uid === getuid()) return (st.mode & (bits << 6)) !== 0;
  const groups = typeof getgroups === "function" ? getgroups() : [];
  if (st.gid === getgid() || groups.includes(st.gid)) return (st.mode & (bits << 3)) !== 0;
  return (st.mode & bits) !== 0;
}

/** Checks that `given` (from `flag`) can be written, without writing anything. */
export function checkOutputPath(given: string, flag: string): OutputTarget {
  if (given === "") fail(flag, given, "an empty path");
  let path = resolve(given);
  let existing: Stats | null = null;
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch (e) {
    if (errno(e) !== "ENOENT") fail(flag, given, errno(e));
    link = null as unknown as Stats;
  }
  if (link) {
    if (link.isSymbolicLink()) {
      try {
        path = realpathSync(path);
      } catch (e) {
        fail(flag, given, errno(e) === "ENOENT" ? "a symbolic link to a missing file" : errno(e));
      }
    }
    existing = statSync(path);
    const what = kind(existing);
    if (what) fail(flag, given, what);
    if (!writableByMode(existing)) fail(flag, given, "the file is read-only");
  }
  const dir = dirname(path);
  let d: Stats;
  try {
    d = statSync(dir);
  } catch (e) {
    fail(flag, given, errno(e) === "ENOENT" ? "its directory does not exist" : `its directory: ${errno(e)}`);
  }
  if (!d.isDirectory()) fail(flag, given, "its directory is not a directory");
  // The file is replaced by a rename in its directory: that needs write and search permission there.
  if (!writableByMode(d, 0o2) || !writableByMode(d, 0o1))
    fail(
      flag,
      given,
      existing ? "its directory is not writable, so it cannot be replaced whole" : "its directory is not writable",
    );
  // A sticky directory (/tmp) lets only the file's or the directory's owner replace it.
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  if (existing && uid !== null && (d.mode & 0o1000) !== 0 && existing.uid !== uid && d.uid !== uid)
    fail(flag, given, "the file belongs to another user in a sticky directory");
  return { flag, given, path, existing };
}

/**
 * Writes `text` to the target whole or not at all (see the file comment). The path is
 * checked again first: it may have changed during the run.
 */
export function writeOutput(target: OutputTarget, text: string): void {
  const { flag, given } = target;
  const { path, existing } = checkOutputPath(given, flag);
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  let fd: number | null = null;
  try {
    // 0o666 less the umask, as `>` creates a file; an existing file's mode is copied below.
    fd = openSync(tmp, "wx", 0o666);
    const bytes = Buffer.from(text, "utf8");
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    if (existing) {
      // The owner first (as root): chown clears the mode's set-id bits. Those are dropped
      // anyway, as the kernel drops them when an unprivileged user writes a file.
      if (typeof process.getuid === "function" && process.getuid() === 0) {
        try {
          fchownSync(fd, existing.uid, existing.gid);
        } catch {
          // a file system without owners: the mode is what matters
        }
      }
      fchmodSync(fd, existing.mode & 0o1777);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    fail(flag, given, errno(e));
  }
}
