import { useCallback, useState } from 'react';
import { createExport, getExport } from '@/features/transfer/api/transfer-api';
import type { ExportCreate, ExportStatus } from '@/features/transfer/api/transfer-types';
import { useJob } from '@/features/transfer/api/use-job';

const finished = (status: ExportStatus) => status.state === 'done' || status.state === 'failed';

/** One export: the job created, then followed until its download link is there. */
export function useExport() {
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const job = useJob(jobId, getExport, finished);

  const run = useCallback(async (ask: ExportCreate) => {
    setError(null);
    setBusy(true);
    try {
      setJobId((await createExport(ask)).id);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }, []);

  return { run, busy, status: job.status, pollError: job.error, error };
}
