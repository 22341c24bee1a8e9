import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MessageBubble } from '@/features/messages/components/message-bubble';
import { makeMessage } from '@/testing/fixtures';

describe('MessageBubble sender avatar', () => {
  it('shows the sender picture beside the name in a group bubble', () => {
    const message = makeMessage({
      sender_name: 'Bob',
      sender_avatar_url: '/api/pictures/4915187654321@s.whatsapp.net?v=9',
    });
    const { container } = render(<MessageBubble message={message} showSender />);
    const sender = container.querySelector('.sender') as HTMLElement;
    expect(sender.querySelector('img')?.getAttribute('src')).toBe('/api/pictures/4915187654321@s.whatsapp.net?v=9');
    expect(sender.textContent).toContain('Bob');
  });

  it('shows the initials when the sender has no picture, and nothing when not a group bubble', () => {
    const message = makeMessage({ sender_name: 'Bob', sender_avatar_url: null });
    const { container, rerender } = render(<MessageBubble message={message} showSender />);
    expect(container.querySelector('.sender .avatar')?.textContent).toBe('B');
    expect(container.querySelector('.sender img')).toBeNull();
    rerender(<MessageBubble message={message} />);
    expect(container.querySelector('.avatar')).toBeNull();
  });
});
