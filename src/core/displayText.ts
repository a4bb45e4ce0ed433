// Makes untrusted text (names, descriptions, tags from the service) inert wherever VS Code shows it:
// controls and bidirectional marks become visible U+XXXX markers so they cannot reorder or hide text,
// and "[text](command:…)" and "$(icon)" are broken up so notifications cannot turn them into a link or an icon.
const INVISIBLE = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2069\u2028\u2029\uFEFF\u061C]/gu;

export function inert(text: string, maxLength?: number): string {
  let out = text.replace(INVISIBLE, (ch) => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
  out = out.replace(/\]\(/g, ']\u200B(');
  // "$(name)" would render as an icon in notifications and quick picks.
  out = out.replace(/\$\(/g, '$\u200B(');
  if (maxLength !== undefined && out.length > maxLength) out = `${out.slice(0, Math.max(0, maxLength - 1))}…`;
  return out;
}
