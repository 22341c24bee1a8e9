import { useCallback, useRef, useState } from 'react';
import { createImport, getImport, startImport, uploadFile } from '@/features/transfer/api/transfer-api';
import type { ImportCreate, ImportStatus } from '@/features/transfer/api/transfer-types';
import { useJob } from '@/features/transfer/api/use-job';

export interface Upload {
  loaded: number;
  total: number;
}

const finished = (status: ImportStatus) => status.state === 'done' || status.state === 'failed';

type Ask = Omit<ImportCreate, 'file_name' | 'size'>;

/** One import: the job created, the file uploaded (with progress), the job started and followed.
 * After a dry run, `importReviewed` imports the same file with the senders settled in the review. */
export function useImport() {
  const last = useRef<{ file: File; ask: Ask } | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const job = useJob(jobId, getImport, finished);

  const run = useCallback(async (file: File, ask: Ask) => {
    last.current = { file, ask };
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

  const importReviewed = useCallback(
    (mapping: Record<string, string>) => {
      if (!last.current) return;
      const { file, ask } = last.current;
      void run(file, { ...ask, dry_run: false, mapping: Object.keys(mapping).length > 0 ? mapping : null });
    },
    [run],
  );

  const reset = useCallback(() => {
    setUpload(null);
    setJobId(null);
    setError(null);
  }, []);

  return { run, importReviewed, reset, busy, upload, status: job.status, pollError: job.error, error };
}
