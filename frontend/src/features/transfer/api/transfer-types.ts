// The import and export jobs' models (functions/deeplens/entrypoints/http/transfer_schemas.py), by
// name from the types generated out of the API's OpenAPI document (src/lib/api-schema.d.ts).

import type { components } from '@/lib/api-schema';

type Schemas = components['schemas'];

export type ImportCreate = Schemas['ImportCreate'];
/** POST: a form to the bucket (fields first, the file last); PUT: the raw file to the API. */
export type UploadTarget = Schemas['UploadTarget'];
export type ImportCreated = Schemas['ImportCreated'];
export type ImportSummary = Schemas['ImportSummary'];
export type ImportStatus = Schemas['ImportStatus'];
export type ExportCreate = Schemas['ExportCreate'];
export type ExportStatus = Schemas['ExportStatus'];

export type ImportState = ImportStatus['state'];
export type ExportState = ExportStatus['state'];
export type ExportFormat = ExportCreate['formats'][number];
export type ExportMedia = ExportCreate['media'];
export type DateOrder = NonNullable<ImportCreate['date_order']>;
