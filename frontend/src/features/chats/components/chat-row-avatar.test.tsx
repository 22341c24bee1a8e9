import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ChatList } from '@/features/chats/components/chat-list';
import { makeChat } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

describe('ChatList avatars', () => {
  it('shows the chat picture where there is one and the initials elsewhere', async () => {
    const chats = [
      makeChat(1, { name: 'Anna Schmidt', avatar_url: '/api/pictures/4915100000001@s.whatsapp.net?v=1764001310' }),
      makeChat(2, { name: 'Carl' }),
    ];
    mockFetch({ 'GET /api/chats': () => json({ items: chats, next_cursor: null }) });
    render(<ChatList />);
    const [anna, carl] = within(await screen.findByRole('listbox', { name: 'Chats' })).getAllByRole(
      'option',
    ) as HTMLElement[];
    expect(anna?.querySelector('img.avatar-picture')?.getAttribute('src')).toBe(
      '/api/pictures/4915100000001@s.whatsapp.net?v=1764001310',
    );
    expect(carl?.querySelector('img')).toBeNull();
    expect(within(carl as HTMLElement).getByText('C')).toBeTruthy();
  });
});
