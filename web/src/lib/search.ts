// Search-to-add over the instrument list, client-side: exact symbol first, then symbol
// prefix, name word prefix, substring, and last a fuzzy subsequence match.

export interface Searchable {
  instrument_token: number;
  tradingsymbol: string;
  name: string;
  exchange: string;
}

function subsequence(needle: string, haystack: string): number | null {
  // A score for needle's letters appearing in order: smaller gaps score higher.
  let position = -1;
  let gaps = 0;
  for (const char of needle) {
    const next = haystack.indexOf(char, position + 1);
    if (next < 0) return null;
    gaps += next - position - 1;
    position = next;
  }
  return gaps;
}

export function score(query: string, item: Searchable): number | null {
  const q = query.trim().toUpperCase();
  if (!q) return null;
  const symbol = item.tradingsymbol.toUpperCase();
  const name = item.name.toUpperCase();
  if (symbol === q) return 0;
  if (symbol.startsWith(q)) return 10 + symbol.length - q.length;
  if (name.split(/\s+/).some((word) => word.startsWith(q))) return 100;
  if (symbol.includes(q)) return 200;
  if (name.includes(q)) return 300;
  const fuzzy = subsequence(q, symbol) ?? subsequence(q, name);
  return fuzzy === null ? null : 1000 + fuzzy;
}

export function search<T extends Searchable>(query: string, items: T[], limit = 12): T[] {
  const scored: { item: T; score: number }[] = [];
  for (const item of items) {
    const s = score(query, item);
    if (s !== null) scored.push({ item, score: s });
  }
  scored.sort((a, b) => a.score - b.score || a.item.tradingsymbol.localeCompare(b.item.tradingsymbol));
  return scored.slice(0, limit).map((s) => s.item);
}
