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
  return (
    <div className="poll">
      <div className="strong">📊 {poll.question}</div>
      <div className="muted small">{poll.selectableCount === 1 ? 'Select one' : 'Select one or more'}</div>
      <ul aria-label="Poll options">
        {poll.options.map((option) => (
          <li key={option}>{option}</li>
        ))}
      </ul>
    </div>
  );
}
