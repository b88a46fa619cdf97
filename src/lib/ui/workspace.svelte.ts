import type { Table } from 'apache-arrow';
import type { ColumnType } from '$lib/core/data/types';
import type { LatheErrorData } from '$lib/core/base/errors';
import type { Progress } from '$lib/core/base/progress';
import type { IngestRequest } from '$lib/core/data/request';
import { startJob } from '$lib/jobs';
import { downloadBlob, safeFileName } from './download';
import {
  openStore,
  type AliasRecord,
  type DatasetRecord,
  type FeatureSetRecord,
  type RegistryRecord,
  type UnreadableModel,
  type Store,
  type UnreadableDataset,
  type UnreadableFeatureSet
} from '$lib/store';

/** One column's pending change: a type, and a date format for datetime. */
export interface ColumnChange {
  type: ColumnType;
  format?: string;
}

/** A type the dataset was read with on purpose; format and detected type when the report has them. */
export interface AppliedOverride {
  type: ColumnType;
  format?: string;
  detected?: ColumnType;
}

/**
 * The column types and date formats for a re-import: those `record` was read with (its chosen
 * types, and the formats and detected types its report's override notes give) updated by the
 * pending changes. Changing a column back to its detected type drops its override, so
 * inference decides again.
 */
export function reimportOverrides(
  record: DatasetRecord,
  changes: Record<string, ColumnChange>
): { columnTypes: Record<string, ColumnType>; columnFormats: Record<string, string> } {
  const columnTypes: Record<string, ColumnType> = { ...record.columnTypes };
  const columnFormats: Record<string, string> = {};
  const detected: Record<string, ColumnType> = {};
  for (const note of record.report.notes ?? []) {
    if (note.kind !== 'override') continue;
    columnTypes[note.column] = note.type;
    if (note.format) columnFormats[note.column] = note.format;
    if (note.detected) detected[note.column] = note.detected;
  }
  for (const [column, change] of Object.entries(changes)) {
    delete columnTypes[column];
    delete columnFormats[column];
    const format = change.type === 'datetime' ? change.format?.trim() : undefined;
    if (!format && change.type === detected[column]) continue;
    columnTypes[column] = change.type;
    if (format) columnFormats[column] = format;
  }
  return { columnTypes, columnFormats };
}

export interface SampleEntry {
  id: string;
  name: string;
  file: string;
  task: 'binary' | 'multiclass' | 'regression';
  target: string;
  rows: number;
  columns: number;
  description: string;
  source: string;
  license: string;
}

export interface ActiveJob {
  label: string;
  progress: Progress | null;
  cancel: () => void;
}

export type DatasetEntry = DatasetRecord | UnreadableDataset;

export function isUnreadable(entry: DatasetEntry): entry is UnreadableDataset {
  return 'unreadable' in entry;
}

class Workspace {
  datasets = $state<DatasetEntry[]>([]);
  featureSets = $state<(FeatureSetRecord | UnreadableFeatureSet)[]>([]);
  models = $state<(RegistryRecord | UnreadableModel)[]>([]);
  aliases = $state<AliasRecord[]>([]);
  loaded = $state(false);
  selectedId = $state<string | null>(null);
  table = $state.raw<Table | null>(null);
  tableError = $state<LatheErrorData | null>(null);
  job = $state<ActiveJob | null>(null);
  error = $state<LatheErrorData | null>(null);
  notice = $state('');
  storageVersion = $state(0);
  samples = $state<SampleEntry[]>([]);
  samplesError = $state('');
  private samplesLoaded: Promise<SampleEntry[]> | null = null;
  /** Files picked in this session, so a column type change can re-read them without asking. */
  private sessionFiles = new Map<string, File>();
  private store: Promise<Store> | null = null;

