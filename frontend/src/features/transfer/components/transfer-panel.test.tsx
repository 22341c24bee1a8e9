import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useNavigationStore } from '@/stores/navigation-store';
import { browserTimeZone } from '@/features/transfer/api/transfer-api';
import type { ExportStatus, ImportStatus, ImportSummary } from '@/features/transfer/api/transfer-types';
import { TransferPanel } from '@/features/transfer/components/transfer-panel';
import { makeTracking } from '@/testing/fixtures';
import { json, mockFetch } from '@/testing/mock-fetch';

const ANNA = makeTracking(1, { jid: '4915112345678@s.whatsapp.net', name: 'Anna', kind: 'direct' });
const CLUB = makeTracking(2, { name: 'Book club' });
const JOB = '00000000-0000-4000-8000-00000000000a';
const SUMMARY: ImportSummary = {
  chat_jid: ANNA.jid,
  lines: 5,
  messages: 3,
  imported: 2,
  already_imported: 0,
  matched: 1,
  skipped: [
    { reason: 'deleted message', count: 1 },
    { reason: 'system line: encryption notice', count: 1 },
  ],
  media_stored: 1,
  media_missing: 0,
  date_order: 'day-first (a day above 12)',
  senders: [
    { name: 'Anna', jid: ANNA.jid, from_me: false, how: 'direct chat' },
    { name: 'Me', jid: '4915100000000@s.whatsapp.net', from_me: true, how: 'me' },
  ],
  published: true,
};

const importStatus = (overrides: Partial<ImportStatus>): ImportStatus => ({
  id: JOB,
  state: 'parsing',
  file_name: 'chat.zip',
  size: 10,
  chat_jid: ANNA.jid,
  dry_run: false,
  error: null,
  batches_total: null,
  batches_applied: null,
  summary: null,
  created_at: '',
  updated_at: '',
  ...overrides,
});

const exportStatus = (overrides: Partial<ExportStatus>): ExportStatus => ({
  id: JOB,
  state: 'running',
  chats_total: 2,
  chats_done: 0,
  messages_total: 200,
  messages_done: 50,
  files: 0,
  missing_files: 0,
  current_chat: 'Anna',
  error: null,
  file_name: null,
  size: null,
  download_url: null,
  created_at: '',
  updated_at: '',
  ...overrides,
});

/** The browser's XHR at the network boundary: every upload reports half, then all, then 204. */
class FakeUpload {
  static sent: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = [];
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  status = 0;
  responseText = '';
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private method = '';
  private url = '';
  private headers: Record<string, string> = {};
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  abort() {}
  send(body: Blob | FormData) {
    FakeUpload.sent.push({ method: this.method, url: this.url, body, headers: this.headers });
    const total = body instanceof Blob ? body.size : 100;
    setTimeout(() => {
      this.upload.onprogress?.({ loaded: total / 2, total, lengthComputable: true } as ProgressEvent);
      setTimeout(() => {
        this.status = 204;
        this.onload?.();
      }, 30);
    }, 10);
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeUpload.sent = [];
});

function sequence<T>(...replies: T[]) {
  let index = 0;
  return () => json(replies[Math.min(index++, replies.length - 1)]);
}

