import { useCallback, useState } from 'react';
import { createImport, getImport, startImport, uploadFile } from '@/features/transfer/api/transfer-api';
import type { ImportCreate, ImportStatus } from '@/features/transfer/api/transfer-types';
import { useJob } from '@/features/transfer/api/use-job';

export interface Upload {
  loaded: number;
  total: number;
}

const finished = (status: ImportStatus) => status.state === 'done' || status.state === 'failed';

/** One import: the job created, the file uploaded (with progress), the job started and followed. */
export function useImport() {
  const [upload, setUpload] = useState<Upload | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const job = useJob(jobId, getImport, finished);

  const run = useCallback(async (file: File, ask: Omit<ImportCreate, 'file_name' | 'size'>) => {
    setError(null);
    setJobId(null);
    setBusy(true);
    setUpload({ loaded: 0, total: file.size });
    try {
      const created = await createImport({ ...ask, file_name: file.name, size: file.size });
      await uploadFile(created.upload, file, (loaded, total) => setUpload({ loaded, total }));
      await startImport(created.id);
      setJobId(created.id);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }, []);

  const reset = useCallback(() => {
    setUpload(null);
    setJobId(null);
    setError(null);
  }, []);

  return { run, reset, busy, upload, status: job.status, pollError: job.error, error };
}
