import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { MessageBubble } from '@/features/messages/components/message-bubble';
import { makeMedia, makeMessage } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

describe('MessageBubble', () => {
  it('renders text with clickable, safe links and no injected HTML', () => {
    const text = 'see https://example.org/a?b=1, and <img src=x onerror="alert(1)"> javascript:alert(1)';
    const { container } = render(<MessageBubble message={makeMessage({ text })} />);
    const link = screen.getByRole('link', { name: 'https://example.org/a?b=1' });
    expect(link.getAttribute('href')).toBe('https://example.org/a?b=1');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getAllByRole('link')).toHaveLength(1);
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
  });

  it('shows the sender name in groups only when asked', () => {
    const { rerender } = render(<MessageBubble message={makeMessage()} showSender />);
    expect(screen.getByText('Bob')).toBeTruthy();
    rerender(<MessageBubble message={makeMessage()} />);
    expect(screen.queryByText('Bob')).toBeNull();
  });

  it('shows an image thumbnail first, then the full image, and opens a lightbox', async () => {
    const message = makeMessage({ type: 'image', text: 'Beach', media: makeMedia() });
    const { container } = render(<MessageBubble message={message} />);
    const thumb = container.querySelector('img.media-thumb');
    const full = screen.getByAltText('Beach');
    expect(thumb?.getAttribute('src')).toBe('/api/media/file_abc123/thumbnail');
    expect(full.getAttribute('src')).toBe('/api/media/file_abc123');
    expect(full.className).toContain('loading');
    full.dispatchEvent(new Event('load'));
    expect(await screen.findByAltText('Beach')).toBeTruthy();
    expect(container.querySelector('img.media-thumb')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Open photo' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('img').getAttribute('src')).toBe('/api/media/file_abc123');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('renders video, audio and voice players on the media URL', () => {
    const media = makeMedia({ mime: 'video/mp4', duration_s: 65 });
    const { container, rerender } = render(
      <MessageBubble message={makeMessage({ type: 'video', text: null, media })} />,
    );
    expect(container.querySelector('video')?.getAttribute('src')).toBe('/api/media/file_abc123');
    rerender(<MessageBubble message={makeMessage({ type: 'audio', text: null, media })} />);
    expect(screen.getByLabelText('Audio').getAttribute('src')).toBe('/api/media/file_abc123');
    rerender(<MessageBubble message={makeMessage({ type: 'voice', text: null, media })} />);
    expect(screen.getByLabelText('Voice message')).toBeTruthy();
    expect(screen.getByText('1:05')).toBeTruthy();
  });

  it('renders a document with its name, size, an open link and a download link', () => {
    const media = makeMedia({ mime: 'application/pdf', size: 2_097_152, file_name: 'report.pdf' });
    render(<MessageBubble message={makeMessage({ type: 'document', text: null, media })} />);
    expect(screen.getByText('report.pdf')).toBeTruthy();
    expect(screen.getByText('application/pdf · 2.0 MB')).toBeTruthy();
    const open = screen.getByRole('link', { name: 'Open report.pdf' });
    expect(open.getAttribute('href')).toBe(media.url);
    expect(open.getAttribute('target')).toBe('_blank');
    expect(open.getAttribute('rel')).toBe('noopener noreferrer');
    const download = screen.getByRole('link', { name: 'Download report.pdf' });
    expect(download.getAttribute('download')).toBe('report.pdf');
  });

  it('names a document that was not downloaded without a link', () => {
    const media = makeMedia({ mime: 'application/pdf', file_name: 'lost.pdf', status: 'unavailable', url: null });
    render(<MessageBubble message={makeMessage({ type: 'document', text: null, media })} />);
    expect(screen.getByText('lost.pdf')).toBeTruthy();
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('renders a sticker without a bubble', () => {
    const { container } = render(
      <MessageBubble
        message={makeMessage({ type: 'sticker', text: null, media: makeMedia({ mime: 'image/webp' }) })}
      />,
    );
    expect(screen.getByAltText('Sticker')).toBeTruthy();
    expect(container.querySelector('.bubble-sticker')).not.toBeNull();
  });

  it('renders a location with coordinates and a map link', () => {
    const content = {
      locationMessage: {
        degreesLatitude: 52.521918,
        degreesLongitude: 13.413215,
        name: 'Alexanderplatz',
        address: '10178 Berlin',
      },
    };
    render(<MessageBubble message={makeMessage({ type: 'location', text: null, content })} />);
    expect(screen.getByText('Alexanderplatz')).toBeTruthy();
    expect(screen.getByText('52.521918, 13.413215')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open map' }).getAttribute('href')).toContain('mlat=52.521918');
  });

  it('renders a contact card with name and phone', () => {
    const vcard =
      'BEGIN:VCARD\nVERSION:3.0\nFN:Max Mustermann\nTEL;type=CELL;waid=4915199999999:+49 151 99999999\nEND:VCARD';
    render(
      <MessageBubble
        message={makeMessage({
          type: 'contact',
          text: null,
          content: { contactMessage: { displayName: 'Max Mustermann', vcard } },
        })}
      />,
    );
    expect(screen.getByText('Max Mustermann')).toBeTruthy();
    expect(screen.getByText('+49 151 99999999')).toBeTruthy();
  });

  it('renders a poll with its options', () => {
    const content = {
      pollCreationMessageV3: {
        name: 'Wann?',
        options: [{ optionName: 'Freitag' }, { optionName: 'Samstag' }],
        selectableOptionsCount: 1,
      },
    };
    render(<MessageBubble message={makeMessage({ type: 'poll', text: null, content })} />);
    expect(screen.getByText('📊 Wann?')).toBeTruthy();
    const options = within(screen.getByRole('list', { name: 'Poll options' })).getAllByRole('listitem');
    expect(options.map((option) => within(option).getByText(/tag$/).textContent)).toEqual(['Freitag', 'Samstag']);
    expect(screen.getByLabelText('Poll voters').textContent).toBe('0 voters');
  });

  it("counts each voter's current choices per option", () => {
    const content = {
      pollCreationMessageV3: {
        name: 'Wann?',
        options: [{ optionName: 'Freitag' }, { optionName: 'Samstag' }],
        selectableOptionsCount: 2,
      },
    };
    const poll_votes = [
      { voter_jid: 'a@s.whatsapp.net', selected_options: ['Samstag'], voted_at: 1 },
      { voter_jid: 'b@s.whatsapp.net', selected_options: ['Freitag', 'Samstag'], voted_at: 2 },
      { voter_jid: 'c@s.whatsapp.net', selected_options: [], voted_at: 3 },
      { voter_jid: 'd@s.whatsapp.net', selected_options: ['f'.repeat(64)], voted_at: 4 },
    ];
    render(<MessageBubble message={makeMessage({ type: 'poll', text: null, content, poll_votes })} />);
    const [friday, saturday] = within(screen.getByRole('list', { name: 'Poll options' })).getAllByRole('listitem');
    if (!friday || !saturday) throw new Error('two options expected');
    expect(within(friday).getByLabelText('1 vote').textContent).toBe('1');
    expect(within(saturday).getByLabelText('2 votes').textContent).toBe('2');
    expect(screen.getByLabelText('Poll voters').textContent).toBe('3 voters · 1 choice not matched to an option');
  });

  it('shows a deleted message as deleted and reveals the original on demand', async () => {
    render(<MessageBubble message={makeMessage({ text: 'secret plan', deleted_at: Date.UTC(2025, 10, 24, 11) })} />);
    expect(screen.getByText(/This message was deleted/)).toBeTruthy();
    expect(screen.queryByText('secret plan')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Show original' }));
    expect(screen.getByText('secret plan')).toBeTruthy();
  });

  it('marks an edited message and loads its version history', async () => {
    const { calls } = mockFetch({
      'GET /api/messages/120363012345678901@g.us/MSG1/versions': () =>
        json({
          chat_jid: '120363012345678901@g.us',
          message_id: 'MSG1',
          versions: [
            { edited_at: 1, is_original: true, text: 'first draft' },
            { edited_at: 2, is_original: false, text: 'Hello' },
          ],
        }),
    });
    render(<MessageBubble message={makeMessage({ edited_at: 2, versions_count: 1 })} />);
    await userEvent.click(screen.getByRole('button', { name: 'edited' }));
    expect(await screen.findByText('first draft')).toBeTruthy();
    expect(calls).toHaveLength(1);
  });

  it('shows reactions, a clickable quoted reply and read ticks on own messages', async () => {
    const onJump = vi.fn();
    const message = makeMessage({
      from_me: true,
      status: 2,
      quoted: { id: 'Q1', sender_jid: '4915112345678@s.whatsapp.net', text: 'original question', type: 'text' },
      reactions: [
        { emoji: '👍', reactor_jid: 'a@s.whatsapp.net', reacted_at: 1 },
        { emoji: '👍', reactor_jid: 'b@s.whatsapp.net', reacted_at: 2 },
        { emoji: '❤️', reactor_jid: 'c@s.whatsapp.net', reacted_at: 3 },
      ],
    });
    render(<MessageBubble message={message} onJumpToMessage={onJump} />);
    expect(screen.getByRole('img', { name: 'Read' })).toBeTruthy();
    const reactions = within(screen.getByRole('list', { name: 'Reactions' })).getAllByRole('listitem');
    expect(reactions.map((item) => item.textContent)).toEqual(['👍 2', '❤️']);
    await userEvent.click(screen.getByRole('button', { name: 'Go to the quoted message' }));
    expect(onJump).toHaveBeenCalledWith('Q1');
  });

  it('shows no ticks on messages from others', () => {
    render(<MessageBubble message={makeMessage({ status: 2 })} />);
    expect(screen.queryByRole('img', { name: 'Read' })).toBeNull();
  });

  it.each([
    ['unavailable', 'Media no longer available on WhatsApp'],
    ['failed', '⚠ Media download failed'],
    ['skipped', 'Media not downloaded (auto-download is off)'],
  ])('shows the %s media state', (status, text) => {
    const media = makeMedia({ status, url: null, thumbnail_url: null });
    render(<MessageBubble message={makeMessage({ type: 'video', text: null, media })} />);
    expect(screen.getByRole('note').textContent).toBe(text);
  });

  it('marks view-once messages and names unsupported types', () => {
    render(
      <MessageBubble
        message={makeMessage({
          type: 'unknown',
          text: null,
          content: { viewOnceMessageV2: { message: { imageMessage: { viewOnce: true } } } },
        })}
      />,
    );
    expect(screen.getByText('view once')).toBeTruthy();
    expect(screen.getByText('Unsupported message (unknown)')).toBeTruthy();
  });
});
