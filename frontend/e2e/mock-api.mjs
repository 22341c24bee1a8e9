// A stand-in for the API so the smoke journey can run without the local stack:
// serves dist/ and fake /api routes (PORT, default 4173). Not the real contract test.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const PORT = Number(process.env.PORT ?? 4173);
const CHATS = Number(process.env.MOCK_CHATS ?? 2000);
const MESSAGES = Number(process.env.MOCK_MESSAGES ?? 1000);
const NOW = Date.now();
const GROUP = '120363012345678901@g.us';
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
let paired = true;
let loggedIn = false;

const chat = (i) => ({
  jid: i === 0 ? GROUP : `49151${String(i).padStart(8, '0')}@s.whatsapp.net`,
  name: i === 0 ? 'Family group' : `Contact ${i}`,
  kind: i === 0 ? 'group' : 'direct',
  parent_jid: null,
  unread_count: i % 7,
  is_archived: false,
  last_message_at: NOW - i * 60000,
  is_tracked: i % 5 !== 3,
  auto_download_media: i % 2 === 0,
  last_message: {
    id: `L${i}`,
    type: 'text',
    text: `Last message ${i}`,
    sender_jid: null,
    from_me: i % 3 === 0,
    deleted: false,
    timestamp: NOW - i * 60000,
  },
});
const chats = Array.from({ length: CHATS }, (_, i) => chat(i));
const message = (i) => {
  const image = i % 10 === 5;
  return {
    chat_jid: GROUP,
    id: `M${String(i).padStart(6, '0')}`,
    sender_jid: `4915100000${i % 4}@s.whatsapp.net`,
    sender_alt_jid: null,
    sender_name: ['Anna', 'Bob', 'Carl', null][i % 4],
    from_me: i % 4 === 3,
    timestamp: NOW - ((MESSAGES - i) * 3600_000) / 4,
    type: image ? 'image' : 'text',
    text: image ? 'A photo' : `Message number ${i} about the weekend trip ${i % 13 === 0 ? 'https://example.org' : ''}`,
    status: 2,
    edited_at: null,
    deleted_at: i % 50 === 7 ? NOW : null,
    deleted_by: null,
    source: 'history',
    content: null,
    quoted: null,
    reactions: i % 9 === 0 ? [{ emoji: '👍', reactor_jid: 'a@s.whatsapp.net', reacted_at: NOW }] : [],
    versions_count: 0,
    flags: {
      forwarded: i % 11 === 0,
      forwarding_score: i % 11 === 0 ? 1 : 0,
      forwarded_many_times: false,
      view_once: false,
      ephemeral: false,
      ephemeral_timer_s: null,
      mentions_everyone: false,
      from_bot: false,
      from_business: false,
      pinned_at: null,
      kept: false,
      starred: i % 17 === 0,
    },
    media: image
      ? {
          file_id: `file${i}xx`,
          mime: 'image/png',
          size: 1000,
          width: 640,
          height: 480,
          duration_s: null,
          file_name: null,
          status: 'stored',
          url: `/api/media/file${i}xx`,
          thumbnail_url: `/api/media/file${i}xx/thumbnail`,
        }
      : null,
  };
};
const messages = Array.from({ length: MESSAGES }, (_, i) => message(i));

function page(url) {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const before = url.searchParams.get('before');
  const after = url.searchParams.get('after');
  const around = url.searchParams.get('around');
  let end = messages.length;
  let start;
  if (before) {
    end = Number(before);
    start = Math.max(0, end - limit);
  } else if (after) {
    start = Number(after);
    end = Math.min(messages.length, start + limit);
  } else if (around) {
    const at = messages.findIndex((m) => m.id === around);
    start = Math.max(0, at - limit / 2);
    end = Math.min(messages.length, start + limit);
  } else start = Math.max(0, end - limit);
  return {
    items: messages.slice(start, end),
    has_older: start > 0,
    has_newer: end < messages.length,
    older_cursor: start > 0 ? String(start) : null,
    newer_cursor: end < messages.length ? String(end) : null,
  };
}

