import type { Call } from '@/lib/api-types';
import { formatDateTime, formatDuration, jidLabel } from '@/lib/format';

const OUTCOME_LABEL: Record<string, string> = {
  connected: '',
  missed: 'Missed',
  rejected: 'Declined',
  cancelled: 'Cancelled',
  accepted_elsewhere: 'Answered on another device:',
  unavailable: 'Unavailable:',
  failed: 'Failed',
  abandoned: 'Abandoned',
  ongoing: 'Ongoing',
  upcoming: 'Scheduled',
  invalid: 'Invalid',
  ringing: 'Ringing:',
};

/** "Missed video call", "Outgoing voice call", "Group voice call" (what WhatsApp writes in a chat). */
export function callTitle(call: Call): string {
  const medium = call.video ? 'video call' : 'voice call';
  const kind = call.group ? `group ${medium}` : medium;
  const prefix = OUTCOME_LABEL[call.outcome] ?? '';
  if (prefix) return `${prefix} ${kind}`;
  const direction = call.from_me ? 'Outgoing' : 'Incoming';
  return `${direction} ${kind}`;
}

const UNANSWERED = new Set(['missed', 'rejected', 'cancelled', 'failed', 'abandoned', 'unavailable']);

/** One call as a row: icon, title, who and with whom (in the calls list), when, how long. */
export function CallEntry({ call, showChat = false }: { call: Call; showChat?: boolean }) {
  const unanswered = UNANSWERED.has(call.outcome);
  const duration = call.duration_s ? ` · ${formatDuration(call.duration_s)}` : '';
  const who = call.chat_name ?? jidLabel(call.chat_jid);
  return (
    <div className={`call-entry${unanswered ? ' call-unanswered' : ''}`} data-call-id={call.call_id} role="listitem">
      <span className="call-icon" aria-hidden="true">
        {call.video ? '🎥' : '📞'}
      </span>
      <span className="call-title">{callTitle(call)}</span>
      {showChat && <span className="call-chat">{who}</span>}
      <time className="small muted" dateTime={new Date(call.started_at).toISOString()}>
        {formatDateTime(call.started_at)}
        {duration}
      </time>
    </div>
  );
}
