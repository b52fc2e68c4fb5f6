/**
 * Each subcommand's `--help`, from one description per command: its options (value,
 * default, meaning) and examples. The flag parser's spec is derived from the same list, so
 * a flag cannot exist without its help line.
 */
import type { FlagSpec } from "./args";

export interface OptionHelp {
  /** The flag without its dashes. */
  flag: string;
  /** The value's placeholder (a flag without one is a switch). */
  value?: string;
  /** The default, as the user would write it ("off" for a switch); omitted for a required flag. */
  default?: string;
  /** The command needs this flag. */
  required?: boolean;
  text: string;
}

export interface CommandHelp {
  name: string;
  /** One line: what the command does. */
  summary: string;
  /** Paragraphs before the options. */
  description: string[];
  options: OptionHelp[];
  examples: string[];
}

/** The parser's spec of a command's flags. */
export function flagSpec(help: CommandHelp): FlagSpec {
  return Object.fromEntries(help.options.map((o) => [o.flag, o.value === undefined ? "boolean" : "value"]));
}

/** The usage's words: `glocal NAME`, then `--flag VALUE` or `[--flag VALUE]` per option. */
function usageWords(help: CommandHelp): string[] {
  const flags = help.options.map((o) => {
    const flag = `--${o.flag}${o.value === undefined ? "" : " " + o.value}`;
    return o.required ? flag : `[${flag}]`;
  });
  return [`glocal ${help.name}`, ...flags];
}

/** `glocal NAME [--flag VALUE] …`: the one-line usage. */
export function usageLine(help: CommandHelp): string {
  return usageWords(help).join(" ");
}

/** Wraps `text` (or words kept whole) at `width` columns: the first line indented by
 *  `indent`, the others by `hanging`. */
function wrap(text: string | string[], indent: number, hanging = indent, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  const room = () => width - (lines.length === 0 ? indent : hanging);
  const words = typeof text === "string" ? text.split(/\s+/).filter(Boolean) : text;
  for (const word of words) {
    if (line && line.length + 1 + word.length > room()) {
      lines.push(" ".repeat(lines.length === 0 ? indent : hanging) + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(" ".repeat(lines.length === 0 ? indent : hanging) + line);
  return lines;
}

/** The full `--help` text of a command. */
export function formatHelp(version: string, help: CommandHelp): string {
  const out = [
    `glocal ${version}: glocal ${help.name} — ${help.summary}`,
    "",
    "usage:",
    ...wrap(usageWords(help), 2, 6),
  ];
  for (const p of help.description) out.push("", ...wrap(p, 0));
  if (help.options.length) {
    out.push("", "options:");
    for (const o of help.options) {
      out.push(`  --${o.flag}${o.value === undefined ? "" : " " + o.value}`);
      out.push(...wrap(`${o.text} ${o.required ? "Required." : `Default: ${o.default}.`}`, 6));
    }
  }
  out.push("", "examples:", ...help.examples.map((e) => `  ${e}`));
  return out.join("\n") + "\n";
}
