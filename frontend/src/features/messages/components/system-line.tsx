import type { CallEntry, Message, SystemEntry } from '@/lib/api-types';
import { formatClock, formatDuration, jidLabel } from '@/lib/format';

/** Group changes and calls: centred lines in the timeline, not bubbles. */
export const isTimelineEntry = (message: Message): boolean => message.type === 'system' || message.type === 'call';

type Member = SystemEntry['participants'][number];

const nameOf = (member: Member): string => member.name?.trim() || jidLabel(member.jid);

/** "Anna", "Anna and Bob", "Anna, Bob and Carla". */
export function namesOf(members: Member[]): string {
  const names = members.map(nameOf);
  if (names.length <= 1) return names[0] ?? 'someone';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

function actorOf(entry: SystemEntry): string {
  if (entry.actor_name?.trim()) return entry.actor_name.trim();
  return entry.actor_jid ? jidLabel(entry.actor_jid) : 'Someone';
}

function timerText(seconds: number | null): string {
  if (!seconds) return '';
  const days = Math.round(seconds / 86_400);
  if (days >= 1) return days === 1 ? ' (24 hours)' : ` (${days} days)`;
  return ` (${Math.round(seconds / 3600)} hours)`;
}

type Wording = (actor: string, entry: SystemEntry) => string;

const WORDING: Record<string, Wording> = {
  subject: (actor, e) => `${actor} changed the subject to “${e.value ?? ''}”`,
  description: (actor, e) =>
    e.value ? `${actor} changed the group description` : `${actor} removed the group description`,
  announce: (actor, e) =>
    e.on ? `${actor} changed the group so only admins can send messages` : `${actor} allowed everyone to send messages`,
  locked: (actor, e) =>
    e.on
      ? `${actor} changed the group so only admins can edit its info`
      : `${actor} allowed everyone to edit the group info`,
  ephemeral: (actor, e) =>
    e.on
      ? `${actor} turned on disappearing messages${timerText(e.timer_s)}`
      : `${actor} turned off disappearing messages`,
  joined: (_actor, e) => `${namesOf(e.participants)} joined`,
  added: (actor, e) => `${actor} added ${namesOf(e.participants)}`,
  left: (_actor, e) => `${namesOf(e.participants)} left`,
  removed: (actor, e) => `${actor} removed ${namesOf(e.participants)}`,
  promoted: (_actor, e) => `${namesOf(e.participants)} is now an admin`,
  demoted: (_actor, e) => `${namesOf(e.participants)} is no longer an admin`,
  invite_link: (actor) => `${actor} reset the group's invite link`,
  deleted: (actor) => `${actor} deleted the group`,
};

/** What WhatsApp writes for a group change ("Anna changed the subject to “…”", "Bob added Carla"). */
export function systemText(entry: SystemEntry): string {
  const wording = WORDING[entry.change];
  return wording ? wording(actorOf(entry), entry) : `${actorOf(entry)} changed the group`;
}

const UNANSWERED = new Set(['missed', 'rejected', 'cancelled', 'failed', 'abandoned', 'unavailable']);
const OUTCOME: Record<string, string> = {
  missed: 'Missed',
  rejected: 'Declined',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** "Missed video call", "Voice call · 1:05", "Group voice call". */
export function callText(call: CallEntry, fromMe: boolean): string {
  const medium = call.video ? 'video call' : 'voice call';
  const kind = call.group ? `group ${medium}` : medium;
  const prefix = OUTCOME[call.outcome];
  const title = prefix ? `${prefix} ${kind}` : `${fromMe ? 'Outgoing' : 'Incoming'} ${kind}`;
  return call.duration_s ? `${title} · ${formatDuration(call.duration_s)}` : title;
}

/** One timeline entry, centred; every name and subject is rendered as text (never as markup). */
export function SystemLine({ message }: { message: Message }) {
  const call = message.call;
  const text = message.system ? systemText(message.system) : call ? callText(call, message.from_me) : 'Call';
  const missed = !!call && UNANSWERED.has(call.outcome);
  return (
    <div
      className={`system-line${missed ? ' call-unanswered' : ''}`}
      data-message-id={message.id}
      data-type={message.type}
      role="note"
    >
      {message.type === 'call' && (
        <span className="call-icon" aria-hidden="true">
          {call?.video ? '🎥' : '📞'}
        </span>
      )}
      <span className="system-text">{text}</span>
      <time className="system-time" dateTime={new Date(message.timestamp).toISOString()}>
        {formatClock(message.timestamp)}
      </time>
    </div>
  );
}
