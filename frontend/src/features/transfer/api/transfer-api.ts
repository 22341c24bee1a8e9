import { ApiError, api, scopedUrl } from '@/lib/api-client';
import type {
  ExportCreate,
  ExportStatus,
  ImportCreate,
  ImportCreated,
  ImportStatus,
  UploadTarget,
} from '@/features/transfer/api/transfer-types';

export const createImport = (body: ImportCreate): Promise<ImportCreated> => api.post('/api/imports', { body });

export const startImport = (id: string): Promise<ImportStatus> => api.post('/api/imports/{id}/start', { path: { id } });

export const getImport = (id: string, signal?: AbortSignal): Promise<ImportStatus> =>
  api.get('/api/imports/{id}', { path: { id }, signal });

export const createExport = (body: ExportCreate): Promise<ExportStatus> => api.post('/api/exports', { body });

export const getExport = (id: string, signal?: AbortSignal): Promise<ExportStatus> =>
  api.get('/api/exports/{id}', { path: { id }, signal });

/** The browser's own time zone (the import's default: the phone is usually where the browser is). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export type UploadProgress = (loaded: number, total: number) => void;

/** The file sent where the API said, with upload progress events (fetch has none for request
 * bodies): a PUT of the raw file to the API, or a form POST to the bucket (fields, then the file). */
export function uploadFile(
  target: UploadTarget,
  file: Blob,
  onProgress: UploadProgress,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, scopedUrl(target.url)); // the API's own upload URL: this account's
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else {
        reject(new ApiError(xhr.status, { code: 'upload_failed', message: uploadError(xhr) }));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { code: 'network_error', message: 'The upload was interrupted.' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    if (target.method === 'PUT') {
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.send(file);
      return;
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append('file', file);
    xhr.send(form);
  });
}

function uploadError(xhr: XMLHttpRequest): string {
  try {
    const parsed = JSON.parse(xhr.responseText) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // the bucket answers in XML: fall through
  }
  return `The upload failed (HTTP ${xhr.status}).`;
}
