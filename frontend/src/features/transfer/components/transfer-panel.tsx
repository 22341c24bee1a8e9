import { useExport } from '@/features/transfer/api/use-export';
import { useImport } from '@/features/transfer/api/use-import';
import { ExportForm } from '@/features/transfer/components/export-form';
import { ExportProgress } from '@/features/transfer/components/export-progress';
import { ImportForm } from '@/features/transfer/components/import-form';
import { ImportProgress } from '@/features/transfer/components/import-progress';

/** Import a WhatsApp "Export chat" file; export chats of the archive as a zip. */
export function TransferPanel() {
  const importer = useImport();
  const exporter = useExport();
  return (
    <section className="admin-panel transfer-panel" aria-labelledby="transfer-title">
      <h2 id="transfer-title">Import / Export</h2>
      <div className="transfer-columns">
        <section aria-labelledby="import-title" className="transfer-card">
          <h3 id="import-title">Import a WhatsApp export</h3>
          <p className="muted small">
            On the phone: chat → ⋮ → More → Export chat (Include media gives a .zip with the photos). Nothing is
            imported twice.
          </p>
          <ImportForm busy={importer.busy} onSubmit={(file, ask) => void importer.run(file, ask)} />
          <ImportProgress
            upload={importer.upload}
            status={importer.status}
            error={importer.error}
            pollError={importer.pollError}
            busy={importer.busy}
            onImportReviewed={importer.importReviewed}
          />
        </section>
        <section aria-labelledby="export-title" className="transfer-card">
          <h3 id="export-title">Export the archive</h3>
          <p className="muted small">One zip: pages that open offline in any browser, JSON, and WhatsApp-style text.</p>
          <ExportForm busy={exporter.busy} onSubmit={(ask) => void exporter.run(ask)} />
          <ExportProgress status={exporter.status} error={exporter.error} pollError={exporter.pollError} />
        </section>
      </div>
    </section>
  );
}
