// The import and export jobs' models (functions/deeplens/entrypoints/http/transfer_schemas.py).

export type ImportState = 'created' | 'uploaded' | 'queued' | 'parsing' | 'publishing' | 'ingesting' | 'done' | 'failed';
export type ExportState = 'queued' | 'running' | 'uploading' | 'done' | 'failed';
export type ExportFormat = 'html' | 'json' | 'txt';
export type ExportMedia = 'include' | 'links' | 'none';
export type DateOrder = 'day-first' | 'month-first';

export interface ImportCreate {
  file_name: string;
  size: number;
  chat_jid?: string | null;
  chat_name?: string | null;
  me_name?: string | null;
  time_zone: string;
  date_order?: DateOrder | null;
}

export interface UploadTarget {
  /** POST: a form to the bucket (fields first, the file last); PUT: the raw file to the API. */
  method: 'POST' | 'PUT';
  url: string;
  fields: Record<string, string>;
  max_bytes: number;
}

export interface ImportCreated {
  id: string;
  state: ImportState;
  upload: UploadTarget;
}

export interface ImportSummary {
  chat_jid: string;
  lines: number;
  messages: number;
  imported: number;
  already_imported: number;
  matched: number;
  skipped: { reason: string; count: number }[];
  media_stored: number;
  media_missing: number;
  date_order: string;
  senders: { name: string; jid: string; from_me: boolean; how: string }[];
  published: boolean;
}

export interface ImportStatus {
  id: string;
  state: ImportState;
  file_name: string;
  size: number;
  chat_jid: string;
  error: string | null;
  batches_total: number | null;
  batches_applied: number | null;
  summary: ImportSummary | null;
  created_at: string;
  updated_at: string;
}

export interface ExportCreate {
  chats?: string[] | null;
  since?: string | null;
  until?: string | null;
  time_zone: string;
  formats: ExportFormat[];
  media: ExportMedia;
}

export interface ExportStatus {
  id: string;
  state: ExportState;
  chats_total: number;
  chats_done: number;
  messages_total: number;
  messages_done: number;
  files: number;
  missing_files: number;
  current_chat: string | null;
  error: string | null;
  file_name: string | null;
  size: number | null;
  download_url: string | null;
  created_at: string;
  updated_at: string;
}
