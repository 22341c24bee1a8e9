import type { Message, MessageFlags } from '@/lib/api-types';
import { formatDateTime } from '@/lib/format';
import type { MessageMarkers } from '@/features/messages/utils/raw-content';

const DAY_S = 86_400;

/** A disappearing timer as WhatsApp names it: "24 hours", "7 days", "90 days". */
export function timerLabel(seconds: number): string {
  if (seconds % DAY_S === 0) {
    const days = seconds / DAY_S;
    return days === 1 ? '24 hours' : `${days} days`;
  }
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  return `${Math.round(seconds / 60)} minutes`;
}

function forwardedLabel(flags: MessageFlags): string | null {
  if (flags.forwarded_many_times) return '↪↪ Forwarded many times';
  return flags.forwarded ? '↪ Forwarded' : null;
}

function disappearingLabel(flags: MessageFlags, markers: MessageMarkers): string | null {
  if (flags.ephemeral_timer_s) return `⏱ Disappears after ${timerLabel(flags.ephemeral_timer_s)}`;
  return flags.ephemeral || markers.ephemeral ? '⏱ disappearing' : null;
}

/** What WhatsApp shows above a message's content: forwarded, view once, disappearing, @all, sender kind. */
export function FlagLine({ message, markers }: { message: Message; markers: MessageMarkers }) {
  const { flags } = message;
  const tags = [
    forwardedLabel(flags),
    flags.view_once || markers.viewOnce ? 'view once' : null,
    disappearingLabel(flags, markers),
    flags.mentions_everyone ? '@ everyone' : null,
    flags.from_bot ? '🤖 bot' : null,
    flags.from_business ? '✔ business' : null,
  ].filter((tag): tag is string => tag !== null);
  if (tags.length === 0) return null;
  return (
    <div className="markers small muted">
      {tags.map((tag) => (
        <span key={tag} className="tag">
          {tag}
        </span>
      ))}
    </div>
  );
}

/** Pinned, kept and starred, next to the time (as WhatsApp puts its pin and star). */
export function StateMarks({ flags }: { flags: MessageFlags }) {
  return (
    <>
      {flags.pinned_at !== null && (
        <span
          className="state-mark"
          role="img"
          aria-label="Pinned"
          title={`Pinned · ${formatDateTime(flags.pinned_at)}`}
        >
          📌
        </span>
      )}
      {flags.kept && (
        <span className="state-mark" role="img" aria-label="Kept in chat" title="Kept in chat">
          🔖
        </span>
      )}
      {flags.starred && (
        <span className="state-mark" role="img" aria-label="Starred" title="Starred">
          ⭐
        </span>
      )}
    </>
  );
}
