/**
 * Chemical formulas as the federation key of `Material`.
 *
 * A reduced formula lists each element once, in alphabetical order of the
 * symbols, followed by its count divided by the greatest common divisor of
 * all counts; a count of 1 is omitted. Examples: Cu4 -> "Cu", Ni3Al -> "AlNi3",
 * Fe2O3 -> "Fe2O3", LiFePO4 -> "FeLiO4P".
 */

/** Element symbols by atomic number (index 0 is unused). IUPAC 2016 names for 113-118. */
export const ELEMENT_SYMBOLS: readonly string[] = [
  '',
  'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar',
  'K', 'Ca', 'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr',
  'Rb', 'Sr', 'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe',
  'Cs', 'Ba', 'La', 'Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu',
  'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg', 'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn',
  'Fr', 'Ra', 'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu', 'Am', 'Cm', 'Bk', 'Cf', 'Es', 'Fm', 'Md', 'No', 'Lr',
  'Rf', 'Db', 'Sg', 'Bh', 'Hs', 'Mt', 'Ds', 'Rg', 'Cn', 'Nh', 'Fl', 'Mc', 'Lv', 'Ts', 'Og',
];

/** English element names by atomic number, lower case (IUPAC spelling: aluminium, caesium, sulfur). */
export const ELEMENT_NAMES: readonly string[] = [
  '',
  'hydrogen', 'helium', 'lithium', 'beryllium', 'boron', 'carbon', 'nitrogen', 'oxygen', 'fluorine', 'neon',
  'sodium', 'magnesium', 'aluminium', 'silicon', 'phosphorus', 'sulfur', 'chlorine', 'argon',
  'potassium', 'calcium', 'scandium', 'titanium', 'vanadium', 'chromium', 'manganese', 'iron', 'cobalt', 'nickel',
  'copper', 'zinc', 'gallium', 'germanium', 'arsenic', 'selenium', 'bromine', 'krypton',
  'rubidium', 'strontium', 'yttrium', 'zirconium', 'niobium', 'molybdenum', 'technetium', 'ruthenium', 'rhodium',
  'palladium', 'silver', 'cadmium', 'indium', 'tin', 'antimony', 'tellurium', 'iodine', 'xenon',
  'caesium', 'barium', 'lanthanum', 'cerium', 'praseodymium', 'neodymium', 'promethium', 'samarium', 'europium',
  'gadolinium', 'terbium', 'dysprosium', 'holmium', 'erbium', 'thulium', 'ytterbium', 'lutetium',
  'hafnium', 'tantalum', 'tungsten', 'rhenium', 'osmium', 'iridium', 'platinum', 'gold', 'mercury',
  'thallium', 'lead', 'bismuth', 'polonium', 'astatine', 'radon',
  'francium', 'radium', 'actinium', 'thorium', 'protactinium', 'uranium', 'neptunium', 'plutonium', 'americium',
  'curium', 'berkelium', 'californium', 'einsteinium', 'fermium', 'mendelevium', 'nobelium', 'lawrencium',
  'rutherfordium', 'dubnium', 'seaborgium', 'bohrium', 'hassium', 'meitnerium', 'darmstadtium', 'roentgenium',
  'copernicium', 'nihonium', 'flerovium', 'moscovium', 'livermorium', 'tennessine', 'oganesson',
];

const SYMBOL_SET = new Set(ELEMENT_SYMBOLS.slice(1));
const NAME_TO_SYMBOL = new Map<string, string>(ELEMENT_NAMES.slice(1).map((name, i) => [name, ELEMENT_SYMBOLS[i + 1]]));
// American spellings that appear in the literature.
NAME_TO_SYMBOL.set('aluminum', 'Al');
NAME_TO_SYMBOL.set('cesium', 'Cs');
NAME_TO_SYMBOL.set('sulphur', 'S');

export function isElementSymbol(symbol: string): boolean {
  return SYMBOL_SET.has(symbol);
}

/** Returns the symbol for an English element name ("copper" -> "Cu"), or undefined. */
export function symbolForName(name: string): string | undefined {
  return NAME_TO_SYMBOL.get(name.toLowerCase());
}

export function atomicNumber(symbol: string): number {
  return ELEMENT_SYMBOLS.indexOf(symbol);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Reduced formula from element counts (counts must be positive integers). */
export function reducedFormula(counts: ReadonlyMap<string, number> | Record<string, number>): string {
  const entries = (counts instanceof Map ? [...counts.entries()] : Object.entries(counts)).filter(([, n]) => n > 0);
  if (entries.length === 0) return '';
  const divisor = entries.reduce((g, [, n]) => gcd(g, n), 0);
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([symbol, n]) => (n / divisor === 1 ? symbol : `${symbol}${n / divisor}`))
    .join('');
}

/** Reduced formula of a list of species, one symbol per atom. */
export function formulaOfSpecies(species: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const symbol of species) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  return reducedFormula(counts);
}

/**
 * Parses a written formula such as "Ni3Al", "LiFePO4", "Ca(OH)2" or
 * "Cu" into element counts. Returns undefined when the text is not a formula
 * made only of known element symbols with integer counts.
 */
export function parseFormula(text: string): Map<string, number> | undefined {
  const trimmed = text.trim();
  if (!/^[A-Z(]/.test(trimmed) || !/^[A-Za-z0-9()]+$/.test(trimmed)) return undefined;
  const stack: Map<string, number>[] = [new Map()];
  const token = /([A-Z][a-z]?)(\d*)|\((?!\))|\)(\d*)/gy;
  let position = 0;
  while (position < trimmed.length) {
    token.lastIndex = position;
    const match = token.exec(trimmed);
    if (!match) return undefined;
    position = token.lastIndex;
    if (match[1]) {
      if (!SYMBOL_SET.has(match[1])) return undefined;
      const n = match[2] ? Number(match[2]) : 1;
      if (n === 0) return undefined;
      const top = stack[stack.length - 1];
      top.set(match[1], (top.get(match[1]) ?? 0) + n);
    } else if (match[0] === '(') {
      stack.push(new Map());
    } else {
      if (stack.length < 2) return undefined;
      const group = stack.pop()!;
      const n = match[3] ? Number(match[3]) : 1;
      const top = stack[stack.length - 1];
      for (const [symbol, count] of group) top.set(symbol, (top.get(symbol) ?? 0) + count * n);
    }
  }
  if (stack.length !== 1 || stack[0].size === 0) return undefined;
  return stack[0];
}

/** Normalizes a written formula to its reduced form, or undefined when it is not one. */
export function normalizeFormula(text: string): string | undefined {
  const counts = parseFormula(text);
  return counts ? reducedFormula(counts) : undefined;
}
