import { graphql } from '../api.js';
import { field, formatCell, formatNumber, h, replace, runAction, StatusLine, table } from '../dom.js';

interface TableInfo {
  name: string;
  primaryKey: string;
  rowCount: number;
  materialColumns: string[];
  columns: { name: string; type: string; dimension: number | null }[];
  vectorIndexes: { column: string; metric: string; size: number }[];
}

/** Table list, read-only SQL and filtered vector search. */
export function dataView(): { element: HTMLElement; refresh(): Promise<void> } {
  const tables = h('div', { id: 'data-tables' });
  const tablesStatus = new StatusLine('tables-status');
  const sql = sqlPanel();
  const vector = vectorPanel();

  const refresh = async () => {
    try {
      const data = await graphql<{ tables: { edges: { node: TableInfo }[] } }>(
        `query ExplorerTables { tables(first: 100) { edges { node {
          name primaryKey rowCount materialColumns columns { name type dimension } vectorIndexes { column metric size }
        } } } }`,
      );
      const list = data.tables.edges.map((edge) => edge.node);
      replace(
        tables,
        list.length
          ? table(
              ['table', 'rows', 'columns', 'linked to Material', 'vector indexes'],
              list.map((item) => [
                h('code', {}, item.name),
                item.rowCount,
                item.columns.map((column) => `${column.name} ${column.type}${column.dimension ? `[${column.dimension}]` : ''}${column.name === item.primaryKey ? ' (key)' : ''}`).join(', '),
                item.materialColumns.join(', '),
                item.vectorIndexes.map((index) => `${index.column} (${index.metric}, ${index.size})`).join(', '),
              ]),
            )
          : h('p', { class: 'empty' }, 'No tables yet: create one with createTable and importRows.'),
      );
      sql.suggest(list);
      vector.setTables(list);
      tablesStatus.clear();
    } catch (error) {
      tablesStatus.error(error);
    }
  };

  const element = h(
    'section',
    { class: 'view', id: 'view-data' },
    h('h2', {}, 'Data'),
    h('article', { class: 'card' }, h('h3', {}, 'Tables'), tablesStatus.element, tables),
    h('div', { class: 'grid-2' }, sql.element, vector.element),
  );
  return { element, refresh };
}

function sqlPanel(): { element: HTMLElement; suggest(tables: TableInfo[]): void } {
  const query = h('textarea', { id: 'sql-query', rows: 5, spellcheck: 'false' }, 'SELECT 42 AS answer');
  const params = h('input', { id: 'sql-params', placeholder: 'JSON array for $1, $2, …, e.g. ["Cu"]' });
  const button = h('button', { id: 'sql-run', type: 'submit' }, 'Run');
  const status = new StatusLine('sql-status');
  const result = h('div', { id: 'sql-result', class: 'scroll' });
  let edited = false;
  query.addEventListener('input', () => (edited = true));

  const submit = () =>
    runAction(button, status, 'Running…', async () => {
      const data = await graphql<{ sql: { columns: { name: string; type: string }[]; rows: unknown[][]; truncated: boolean } }>(
        `query ExplorerSql($query: String!, $params: [JSON!]) { sql(query: $query, params: $params) { columns { name type } rows truncated } }`,
        { query: query.value, params: parseParams(params.value, 'SQL parameters') },
      );
      const { columns, rows, truncated } = data.sql;
      replace(result, table(columns.map((column) => `${column.name} (${column.type})`), rows.map((row) => row.map(formatCell)), { id: 'sql-table' }));
      return `${rows.length} rows${truncated ? ', truncated at the server row limit (SCIFED_SQL_MAX_ROWS)' : ''}.`;
    });

  const element = h(
    'article',
    { class: 'card', id: 'sql-panel' },
    h('h3', {}, 'SQL (read-only)'),
    h('form', { onsubmit: (event: Event) => (event.preventDefault(), void submit()) }, field('Query', query, 'one SELECT or WITH statement'), field('Parameters', params), button),
    status.element,
    result,
  );
  return {
    element,
    suggest(tables) {
      if (!edited && tables.length) query.value = `SELECT * FROM ${tables[0].name} LIMIT 50`;
    },
  };
}

