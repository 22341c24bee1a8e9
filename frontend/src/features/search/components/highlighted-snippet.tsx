import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#39;': "'",
};

/** Undo the API's HTML escaping; the result is rendered as text, so it stays inert. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** The API's snippet is HTML-escaped text with <mark>…</mark> around matches. Split on the mark
 * tags and render the pieces as text: no HTML from the archive ever reaches the DOM. */
export function HighlightedSnippet({ snippet }: { snippet: string }) {
  const parts: ReactNode[] = [];
  const pieces = snippet.split(/(<mark>|<\/mark>)/);
  let marked = false;
  pieces.forEach((piece, index) => {
    if (piece === '<mark>') marked = true;
    else if (piece === '</mark>') marked = false;
    else if (piece) parts.push(marked ? <mark key={index}>{unescapeHtml(piece)}</mark> : unescapeHtml(piece));
  });
  return <span className="snippet">{parts}</span>;
}
