import type { ChatKind } from '@/lib/api-types';

const ICONS: Record<ChatKind, { glyph: string; label: string }> = {
  direct: { glyph: '👤', label: 'Private chat' },
  group: { glyph: '👥', label: 'Group' },
  community: { glyph: '🏘', label: 'Community' },
  newsletter: { glyph: '📣', label: 'Channel' },
  status: { glyph: '◌', label: 'Status' },
  broadcast: { glyph: '📢', label: 'Broadcast list' },
};

export const kindLabel = (kind: ChatKind): string => ICONS[kind]?.label ?? kind;

export function KindIcon({ kind }: { kind: ChatKind }) {
  const icon = ICONS[kind] ?? { glyph: '?', label: kind };
  return (
    <span className="kind-icon" role="img" aria-label={icon.label} title={icon.label}>
      {icon.glyph}
    </span>
  );
}
