import { randomUUID } from 'node:crypto';

import { arrayValue, blobValue, listValue, type DuckDBValue } from '@duckdb/node-api';
import { Database, formulaOfSpecies, InputError } from '@scifed/schema';

import type { AtomsData } from './crystal/prototypes.js';

/** A structure as stored: arrays in SoA form, positions in Å. */
export interface StructureRecord extends AtomsData {
  id: string;
  name: string | null;
  formula: string;
  /** Distinct element symbols, alphabetical. */
  elements: string[];
  natoms: number;
  sourceFormat: string | null;
  parentId: string | null;
  createdAt: Date;
  /** File name given at import, if any. */
  fileName?: string | null;
}

/** Provenance of a stored structure: how it was made and from what. */
export interface StructureMeta {
  name?: string | null;
  sourceFormat?: string;
  parentId?: string;
  fileName?: string | null;
}

/** Filters of the structures query; all optional and combined with AND. */
export interface StructureFilter {
  formula?: string | null;
  /** Structures that contain every one of these elements. */
  elements?: readonly string[] | null;
  minAtoms?: number | null;
  maxAtoms?: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS structures (
  id VARCHAR PRIMARY KEY,
  name VARCHAR,
  formula VARCHAR NOT NULL,
  elements VARCHAR[] NOT NULL,
  natoms INTEGER NOT NULL,
  cell DOUBLE[9] NOT NULL,
  pbc BOOLEAN[3] NOT NULL,
  positions BLOB NOT NULL,   -- float64 little-endian, x0 y0 z0 x1 ..., Å
  species BLOB NOT NULL,     -- uint16 per atom, index into elements
  source_format VARCHAR,
  parent_id VARCHAR,
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX IF NOT EXISTS structures_formula ON structures (formula);
`;

// Columns added after the first release; ADD COLUMN IF NOT EXISTS upgrades older files in place.
const MIGRATIONS = `
ALTER TABLE structures ADD COLUMN IF NOT EXISTS file_name VARCHAR;
CREATE TABLE IF NOT EXISTS potentials (
  id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL UNIQUE,
  kind VARCHAR NOT NULL,        -- LJ, MORSE, EAM_FUNCFL, EAM_SETFL, EAM_FS
  elements VARCHAR[] NOT NULL,
  cutoff DOUBLE NOT NULL,       -- Å
  source VARCHAR NOT NULL,      -- where it came from: user file, parameters, built-in library
  citation VARCHAR,
  content VARCHAR NOT NULL,     -- EAM file text, or pair parameters as JSON
  builtin BOOLEAN NOT NULL DEFAULT false,
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS md_jobs (
  id VARCHAR PRIMARY KEY,
  status VARCHAR NOT NULL,      -- QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED
  structure_id VARCHAR NOT NULL,
  potential_id VARCHAR NOT NULL,
  ensemble VARCHAR NOT NULL,    -- NVE, NVT_LANGEVIN
  temperature DOUBLE NOT NULL,  -- K
  timestep_fs DOUBLE NOT NULL,
  steps INTEGER NOT NULL,
  sample_every INTEGER NOT NULL,
  friction DOUBLE NOT NULL,     -- 1/fs
  seed UBIGINT NOT NULL,
  backend_requested VARCHAR NOT NULL,
  backend VARCHAR,              -- the backend that ran, once known
  step INTEGER NOT NULL DEFAULT 0,
  error VARCHAR,
  result_structure_id VARCHAR,
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  started_at TIMESTAMP,
  finished_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS md_frames (
  job_id VARCHAR NOT NULL,
  step INTEGER NOT NULL,
  time_fs DOUBLE NOT NULL,
  potential_energy DOUBLE NOT NULL,  -- eV
  kinetic_energy DOUBLE NOT NULL,    -- eV
  total_energy DOUBLE NOT NULL,      -- eV
  temperature DOUBLE NOT NULL,       -- K
  pressure_gpa DOUBLE NOT NULL,
  cell DOUBLE[9] NOT NULL,
  positions BLOB NOT NULL,           -- float64 little-endian, 3N, Å, wrapped into the cell
  PRIMARY KEY (job_id, step)
);
`;

/** Status of a molecular-dynamics job; QUEUED and RUNNING are unfinished. */
export type JobStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** A stored molecular-dynamics job: its request and how far it got. */
export interface MdJobRecord {
  id: string;
  status: JobStatus;
  structureId: string;
  potentialId: string;
  ensemble: string;
  /** K */
  temperature: number;
  timestepFs: number;
  steps: number;
  sampleEvery: number;
  /** 1/fs */
  friction: number;
  seed: number;
  backendRequested: string;
  backend: string | null;
  /** Steps completed. */
  step: number;
  error: string | null;
  resultStructureId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Fields of a job that change while it runs; `started` and `finished` stamp the current time. */
export type MdJobUpdate = Partial<Pick<MdJobRecord, 'status' | 'backend' | 'step' | 'error' | 'resultStructureId'>> & { started?: true; finished?: true };

/** One sampled frame of a trajectory. */
export interface MdFrameRecord {
  step: number;
  timeFs: number;
  /** eV */
  potentialEnergy: number;
  kineticEnergy: number;
  totalEnergy: number;
  /** K */
  temperature: number;
  pressureGPa: number;
}

const JOB_COLUMNS =
  'id, status, structure_id, potential_id, ensemble, temperature, timestep_fs, steps, sample_every, friction, seed, backend_requested, backend, step, error, result_structure_id, created_at, started_at, finished_at';

const JOB_UPDATE_COLUMNS: Record<Exclude<keyof MdJobUpdate, 'started' | 'finished'>, string> = {
  status: 'status',
  backend: 'backend',
  step: 'step',
  error: 'error',
  resultStructureId: 'result_structure_id',
};

function toJob(row: Record<string, unknown>): MdJobRecord {
  return {
    id: row.id as string,
    status: row.status as JobStatus,
    structureId: row.structure_id as string,
    potentialId: row.potential_id as string,
    ensemble: row.ensemble as string,
    temperature: row.temperature as number,
    timestepFs: row.timestep_fs as number,
    steps: row.steps as number,
    sampleEvery: row.sample_every as number,
    friction: row.friction as number,
    seed: Number(row.seed),
    backendRequested: row.backend_requested as string,
    backend: (row.backend as string | null) ?? null,
    step: row.step as number,
    error: (row.error as string | null) ?? null,
    resultStructureId: (row.result_structure_id as string | null) ?? null,
    createdAt: row.created_at as Date,
    startedAt: (row.started_at as Date | null) ?? null,
    finishedAt: (row.finished_at as Date | null) ?? null,
  };
}

const FRAME_COLUMNS = 'step, time_fs, potential_energy, kinetic_energy, total_energy, temperature, pressure_gpa';

function toFrame(row: Record<string, unknown>): MdFrameRecord {
  return {
    step: row.step as number,
    timeFs: row.time_fs as number,
    potentialEnergy: row.potential_energy as number,
    kineticEnergy: row.kinetic_energy as number,
    totalEnergy: row.total_energy as number,
    temperature: row.temperature as number,
    pressureGPa: row.pressure_gpa as number,
  };
}

/** A stored potential: its description and the text it is rebuilt from. */
export interface PotentialRecord {
  id: string;
  name: string;
  kind: string;
  elements: string[];
  /** Å */
  cutoff: number;
  source: string;
  citation: string | null;
  content: string;
  builtin: boolean;
  createdAt: Date;
}

const POTENTIAL_COLUMNS = 'id, name, kind, elements, cutoff, source, citation, content, builtin, created_at';

function toPotential(row: Record<string, unknown>): PotentialRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    kind: row.kind as string,
    elements: row.elements as string[],
    cutoff: row.cutoff as number,
    source: row.source as string,
    citation: (row.citation as string | null) ?? null,
    content: row.content as string,
    builtin: row.builtin as boolean,
    createdAt: row.created_at as Date,
  };
}

const COLUMNS = 'id, name, formula, elements, natoms, cell, pbc, positions, species, source_format, parent_id, created_at, file_name';

interface StructureRow {
  id: string;
  name: string | null;
  formula: string;
  elements: string[];
  natoms: number;
  cell: number[];
  pbc: boolean[];
  positions: Uint8Array;
  species: Uint8Array;
  source_format: string | null;
  parent_id: string | null;
  created_at: Date;
  file_name: string | null;
}

function toRecord(row: StructureRow): StructureRecord {
  const positionBytes = Uint8Array.from(row.positions);
  const speciesIndex = new Uint16Array(Uint8Array.from(row.species).buffer);
  return {
    id: row.id,
    name: row.name,
    formula: row.formula,
    elements: row.elements,
    natoms: row.natoms,
    cell: Float64Array.from(row.cell),
    pbc: [row.pbc[0], row.pbc[1], row.pbc[2]],
    positions: new Float64Array(positionBytes.buffer),
    species: Array.from(speciesIndex, (i) => row.elements[i]),
    sourceFormat: row.source_format,
    parentId: row.parent_id,
    createdAt: row.created_at,
    fileName: row.file_name,
  };
}

const INSERT_STRUCTURE = `INSERT INTO structures (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, current_timestamp, $12)`;

/** A new record and its INSERT parameters, in COLUMNS order. */
function structureRow(atoms: AtomsData, meta: StructureMeta): { record: StructureRecord; params: DuckDBValue[] } {
  const elements = [...new Set(atoms.species)].sort();
  const index = new Map(elements.map((symbol, i) => [symbol, i]));
  const speciesIndex = Uint16Array.from(atoms.species, (symbol) => index.get(symbol)!);
  const record: StructureRecord = {
    ...atoms,
    id: randomUUID(),
    name: meta.name ?? null,
    formula: formulaOfSpecies(atoms.species),
    elements,
    natoms: atoms.species.length,
    sourceFormat: meta.sourceFormat ?? null,
    parentId: meta.parentId ?? null,
    createdAt: new Date(),
    fileName: meta.fileName ?? null,
  };
  const params: DuckDBValue[] = [
    record.id,
    record.name,
    record.formula,
    listValue(elements),
    record.natoms,
    arrayValue(Array.from(atoms.cell)),
    arrayValue(atoms.pbc),
    blobValue(new Uint8Array(atoms.positions.buffer, atoms.positions.byteOffset, atoms.positions.byteLength)),
    blobValue(new Uint8Array(speciesIndex.buffer)),
    record.sourceFormat,
    record.parentId,
    record.fileName ?? null,
  ];
  return { record, params };
}

/** The materials subgraph's tables. All SQL of the subgraph lives here. */
export class MaterialsStore {
  private constructor(readonly db: Database) {}

  static async open(dir?: string): Promise<MaterialsStore> {
    const db = await Database.open('materials', dir);
    await db.migrate(`${SCHEMA}\n${MIGRATIONS}`);
    return new MaterialsStore(db);
  }

  /** Stores one structure and returns it with its new id. */
  async insertStructure(atoms: AtomsData, meta: StructureMeta): Promise<StructureRecord> {
    const { record, params } = structureRow(atoms, meta);
    await this.db.query(INSERT_STRUCTURE, params);
    return record;
  }

  /** Stores several structures in one transaction: all are stored or none. */
  async insertStructures(items: { atoms: AtomsData; meta: StructureMeta }[]): Promise<StructureRecord[]> {
    return this.db.transaction(async (tx) => {
      const records: StructureRecord[] = [];
      for (const { atoms, meta } of items) {
        const { record, params } = structureRow(atoms, meta);
        await tx.query(INSERT_STRUCTURE, params);
        records.push(record);
      }
      return records;
    });
  }

  /** Structures by id in one query; the result follows `ids`, with null for unknown ids. */
  async structuresByIds(ids: readonly string[]): Promise<(StructureRecord | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<StructureRow>(`SELECT ${COLUMNS} FROM structures WHERE list_contains($1, id)`, [
      listValue([...ids]),
    ]);
    const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * One page of structures, oldest first. `filter` is a reduced formula (the
   * original signature) or a StructureFilter.
   */
  async listStructures(page: { offset: number; limit: number }, filter?: string | StructureFilter | null): Promise<{ records: StructureRecord[]; total: number }> {
    const f: StructureFilter = typeof filter === 'string' ? { formula: filter } : (filter ?? {});
    const clauses: string[] = [];
    const params: DuckDBValue[] = [];
    if (f.formula) {
      params.push(f.formula);
      clauses.push(`formula = $${params.length}`);
    }
    if (f.elements && f.elements.length > 0) {
      params.push(listValue([...f.elements]));
      clauses.push(`list_has_all(elements, $${params.length})`);
    }
    if (f.minAtoms != null) {
      params.push(f.minAtoms);
      clauses.push(`natoms >= $${params.length}`);
    }
    if (f.maxAtoms != null) {
      params.push(f.maxAtoms);
      clauses.push(`natoms <= $${params.length}`);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const [{ total }] = await this.db.query<{ total: bigint }>(`SELECT count(*) AS total FROM structures ${where}`, params);
    const rows = await this.db.query<StructureRow>(
      `SELECT ${COLUMNS} FROM structures ${where} ORDER BY created_at, id LIMIT ${page.limit} OFFSET ${page.offset}`,
      params,
    );
    return { records: rows.map(toRecord), total: Number(total) };
  }

  /**
   * Pages of structures for many formulas in one query (the Material.structures
   * batch). Returns, per formula in input order, its page and total count.
   */
  async structuresByFormulas(
    formulas: readonly string[],
    page: { offset: number; limit: number },
  ): Promise<{ records: StructureRecord[]; total: number }[]> {
    if (formulas.length === 0) return [];
    const rows = await this.db.query<StructureRow & { rank: bigint; total: bigint }>(
      `SELECT * FROM (
         SELECT ${COLUMNS},
                row_number() OVER (PARTITION BY formula ORDER BY created_at, id) - 1 AS rank,
                count(*) OVER (PARTITION BY formula) AS total
         FROM structures WHERE list_contains($1, formula)
       ) WHERE rank >= ${page.offset} AND rank < ${page.offset + page.limit}
       ORDER BY formula, rank`,
      [listValue([...formulas])],
    );
    const byFormula = new Map<string, { records: StructureRecord[]; total: number }>();
    for (const row of rows) {
      const entry = byFormula.get(row.formula) ?? { records: [], total: Number(row.total) };
      entry.records.push(toRecord(row));
      byFormula.set(row.formula, entry);
    }
    // A formula whose page is empty but which has structures still needs its total.
    const missing = formulas.filter((f) => !byFormula.has(f));
    if (missing.length > 0 && page.offset > 0) {
      const counts = await this.db.query<{ formula: string; total: bigint }>(
        'SELECT formula, count(*) AS total FROM structures WHERE list_contains($1, formula) GROUP BY formula',
        [listValue(missing)],
      );
      for (const { formula, total } of counts) byFormula.set(formula, { records: [], total: Number(total) });
    }
    return formulas.map((formula) => byFormula.get(formula) ?? { records: [], total: 0 });
  }

  /** Stores a potential; a name already in use raises InputError. */
  async insertPotential(potential: Omit<PotentialRecord, 'id' | 'createdAt'>): Promise<PotentialRecord> {
    const existing = await this.db.query('SELECT id FROM potentials WHERE name = $1', [potential.name]);
    if (existing.length > 0) throw new InputError(`a potential named ${JSON.stringify(potential.name)} already exists; choose another name.`);
    const record: PotentialRecord = { ...potential, id: randomUUID(), createdAt: new Date() };
    await this.db.query(`INSERT INTO potentials (${POTENTIAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, current_timestamp)`, [
      record.id,
      record.name,
      record.kind,
      listValue(record.elements),
      record.cutoff,
      record.source,
      record.citation,
      record.content,
      record.builtin,
    ]);
    return record;
  }

  async potentialById(id: string): Promise<PotentialRecord | null> {
    const rows = await this.db.query(`SELECT ${POTENTIAL_COLUMNS} FROM potentials WHERE id = $1`, [id]);
    return rows.length > 0 ? toPotential(rows[0]) : null;
  }

  async potentialByName(name: string): Promise<PotentialRecord | null> {
    const rows = await this.db.query(`SELECT ${POTENTIAL_COLUMNS} FROM potentials WHERE name = $1`, [name]);
    return rows.length > 0 ? toPotential(rows[0]) : null;
  }

  /** One page of potentials, built-in ones first, then oldest first. */
  async listPotentials(page: { offset: number; limit: number }, element?: string | null): Promise<{ records: PotentialRecord[]; total: number }> {
    const where = element ? 'WHERE list_contains(elements, $1)' : '';
    const params: DuckDBValue[] = element ? [element] : [];
    const [{ total }] = await this.db.query<{ total: bigint }>(`SELECT count(*) AS total FROM potentials ${where}`, params);
    const rows = await this.db.query(
      `SELECT ${POTENTIAL_COLUMNS} FROM potentials ${where} ORDER BY builtin DESC, created_at, name LIMIT ${page.limit} OFFSET ${page.offset}`,
      params,
    );
    return { records: rows.map(toPotential), total: Number(total) };
  }

  /** Stores a new job. */
  async insertJob(job: Omit<MdJobRecord, 'createdAt' | 'startedAt' | 'finishedAt' | 'backend' | 'step' | 'error' | 'resultStructureId' | 'status'>): Promise<MdJobRecord> {
    const rows = await this.db.query(
      `INSERT INTO md_jobs (id, status, structure_id, potential_id, ensemble, temperature, timestep_fs, steps, sample_every, friction, seed, backend_requested)
       VALUES ($1, 'QUEUED', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${JOB_COLUMNS}`,
      [job.id, job.structureId, job.potentialId, job.ensemble, job.temperature, job.timestepFs, job.steps, job.sampleEvery, job.friction, job.seed, job.backendRequested],
    );
    return toJob(rows[0]);
  }

  async updateJob(id: string, update: MdJobUpdate): Promise<void> {
    const { started, finished, ...values } = update;
    const entries = Object.entries(values) as [keyof typeof JOB_UPDATE_COLUMNS, DuckDBValue][];
    const sets = entries.map(([key], k) => `${JOB_UPDATE_COLUMNS[key]} = $${k + 2}`);
    if (started) sets.push('started_at = current_timestamp');
    if (finished) sets.push('finished_at = current_timestamp');
    if (sets.length === 0) return;
    await this.db.query(`UPDATE md_jobs SET ${sets.join(', ')} WHERE id = $1`, [id, ...entries.map(([, value]) => value)]);
  }

  async jobById(id: string): Promise<MdJobRecord | null> {
    const rows = await this.db.query(`SELECT ${JOB_COLUMNS} FROM md_jobs WHERE id = $1`, [id]);
    return rows.length > 0 ? toJob(rows[0]) : null;
  }

  /** Marks every QUEUED or RUNNING job FAILED with `reason`; returns their ids. */
  async failUnfinishedJobs(reason: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE md_jobs SET status = 'FAILED', error = $1, finished_at = current_timestamp WHERE status IN ('QUEUED', 'RUNNING') RETURNING id`,
      [reason],
    );
    return rows.map((row) => row.id);
  }

  /** Stores one sampled frame with its positions (3N, Å). */
  async insertFrame(jobId: string, frame: MdFrameRecord, cell: Float64Array, positions: Float64Array): Promise<void> {
    await this.db.query(
      `INSERT INTO md_frames (job_id, ${FRAME_COLUMNS}, cell, positions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        jobId, frame.step, frame.timeFs, frame.potentialEnergy, frame.kineticEnergy, frame.totalEnergy, frame.temperature, frame.pressureGPa,
        arrayValue(Array.from(cell)),
        blobValue(new Uint8Array(positions.buffer, positions.byteOffset, positions.byteLength)),
      ],
    );
  }

  /** One page of a job's frames in step order, without positions. */
  async framesOf(jobId: string, page: { offset: number; limit: number }): Promise<{ records: MdFrameRecord[]; total: number }> {
    const [{ total }] = await this.db.query<{ total: bigint }>('SELECT count(*) AS total FROM md_frames WHERE job_id = $1', [jobId]);
    const rows = await this.db.query(
      `SELECT ${FRAME_COLUMNS} FROM md_frames WHERE job_id = $1 ORDER BY step LIMIT ${page.limit} OFFSET ${page.offset}`,
      [jobId],
    );
    return { records: rows.map(toFrame), total: Number(total) };
  }

  /** Every frame of a job in step order, with its cell and positions (3N, Å). */
  async trajectoryOf(jobId: string): Promise<(MdFrameRecord & { cell: Float64Array; positions: Float64Array })[]> {
    const rows = await this.db.query(`SELECT ${FRAME_COLUMNS}, cell, positions FROM md_frames WHERE job_id = $1 ORDER BY step`, [jobId]);
    return rows.map((row) => ({
      ...toFrame(row),
      cell: Float64Array.from(row.cell as number[]),
      positions: new Float64Array(Uint8Array.from(row.positions as Uint8Array).buffer),
    }));
  }

  close(): void {
    this.db.close();
  }
}