describe('TransferPanel: import', () => {
  it('uploads the file, follows the job through ingest and shows the summary', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeUpload);
    const { calls } = mockFetch({
      'GET /api/tracking': () => json([ANNA, CLUB]),
      'POST /api/imports': () =>
        json(
          {
            id: JOB,
            state: 'created',
            upload: { method: 'PUT', url: `/api/imports/${JOB}/file`, fields: {}, max_bytes: 10 },
          },
          201,
        ),
      [`POST /api/imports/${JOB}/start`]: () => json(importStatus({ state: 'queued' }), 202),
      [`GET /api/imports/${JOB}`]: sequence(
        importStatus({ state: 'parsing' }),
        importStatus({ state: 'ingesting', batches_total: 2, batches_applied: 1, summary: SUMMARY }),
        importStatus({ state: 'done', batches_total: 2, batches_applied: 2, summary: SUMMARY }),
      ),
    });
    render(<TransferPanel />);
    const form = screen.getByRole('form', { name: 'Import a chat export' });
    await within(form).findByRole('option', { name: 'Anna' });
    await userEvent.upload(
      within(form).getByLabelText(/WhatsApp export/),
      new File(['0123456789'], 'chat.zip', { type: 'application/zip' }),
    );
    await userEvent.selectOptions(within(form).getByLabelText('Chat'), ANNA.jid);
    await userEvent.type(within(form).getByLabelText('Your name in the file'), 'Me');
    await userEvent.click(within(form).getByRole('button', { name: 'Import' }));

    await screen.findByRole('progressbar', { name: 'Upload' });
    const created = calls.find((call) => call.method === 'POST' && call.url.pathname === '/api/imports');
    expect(created?.body).toEqual({
      file_name: 'chat.zip',
      size: 10,
      chat_jid: ANNA.jid,
      chat_name: null,
      me_name: 'Me',
      time_zone: browserTimeZone(),
      date_order: null,
      mapping: null,
      dry_run: false,
    });
    expect(FakeUpload.sent).toHaveLength(1);
    expect(FakeUpload.sent[0]).toMatchObject({
      method: 'PUT',
      url: `/api/imports/${JOB}/file`,
      headers: { 'Content-Type': 'application/octet-stream' },
    });

    await screen.findByText('Adding to the archive', {}, { timeout: 3000 });
    expect(screen.getByRole('progressbar', { name: 'Ingest: 1 of 2 batches' }).getAttribute('aria-valuenow')).toBe(
      '50',
    );
    expect(screen.getByRole('progressbar', { name: 'Upload' }).getAttribute('aria-valuenow')).toBe('100');
    await screen.findByText('Imported', { selector: 'p' }, { timeout: 3000 });
    const summary = screen.getByLabelText('Import summary');
    expect(within(summary).getByText('Matched archived copies').nextSibling?.textContent).toBe('1');
    expect(within(summary).getByText('1 × deleted message')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Open the chat' }));
    expect(useNavigationStore.getState()).toMatchObject({ view: 'chats', selectedChatJid: ANNA.jid });
  });

  it('checks the senders first, then imports the same file with the ones settled in the review', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeUpload);
    const SECOND = '00000000-0000-4000-8000-00000000000b';
    const stranger = { name: 'Carla', jid: '00012345678901234567@lid', from_me: false, how: 'synthetic' };
    const checked: ImportSummary = {
      ...SUMMARY,
      imported: 0,
      senders: [...SUMMARY.senders, stranger],
      published: false,
    };
    const mapped = { ...stranger, jid: '491701234567@s.whatsapp.net', how: 'mapped' };
    const { calls } = mockFetch({
      'GET /api/tracking': () => json([CLUB]),
      'POST /api/imports': sequence(
        {
          id: JOB,
          state: 'created',
          upload: { method: 'PUT', url: `/api/imports/${JOB}/file`, fields: {}, max_bytes: 10 },
        },
        {
          id: SECOND,
          state: 'created',
          upload: { method: 'PUT', url: `/api/imports/${SECOND}/file`, fields: {}, max_bytes: 10 },
        },
      ),
      [`POST /api/imports/${JOB}/start`]: () => json(importStatus({ state: 'queued', dry_run: true }), 202),
      [`GET /api/imports/${JOB}`]: () =>
        json(importStatus({ state: 'done', dry_run: true, batches_total: 0, summary: checked })),
      [`POST /api/imports/${SECOND}/start`]: () => json(importStatus({ id: SECOND, state: 'queued' }), 202),
      [`GET /api/imports/${SECOND}`]: () =>
        json(
          importStatus({
            id: SECOND,
            state: 'done',
            batches_total: 1,
            batches_applied: 1,
            summary: { ...SUMMARY, senders: [mapped] },
          }),
        ),
    });
    render(<TransferPanel />);
    const form = screen.getByRole('form', { name: 'Import a chat export' });
    await within(form).findByRole('option', { name: 'Book club' });
    await userEvent.upload(within(form).getByLabelText(/WhatsApp export/), new File(['0123456789'], 'chat.zip'));
    await userEvent.selectOptions(within(form).getByLabelText('Chat'), CLUB.jid);
    await userEvent.click(within(form).getByLabelText(/Check the senders first/));
    await userEvent.click(within(form).getByRole('button', { name: 'Check' }));

    const review = await screen.findByRole('form', { name: 'Review the senders' }, { timeout: 3000 });
    expect(screen.queryByRole('button', { name: 'Open the chat' })).toBeNull();
    expect(within(review).queryByLabelText('Anna')).toBeNull(); // recognized: not asked about
    await userEvent.type(within(review).getByLabelText('Carla'), ' +49 170 1234567 ');
    await userEvent.click(within(review).getByRole('button', { name: 'Import with these senders' }));

    await screen.findByRole('button', { name: 'Open the chat' }, { timeout: 3000 });
    const bodies = calls
      .filter((call) => call.method === 'POST' && call.url.pathname === '/api/imports')
      .map((call) => call.body);
    expect(bodies).toEqual([
      expect.objectContaining({ chat_jid: CLUB.jid, dry_run: true, mapping: null }),
      expect.objectContaining({ chat_jid: CLUB.jid, dry_run: false, mapping: { Carla: '+49 170 1234567' } }),
    ]);
    expect(FakeUpload.sent.map((sent) => sent.url)).toEqual([
      `/api/imports/${JOB}/file`,
      `/api/imports/${SECOND}/file`,
    ]);
    expect(screen.getByText(/491701234567@s.whatsapp.net/)).toBeTruthy();
  });

  it('posts the form to the bucket in redirect mode and shows the reason of a failed import', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeUpload);
    mockFetch({
      'GET /api/tracking': () => json([ANNA]),
      'POST /api/imports': () =>
        json(
          {
            id: JOB,
            state: 'created',
            upload: {
              method: 'POST',
              url: 'https://bucket.example/media',
              fields: { key: 'uploads/x', policy: 'p' },
              max_bytes: 10,
            },
          },
          201,
        ),
      [`POST /api/imports/${JOB}/start`]: () => json(importStatus({ state: 'queued' }), 202),
      [`GET /api/imports/${JOB}`]: () =>
        json(importStatus({ state: 'failed', error: 'notes.txt: line 1 is not a WhatsApp message' })),
    });
    render(<TransferPanel />);
    const form = screen.getByRole('form', { name: 'Import a chat export' });
    await userEvent.upload(within(form).getByLabelText(/WhatsApp export/), new File(['0123456789'], 'notes.txt'));
    expect((within(form).getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true); // a new chat needs a name
    await userEvent.type(within(form).getByLabelText("New chat's name"), 'Notes');
    await userEvent.click(within(form).getByRole('button', { name: 'Import' }));
    expect((await screen.findByRole('alert')).textContent).toBe('notes.txt: line 1 is not a WhatsApp message');
    const sent = FakeUpload.sent[0];
    expect(sent?.method).toBe('POST');
    const form_ = sent?.body as FormData;
    expect([...form_.keys()]).toEqual(['key', 'policy', 'file']);
  });
});

