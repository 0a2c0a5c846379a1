/**
 * ssh's `%x` tokens: each known letter is replaced by its value, `%%` by `%`. A token with no value
 * here is given back (ssh either refuses it — `HostName %r` — or knows a value WG Deck does not
 * compute, like `%C` in IdentityFile), so the caller decides.
 */
export type Expansion = { ok: true; text: string } | { ok: false; token: string };

export function expandTokens(text: string, values: Readonly<Record<string, string>>): Expansion {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const key = text[++i];
    if (key === '%') out += '%';
    else if (key !== undefined && Object.hasOwn(values, key)) out += values[key]!;
    else return { ok: false, token: `%${key ?? ''}` };
  }
  return { ok: true, text: out };
}
