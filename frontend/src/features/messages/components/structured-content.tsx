import type { Message } from '@/lib/api-types';
import { contactsOf, locationOf, mapLink, pollOf } from '@/features/messages/utils/raw-content';

export function LocationContent({ message }: { message: Message }) {
  const location = locationOf(message.content);
  if (!location) return <span className="muted">📍 Location (no coordinates)</span>;
  return (
    <div className="location">
      <span aria-hidden="true">📍</span>
      <div>
        {location.name && <div className="strong">{location.name}</div>}
        {location.address && <div className="small">{location.address}</div>}
        <div className="small mono">
          {location.latitude.toFixed(6)}, {location.longitude.toFixed(6)}
          {location.live ? ' · live' : ''}
        </div>
        <a href={mapLink(location)} target="_blank" rel="noopener noreferrer nofollow">
          Open map
        </a>
      </div>
    </div>
  );
}

export function ContactContent({ message }: { message: Message }) {
  const contacts = contactsOf(message.content);
  if (contacts.length === 0) return <span className="muted">👤 Contact card</span>;
  return (
    <ul className="contact-cards" aria-label="Contact cards">
      {contacts.map((contact, index) => (
        <li key={index} className="contact-card">
          <span aria-hidden="true">👤</span>
          <div>
            <div className="strong">{contact.name}</div>
            {contact.phones.map((phone) => (
              <div key={phone} className="small mono">
                {phone}
              </div>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

export function PollContent({ message }: { message: Message }) {
  const poll = pollOf(message.content);
  if (!poll) return <span className="muted">📊 Poll</span>;
  const tally = tallyVotes(poll.options, message.poll_votes ?? []);
  return (
    <div className="poll">
      <div className="strong">📊 {poll.question}</div>
      <div className="muted small">{poll.selectableCount === 1 ? 'Select one' : 'Select one or more'}</div>
      <ul aria-label="Poll options">
        {poll.options.map((option) => {
          const votes = tally.counts.get(option) ?? 0;
          const share = tally.voters ? Math.round((votes / tally.voters) * 100) : 0;
          return (
            <li key={option} className="poll-option">
              <span className="poll-option-name">{option}</span>
              <span className="poll-option-votes" aria-label={`${votes} ${votes === 1 ? 'vote' : 'votes'}`}>
                {votes}
              </span>
              <span className="poll-option-bar" style={{ width: `${share}%` }} aria-hidden="true" />
            </li>
          );
        })}
      </ul>
      <div className="muted small" aria-label="Poll voters">
        {tally.voters === 1 ? '1 voter' : `${tally.voters} voters`}
        {tally.unnamed ? ` · ${tally.unnamed} choice${tally.unnamed === 1 ? '' : 's'} not matched to an option` : ''}
      </div>
    </div>
  );
}

function tallyVotes(options: string[], votes: Message['poll_votes']) {
  const counts = new Map(options.map((option) => [option, 0]));
  let unnamed = 0;
  let voters = 0;
  for (const vote of votes) {
    if (vote.selected_options.length) voters += 1;
    for (const choice of vote.selected_options) {
      const current = counts.get(choice);
      if (current === undefined) unnamed += 1;
      else counts.set(choice, current + 1);
    }
  }
  return { counts, unnamed, voters };
}
