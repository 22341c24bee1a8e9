import { useMemo, useState, type FormEvent } from 'react';
import type { TrackingItem } from '@/lib/api-types';
import { useRemote } from '@/lib/use-remote';
import { listTracking } from '@/features/admin/api/tracking-api';
import { browserTimeZone } from '@/features/transfer/api/transfer-api';
import type { DateOrder, ImportCreate } from '@/features/transfer/api/transfer-types';

export const NEW_CHAT = '__new__';

interface ImportFormProps {
  busy: boolean;
  onSubmit: (file: File, ask: Omit<ImportCreate, 'file_name' | 'size'>) => void;
}

const byName = (a: TrackingItem, b: TrackingItem) => (a.name ?? a.jid).localeCompare(b.name ?? b.jid);

/** The export file, the chat it belongs to (or a new one), whose lines are yours, the phone's zone. */
export function ImportForm({ busy, onSubmit }: ImportFormProps) {
  const chats = useRemote('transfer-chats', listTracking);
  const sorted = useMemo(() => [...(chats.data ?? [])].sort(byName), [chats.data]);
  const [file, setFile] = useState<File | null>(null);
  const [chat, setChat] = useState(NEW_CHAT);
  const [chatName, setChatName] = useState('');
  const [meName, setMeName] = useState('');
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [dateOrder, setDateOrder] = useState<DateOrder | ''>('');
  const [dryRun, setDryRun] = useState(false);
  const isNew = chat === NEW_CHAT;
  const ready = file !== null && (!isNew || chatName.trim() !== '') && timeZone.trim() !== '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !ready) return;
    onSubmit(file, {
      chat_jid: isNew ? null : chat,
      chat_name: isNew ? chatName.trim() : null,
      me_name: meName.trim() || null,
      time_zone: timeZone.trim(),
      date_order: dateOrder || null,
      mapping: null,
      dry_run: dryRun,
    });
  };

  return (
    <form className="transfer-form" onSubmit={submit} aria-label="Import a chat export">
      <label>
        WhatsApp export (.zip or .txt)
        <input
          type="file"
          accept=".zip,.txt,application/zip,text/plain"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </label>
      <label>
        Chat
        <select aria-label="Chat" value={chat} onChange={(event) => setChat(event.target.value)}>
          <option value={NEW_CHAT}>New chat…</option>
          {sorted.map((item) => (
            <option key={item.jid} value={item.jid}>
              {item.name ?? item.jid}
            </option>
          ))}
        </select>
      </label>
      {isNew && (
        <label>
          New chat's name
          <input value={chatName} onChange={(event) => setChatName(event.target.value)} maxLength={100} />
        </label>
      )}
      <label>
        Your name in the file
        <input
          value={meName}
          onChange={(event) => setMeName(event.target.value)}
          maxLength={100}
          placeholder="as your lines show it"
        />
      </label>
      <label>
        Phone's time zone
        <input value={timeZone} onChange={(event) => setTimeZone(event.target.value)} maxLength={64} />
      </label>
      <label>
        Date order
        <select
          aria-label="Date order"
          value={dateOrder}
          onChange={(event) => setDateOrder(event.target.value as DateOrder | '')}
        >
          <option value="">Detect from the file</option>
          <option value="day-first">Day first (31/12)</option>
          <option value="month-first">Month first (12/31)</option>
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} />
        Check the senders first (imports nothing)
      </label>
      <button type="submit" className="primary" disabled={busy || !ready}>
        {dryRun ? 'Check' : 'Import'}
      </button>
    </form>
  );
}