describe('TransferPanel: export', () => {
  it('exports the chosen chats and formats, shows progress, then the download link', async () => {
    const { calls } = mockFetch({
      'GET /api/tracking': () => json([ANNA, CLUB, makeTracking(3, { name: 'Empty', message_count: 0 })]),
      'POST /api/exports': () => json(exportStatus({ state: 'queued', messages_done: 0 }), 202),
      [`GET /api/exports/${JOB}`]: sequence(
        exportStatus({}),
        exportStatus({
          state: 'done',
          chats_done: 2,
          messages_done: 200,
          files: 3,
          file_name: 'deeplens-export.zip',
          size: 2048,
          download_url: `/api/exports/${JOB}/download`,
        }),
      ),
    });
    render(<TransferPanel />);
    const form = screen.getByRole('form', { name: 'Export the archive' });
    await userEvent.click(within(form).getByLabelText('Every chat'));
    const picker = within(form).getByLabelText('Chats to export');
    await within(picker).findByRole('option', { name: 'Anna' });
    expect(within(picker).queryByRole('option', { name: 'Empty' })).toBeNull();
    await userEvent.selectOptions(picker, [ANNA.jid, CLUB.jid]);
    await userEvent.click(within(form).getByLabelText('JSON'));
    await userEvent.selectOptions(within(form).getByLabelText('Media'), 'links');
    await userEvent.click(within(form).getByRole('button', { name: 'Export' }));

    await waitFor(() => expect(calls.some((call) => call.method === 'POST')).toBe(true));
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({
      chats: [ANNA.jid, CLUB.jid],
      since: null,
      until: null,
      time_zone: browserTimeZone(),
      formats: ['html', 'txt'],
      media: 'links',
    });
    const link = await screen.findByRole('link', { name: 'Download deeplens-export.zip' }, { timeout: 3000 });
    expect(link.getAttribute('href')).toBe(`/api/exports/${JOB}/download`);
    expect(screen.getByText(/3 files/)).toBeTruthy();
  });
});
