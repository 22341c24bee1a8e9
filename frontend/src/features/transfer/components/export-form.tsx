import { useMemo, useState, type FormEvent } from 'react';
import type { TrackingItem } from '@/lib/api-types';
import { useRemote } from '@/lib/use-remote';
import { listTracking } from '@/features/admin/api/tracking-api';
import { browserTimeZone } from '@/features/transfer/api/transfer-api';
import type { ExportCreate, ExportFormat, ExportMedia } from '@/features/transfer/api/transfer-types';

const FORMATS: Record<ExportFormat, string> = { html: 'Web pages (HTML)', json: 'JSON', txt: 'WhatsApp text' };
const MEDIA: Record<ExportMedia, string> = {
  include: 'Files in the zip',
  links: 'Links to the archive',
  none: 'No media',
};

interface ExportFormProps {
  busy: boolean;
  onSubmit: (ask: ExportCreate) => void;
}

const withMessages = (item: TrackingItem) => item.message_count > 0;
const byName = (a: TrackingItem, b: TrackingItem) => (a.name ?? a.jid).localeCompare(b.name ?? b.jid);

/** Which chats (all, or some), which days, which formats, what to do with media. */
export function ExportForm({ busy, onSubmit }: ExportFormProps) {
  const chats = useRemote('transfer-chats', listTracking);
  const choices = useMemo(() => (chats.data ?? []).filter(withMessages).sort(byName), [chats.data]);
  const [all, setAll] = useState(true);
  const [selected, setSelected] = useState<string[]>([]);
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [formats, setFormats] = useState<ExportFormat[]>(['html', 'json', 'txt']);
  const [media, setMedia] = useState<ExportMedia>('include');
  const ready = formats.length > 0 && (all || selected.length > 0);

  const toggleFormat = (format: ExportFormat, on: boolean) =>
    setFormats((current) => (on ? [...current, format] : current.filter((item) => item !== format)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    onSubmit({
      chats: all ? null : selected,
      since: since || null,
      until: until || null,
      time_zone: timeZone.trim() || 'UTC',
      formats,
      media,
    });
  };

  return (
    <form className="transfer-form" onSubmit={submit} aria-label="Export the archive">
      <label className="inline">
        <input type="checkbox" checked={all} onChange={(event) => setAll(event.target.checked)} /> Every chat
      </label>
      {!all && (
        <label>
          Chats to export
          <select
            aria-label="Chats to export"
            multiple
            size={Math.min(8, Math.max(3, choices.length))}
            value={selected}
            onChange={(event) => setSelected([...event.target.selectedOptions].map((option) => option.value))}
          >
            {choices.map((item) => (
              <option key={item.jid} value={item.jid}>
                {item.name ?? item.jid}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="transfer-row">
        <label>
          From
          <input type="date" value={since} onChange={(event) => setSince(event.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={until} onChange={(event) => setUntil(event.target.value)} />
        </label>
        <label>
          Time zone
          <input value={timeZone} onChange={(event) => setTimeZone(event.target.value)} maxLength={64} />
        </label>
      </div>
      <fieldset>
        <legend>Formats</legend>
        {(Object.keys(FORMATS) as ExportFormat[]).map((format) => (
          <label key={format} className="inline">
            <input
              type="checkbox"
              checked={formats.includes(format)}
              onChange={(event) => toggleFormat(format, event.target.checked)}
            />{' '}
            {FORMATS[format]}
          </label>
        ))}
      </fieldset>
      <label>
        Media
        <select aria-label="Media" value={media} onChange={(event) => setMedia(event.target.value as ExportMedia)}>
          {(Object.keys(MEDIA) as ExportMedia[]).map((mode) => (
            <option key={mode} value={mode}>
              {MEDIA[mode]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy || !ready}>
        Export
      </button>
    </form>
  );
}