const routes = {
  'POST /api/auth/login': (_, body) =>
    body.password === 'e2e'
      ? ((loggedIn = true), [200, { expires_at: new Date(NOW + 86400000).toISOString() }])
      : [401, { error: { code: 'unauthorized', message: 'wrong password' } }],
  'POST /api/auth/logout': () => ((loggedIn = false), [204, null]),
  'GET /api/session': () => [
    200,
    {
      session_id: 'primary_agent',
      state: paired ? 'connected' : 'waiting_for_qr',
      detail: null,
      qr_code: paired ? null : `2@${Date.now()}`,
      qr_expires_at: null,
      account_jid: paired ? '4917000000001@s.whatsapp.net' : null,
      history_progress: paired ? 64 : null,
      updated_at: null,
      pair_code: null,
      pair_code_expires_at: null,
      has_archive: true,
    },
  ],
  'GET /api/chats': (url) => {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const list = chats.filter((c) => !q || c.name.toLowerCase().includes(q));
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 50);
    return [
      200,
      {
        items: list.slice(start, start + limit),
        next_cursor: start + limit < list.length ? String(start + limit) : null,
      },
    ];
  },
  'GET /api/search': (url) => [
    200,
    {
      items: messages
        .filter((m) => m.text?.includes(url.searchParams.get('q')))
        .slice(0, 30)
        .map((m) => ({
          ...m,
          chat_name: 'Family group',
          rank: 1,
          snippet: m.text.replace(url.searchParams.get('q'), (w) => `<mark>${w}</mark>`),
        })),
      next_cursor: null,
    },
  ],
  'GET /api/tracking': () => [
    200,
    chats.map((c) => ({
      jid: c.jid,
      name: c.name,
      kind: c.kind,
      is_tracked: c.is_tracked,
      auto_download_media: c.auto_download_media,
      message_count: 10,
      last_activity: c.last_message_at,
    })),
  ],
  'POST /__mock/unpair': () => ((paired = false), [204, null]),
};

function api(method, url, body) {
  const path = decodeURIComponent(url.pathname);
  if (!loggedIn && !path.startsWith('/api/auth/login') && !path.startsWith('/__mock'))
    return [401, { error: { code: 'unauthorized', message: 'no credentials' } }];
  const direct = routes[`${method} ${path}`];
  if (direct) return direct(url, body);
  let match;
  if ((match = path.match(/^\/api\/chats\/([^/]+)\/messages$/))) return [200, page(url)];
  if ((match = path.match(/^\/api\/chats\/([^/]+)$/))) {
    const found = chats.find((c) => c.jid === match[1]);
    return found
      ? [
          200,
          {
            ...found,
            message_count: found.jid === GROUP ? MESSAGES : 0,
            participants:
              found.jid === GROUP
                ? [{ jid: '491510000@s.whatsapp.net', name: 'Anna', is_admin: true, is_super_admin: false }]
                : [],
          },
        ]
      : [404, { error: { code: 'not_found', message: 'no such chat' } }];
  }
  if ((match = path.match(/^\/api\/tracking\/([^/]+)$/)) && method === 'PATCH') {
    const found = chats.find((c) => c.jid === match[1]);
    Object.assign(found, body);
    return [
      200,
      {
        jid: found.jid,
        name: found.name,
        kind: found.kind,
        is_tracked: found.is_tracked,
        auto_download_media: found.auto_download_media,
        message_count: 10,
        last_activity: found.last_message_at,
      },
    ];
  }
  if (path.startsWith('/api/media/')) return ['png', PIXEL];
  return [404, { error: { code: 'not_found', message: path } }];
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/__mock/')) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const [status, body] = api(req.method, url, raw ? JSON.parse(raw) : {});
    if (status === 'png') return res.writeHead(200, { 'Content-Type': 'image/png' }).end(body);
    return res
      .writeHead(status, { 'Content-Type': 'application/json' })
      .end(body === null ? undefined : JSON.stringify(body));
  }
  const file = normalize(join(DIST, url.pathname === '/' ? 'index.html' : url.pathname));
  const data = await readFile(file.startsWith(DIST) ? file : join(DIST, 'index.html')).catch(() =>
    readFile(join(DIST, 'index.html')),
  );
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'text/html' }).end(data);
}).listen(PORT, '127.0.0.1', () => console.log(`mock api on http://127.0.0.1:${PORT}`));