  /** The bundled samples' index (precached by the service worker, so it works offline). */
  loadSamples(): Promise<SampleEntry[]> {
    this.samplesLoaded ??= fetch('/samples/index.json')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((list: SampleEntry[]) => (this.samples = list))
      .catch((error: unknown) => {
        this.samplesError = `The bundled samples could not be listed (${String(error)}).`;
        this.samplesLoaded = null;
        return [];
      });
    return this.samplesLoaded;
  }

  get selected(): DatasetRecord | null {
    const entry = this.datasets.find((d) => d.id === this.selectedId);
    return entry && !isUnreadable(entry) ? entry : null;
  }

  private openStore(): Promise<Store> {
    this.store ??= openStore().then((store) => {
      store.onChange(() => this.refresh());
      return store;
    });
    return this.store;
  }

  async refresh() {
    try {
      const store = await this.openStore();
      [this.datasets, this.featureSets, this.models, this.aliases] = await Promise.all([
        store.listDatasets(),
        store.listFeatureSets(),
        store.listModels(),
        store.listAliases()
      ]);
      this.error = this.error?.code === 'STORE_UNAVAILABLE' ? null : this.error;
    } catch (error) {
      this.error = {
        code: 'STORE_UNAVAILABLE',
        message: `Lathe cannot open this browser's storage (${String(error)}). Private windows and some settings block IndexedDB.`
      };
    } finally {
      this.loaded = true;
      this.storageVersion++;
    }
  }

  async select(id: string | null) {
    if (this.selectedId === id && (this.table || this.tableError)) return;
    this.selectedId = id;
    this.table = null;
    this.tableError = null;
    if (!id) return;
    this.revealSelected();
    try {
      const store = await this.openStore();
      const [bytes, arrow] = await Promise.all([
        store.loadDatasetBytes(id),
        import('apache-arrow')
      ]);
      if (this.selectedId === id) this.table = arrow.tableFromIPC(bytes);
    } catch (error) {
      if (this.selectedId !== id) return;
      const data = error as Partial<LatheErrorData>;
      this.tableError = {
        code: data.code ?? 'UNREADABLE',
        message: data.message ?? String(error)
      };
    }
  }

  private run(label: string, request: IngestRequest, file?: File): Promise<DatasetRecord | null> {
    this.job?.cancel();
    this.error = null;
    this.notice = '';
    const job = startJob('ingest', request, {
      onProgress: (progress) => {
        if (this.job === current) this.job.progress = progress;
      }
    });
    this.job = { label, progress: null, cancel: () => job.cancel() };
    const current = this.job;
    return job.result.then(async (outcome) => {
      if (this.job === current) this.job = null;
      if (!outcome.ok) {
        if (outcome.error.code === 'CANCELLED') this.notice = outcome.error.message;
        else this.error = outcome.error;
        return null;
      }
      const { record, ipc } = outcome.value;
      if (file) this.sessionFiles.set(record.id, file);
      await this.refresh();
      this.selectedId = record.id;
      const arrow = await import('apache-arrow');
      this.table = arrow.tableFromIPC(ipc);
      this.tableError = null;
      this.revealSelected();
      return record;
    });
  }

  /** Brings the opened dataset into view and moves focus to it, so the result is not missed. */
  private revealSelected() {
    requestAnimationFrame(() => {
      const heading = document.getElementById('dataset-title');
      if (!heading) return;
      heading?.scrollIntoView({ block: 'start', behavior: 'smooth' });
      heading?.focus({ preventScroll: true });
    });
  }

  importFile(file: File, columnTypes?: Record<string, ColumnType>, name?: string) {
    return this.run(
      `Importing ${file.name}`,
      { input: { kind: 'file', file, fileName: file.name }, columnTypes, name },
      file
    );
  }

  importUrl(url: string, columnTypes?: Record<string, ColumnType>, name?: string) {
    return this.run(`Downloading ${url}`, { input: { kind: 'url', url }, columnTypes, name });
  }

  importSample(sample: SampleEntry, columnTypes?: Record<string, ColumnType>) {
    return this.run(`Loading sample ${sample.name}`, {
      input: this.sampleInput(sample),
      columnTypes
    });
  }

