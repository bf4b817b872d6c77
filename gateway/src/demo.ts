import { logger } from '@scifed/schema';

/** Sends one GraphQL request to the gateway; throws on any error in the response. */
export async function gatewayRequest<T = unknown>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

// Demo papers written for SciFed's examples; they describe textbook facts
// about copper and nickel aluminides and are not taken from any publication.
const DEMO_PAPERS = [
  {
    id: 'demo-cu-eam',
    title: 'Embedded-atom models of copper: lattice constant and elastic response',
    abstract:
      'Copper crystallizes in the face-centred cubic structure with a lattice constant near 3.615 Å at room temperature. ' +
      'Embedded-atom potentials fitted to the cohesive energy, the lattice constant and the elastic constants reproduce a bulk modulus of about 138 GPa. ' +
      'We compare funcfl and setfl tabulations of such potentials for Cu and find identical energies when both are read with cubic splines.',
    authors: ['A. Demo', 'B. Example'],
    year: 2021,
    venue: 'SciFed Demo Notes',
    fields: ['materials science'],
  },
  {
    id: 'demo-cu-md',
    title: 'Energy conservation in molecular dynamics of fcc Cu',
    abstract:
      'Velocity Verlet integration of fcc copper with a 1 fs time step conserves the total energy to better than 1e-4 eV per atom over ten thousand steps at 300 K. ' +
      'A Langevin thermostat brings the same cell to its target temperature within a few picoseconds.',
    authors: ['C. Sample'],
    year: 2023,
    venue: 'SciFed Demo Notes',
    fields: ['molecular dynamics'],
    references: ['demo-cu-eam'],
  },
  {
    id: 'demo-nial',
    title: 'Ordering in Ni3Al and NiAl alloys',
    abstract:
      'The intermetallic Ni3Al adopts the L12 structure while NiAl is B2; both are strengthened by their long-range order. ' +
      'Nickel-rich compositions keep the L12 order up to the melting point.',
    authors: ['D. Placeholder'],
    year: 2019,
    venue: 'SciFed Demo Notes',
    fields: ['alloys'],
  },
];

const DEMO_ROWS = [
  'id,formula,property,value,unit',
  'cu-a,Cu,lattice constant,3.615,Å',
  'cu-b,Cu,bulk modulus,138.2,GPa',
  'nial-a,AlNi3,lattice constant,3.57,Å',
].join('\n');

/**
 * Loads the demo data set that the README's first query uses: a copper
 * crystal, three short papers, a memory tagged Cu and a table of properties
 * linked to materials. Everything goes through the public API.
 */
export async function seedDemo(url: string, headers: Record<string, string> = {}): Promise<void> {
  const run = (query: string, variables: Record<string, unknown> = {}) => gatewayRequest(url, query, variables, headers);

  await run('mutation { buildCrystal(input: { element: "Cu", prototype: FCC, a: 3.615, repeat: [2, 2, 2], name: "Cu fcc 2x2x2" }) { id } }');
  await run('mutation ($content: String!) { ingestPapers(format: JSONL, content: $content) { count } }', {
    content: DEMO_PAPERS.map((paper) => JSON.stringify(paper)).join('\n'),
  });
  await run('mutation { createMemoryBank(input: { name: "notes" }) { name } }');
  await run(
    'mutation ($text: String!) { writeMemory(input: { bank: "notes", text: $text, tags: ["Cu", "demo"], source: "demo-cu-eam" }) { id } }',
    { text: 'The Cu EAM potential gives a lattice constant of 3.615 Å and a bulk modulus of 138 GPa.' },
  );
  await run(`mutation {
    createTable(input: { name: "properties", primaryKey: "id", columns: [
      { name: "id", type: VARCHAR }, { name: "formula", type: VARCHAR }, { name: "property", type: VARCHAR },
      { name: "value", type: DOUBLE }, { name: "unit", type: VARCHAR } ] }) { name }
  }`);
  await run('mutation ($content: String!) { importRows(table: "properties", format: CSV, content: $content) { inserted } }', { content: DEMO_ROWS });
  await run('mutation { linkMaterialColumn(table: "properties", column: "formula") { name } }');
  logger.info('demo data loaded');
}
