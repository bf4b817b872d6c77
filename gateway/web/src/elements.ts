/**
 * Display colour and covalent radius of each element. Colours are Jmol's CPK
 * scheme; radii (Å) are from B. Cordero et al., "Covalent radii revisited",
 * Dalton Trans. 2008, 2832 (high-spin values for Mn, Fe and Co).
 */
const ELEMENTS: Record<string, [colour: number, covalentRadius: number]> = {
  H: [0xffffff, 0.31], He: [0xd9ffff, 0.28], Li: [0xcc80ff, 1.28], Be: [0xc2ff00, 0.96],
  B: [0xffb5b5, 0.84], C: [0x909090, 0.76], N: [0x3050f8, 0.71], O: [0xff0d0d, 0.66],
  F: [0x90e050, 0.57], Ne: [0xb3e3f5, 0.58], Na: [0xab5cf2, 1.66], Mg: [0x8aff00, 1.41],
  Al: [0xbfa6a6, 1.21], Si: [0xf0c8a0, 1.11], P: [0xff8000, 1.07], S: [0xffff30, 1.05],
  Cl: [0x1ff01f, 1.02], Ar: [0x80d1e3, 1.06], K: [0x8f40d4, 2.03], Ca: [0x3dff00, 1.76],
  Sc: [0xe6e6e6, 1.7], Ti: [0xbfc2c7, 1.6], V: [0xa6a6ab, 1.53], Cr: [0x8a99c7, 1.39],
  Mn: [0x9c7ac7, 1.61], Fe: [0xe06633, 1.52], Co: [0xf090a0, 1.5], Ni: [0x50d050, 1.24],
  Cu: [0xc88033, 1.32], Zn: [0x7d80b0, 1.22], Ga: [0xc28f8f, 1.22], Ge: [0x668f8f, 1.2],
  As: [0xbd80e3, 1.19], Se: [0xffa100, 1.2], Br: [0xa62929, 1.2], Kr: [0x5cb8d1, 1.16],
  Rb: [0x702eb0, 2.2], Sr: [0x00ff00, 1.95], Y: [0x94ffff, 1.9], Zr: [0x94e0e0, 1.75],
  Nb: [0x73c2c9, 1.64], Mo: [0x54b5b5, 1.54], Tc: [0x3b9e9e, 1.47], Ru: [0x248f8f, 1.46],
  Rh: [0x0a7d8c, 1.42], Pd: [0x006985, 1.39], Ag: [0xc0c0c0, 1.45], Cd: [0xffd98f, 1.44],
  In: [0xa67573, 1.42], Sn: [0x668080, 1.39], Sb: [0x9e63b5, 1.39], Te: [0xd47a00, 1.38],
  I: [0x940094, 1.39], Xe: [0x429eb0, 1.4], Cs: [0x57178f, 2.44], Ba: [0x00c900, 2.15],
  La: [0x70d4ff, 2.07], Hf: [0x4dc2ff, 1.75], Ta: [0x4da6ff, 1.7], W: [0x2194d6, 1.62],
  Re: [0x267dab, 1.51], Os: [0x266696, 1.44], Ir: [0x175487, 1.41], Pt: [0xd0d0e0, 1.36],
  Au: [0xffd123, 1.36], Hg: [0xb8b8d0, 1.32], Tl: [0xa6544d, 1.45], Pb: [0x575961, 1.46],
  Bi: [0x9e4fb5, 1.48],
};

// Jmol draws unknown elements in hot pink; the radius is a middling metal's.
const UNKNOWN: [number, number] = [0xff1493, 1.5];

export function elementColour(symbol: string): number {
  return (ELEMENTS[symbol] ?? UNKNOWN)[0];
}

export function covalentRadius(symbol: string): number {
  return (ELEMENTS[symbol] ?? UNKNOWN)[1];
}

/** The colour as a CSS hex string, for legends. */
export function elementColourCss(symbol: string): string {
  return `#${elementColour(symbol).toString(16).padStart(6, '0')}`;
}