  private sampleInput(sample: SampleEntry): IngestRequest['input'] {
    return {
      kind: 'sample',
      url: new URL(`/samples/${sample.file}`, location.href).href,
      sampleId: sample.id,
      name: sample.name,
      fileName: sample.file
    };
  }

  /**
   * Re-reads a dataset's source with column types (and date formats) forced on top of those it
   * was read with (see reimportOverrides): the result is saved as the next version of `record`.
   * Returns false when the original file is needed and was not picked in this session (see
   * reimportFile).
   */
  reimport(
    record: DatasetRecord,
    changes: Record<string, ColumnChange>,
    samples: SampleEntry[]
  ): boolean {
    const source = record.source;
    const request = {
      ...reimportOverrides(record, changes),
      name: record.name,
      replaces: record.id
    };
    if (source.kind === 'url') {
      this.run(`Downloading ${source.url}`, {
        input: { kind: 'url', url: source.url },
        ...request
      });
      return true;
    }
    if (source.kind === 'sample') {
      const sample = samples.find((s) => s.id === source.sampleId);
      if (!sample) return false;
      this.run(`Loading sample ${sample.name}`, { input: this.sampleInput(sample), ...request });
      return true;
    }
    const file = this.sessionFiles.get(record.id);
    if (!file) return false;
    this.reimportFile(record, file, changes);
    return true;
  }

  /** Re-reads `file` as the next version of `record`, with column types forced. */
  reimportFile(record: DatasetRecord, file: File, changes: Record<string, ColumnChange>) {
    return this.run(
      `Importing ${file.name}`,
      {
        input: { kind: 'file', file, fileName: file.name },
        ...reimportOverrides(record, changes),
        name: record.name,
        replaces: record.id
      },
      file
    );
  }

  rememberFile(id: string, file: File) {
    this.sessionFiles.set(id, file);
  }

  async rename(id: string, name: string) {
    const store = await this.openStore();
    await store.renameDataset(id, name);
    await this.refresh();
  }

  async remove(id: string) {
    const store = await this.openStore();
    await store.deleteDataset(id);
    if (this.selectedId === id) {
      this.selectedId = null;
      this.table = null;
      this.tableError = null;
    }
    this.sessionFiles.delete(id);
    await this.refresh();
  }

  /** Runs a registry change; a refusal (e.g. deleting a model an alias points at) is shown. */
  async registry(change: (store: Store) => Promise<unknown>) {
    try {
      await change(await this.openStore());
      this.error = null;
    } catch (error) {
      const data = error as Partial<LatheErrorData>;
      this.error = { code: data.code ?? 'STORE_FAILED', message: data.message ?? String(error) };
    }
    await this.refresh();
  }

  async removeFeatureSet(id: string) {
    const store = await this.openStore();
    await store.deleteFeatureSet(id);
    await this.refresh();
  }

  async exportArrow(record: DatasetRecord) {
    const store = await this.openStore();
    const bytes = await store.loadDatasetBytes(record.id);
    downloadBlob(
      new Blob([bytes as BlobPart], { type: 'application/vnd.apache.arrow.file' }),
      `${safeFileName(record.name)}.arrow`
    );
  }

  async exportCsv(record: DatasetRecord) {
    this.job?.cancel();
    this.error = null;
    this.notice = '';
    const job = startJob(
      'exportCsv',
      { datasetId: record.id },
      {
        onProgress: (progress) => {
          if (this.job === current) this.job.progress = progress;
        }
      }
    );
    this.job = {
      label: `Writing ${record.name} as CSV`,
      progress: null,
      cancel: () => job.cancel()
    };
    const current = this.job;
    const outcome = await job.result;
    if (this.job === current) this.job = null;
    if (outcome.ok) downloadBlob(outcome.value, `${safeFileName(record.name)}.csv`);
    else if (outcome.error.code === 'CANCELLED') this.notice = outcome.error.message;
    else this.error = outcome.error;
  }
}

export const workspace = new Workspace();