function vectorPanel(): { element: HTMLElement; setTables(tables: TableInfo[]): void } {
  const tableSelect = h('select', { id: 'vector-table' });
  const column = h('select', { id: 'vector-column' });
  const vector = h('input', { id: 'vector-values', placeholder: 'comma-separated floats' });
  const k = h('input', { id: 'vector-k', type: 'number', value: 5, min: 1, step: '1' });
  const where = h('input', { id: 'vector-where', placeholder: 'e.g. category = $1' });
  const params = h('input', { id: 'vector-params', placeholder: 'JSON array, e.g. ["metal"]' });
  const exact = h('input', { id: 'vector-exact', type: 'checkbox' });
  const button = h('button', { id: 'vector-run', type: 'submit' }, 'Search');
  const status = new StatusLine('vector-status');
  const result = h('div', { id: 'vector-result', class: 'scroll' });
  let known: TableInfo[] = [];

  const vectorColumns = (name: string) => known.find((item) => item.name === name)?.columns.filter((item) => item.type === 'VECTOR') ?? [];
  const fillColumns = () => {
    const columns = vectorColumns(tableSelect.value);
    replace(column, ...columns.map((item) => h('option', { value: item.name }, `${item.name} [${item.dimension}]`)));
    const dimension = columns[0]?.dimension;
    vector.placeholder = dimension ? `${dimension} comma-separated floats` : 'comma-separated floats';
  };
  tableSelect.addEventListener('change', fillColumns);

  const submit = () =>
    runAction(button, status, 'Searching…', async () => {
      const values = vector.value.split(',').map((item) => item.trim()).filter(Boolean).map(Number);
      if (values.some((value) => !Number.isFinite(value))) throw new Error(`The vector must be comma-separated numbers; got "${vector.value}".`);
      const data = await graphql<{ vectorSearch: { strategy: string; candidates: number; hits: { key: string; distance: number; row: Record<string, unknown> }[] } }>(
        `query ExplorerVectorSearch($input: VectorSearchInput!) { vectorSearch(input: $input) { strategy candidates hits { key distance row } } }`,
        {
          input: {
            table: tableSelect.value,
            column: column.value,
            vector: values,
            k: Number(k.value),
            where: where.value.trim() || null,
            params: parseParams(params.value, 'filter parameters'),
            exact: exact.checked,
          },
        },
      );
      const { hits, strategy, candidates } = data.vectorSearch;
      const rowColumns = [...new Set(hits.flatMap((hit) => Object.keys(hit.row)))];
      replace(result, table(['key', 'distance', ...rowColumns], hits.map((hit) => [hit.key, formatNumber(hit.distance, 6), ...rowColumns.map((name) => formatCell(hit.row[name]))]), { id: 'vector-table-result' }));
      return `${hits.length} hits by ${strategy} over ${candidates} candidates.`;
    });

  const element = h(
    'article',
    { class: 'card', id: 'vector-panel' },
    h('h3', {}, 'Vector search'),
    h(
      'form',
      { onsubmit: (event: Event) => (event.preventDefault(), void submit()) },
      h('div', { class: 'inline-form' }, field('Table', tableSelect), field('Column', column), field('k', k), field('Exact', exact)),
      field('Vector', vector),
      h('div', { class: 'inline-form' }, field('Filter (SQL)', where), field('Parameters', params)),
      button,
    ),
    status.element,
    result,
  );
  return {
    element,
    setTables(tables) {
      known = tables;
      const withVectors = tables.filter((item) => vectorColumns(item.name).length);
      replace(tableSelect, ...withVectors.map((item) => h('option', { value: item.name }, item.name)));
      if (!withVectors.length) status.ok('No table has a VECTOR column yet.');
      fillColumns();
    },
  };
}

/** Parses a JSON array of parameters; empty text means none. */
function parseParams(text: string, what: string): unknown[] | null {
  if (!text.trim()) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`The ${what} must be a JSON array such as ["Cu", 3.6]; got ${text}.`);
  }
  if (!Array.isArray(parsed)) throw new Error(`The ${what} must be a JSON array such as ["Cu", 3.6]; got ${text}.`);
  return parsed;
}
