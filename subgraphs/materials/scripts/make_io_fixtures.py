#!/usr/bin/python3
"""Write structure-file fixtures and what ASE reads from them.

For every input file written to test/fixtures/io/, ASE reads the same file
and the cell (rows a, b, c), pbc, species and Cartesian positions (Å) go to
<file>.expected.json. The TypeScript readers are tested against these.

Run from anywhere with Debian's python3-ase (tested with ASE 3.22.1):
    /usr/bin/python3 subgraphs/materials/scripts/make_io_fixtures.py
"""

import json
import pathlib

import numpy as np
from ase.io import read
from ase.spacegroup import Spacegroup

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "io"


def expected(atoms, shift=(0.0, 0.0, 0.0)):
    """The parts a reader must reproduce, positions shifted by `shift` (Å)."""
    return {
        "cell": atoms.cell.array.tolist(),
        "pbc": [bool(p) for p in atoms.pbc],
        "species": atoms.get_chemical_symbols(),
        "positions": (atoms.positions - np.asarray(shift)).tolist(),
    }


def save(name, text, frames):
    (OUT / name).write_text(text)
    (OUT / f"{name}.expected.json").write_text(json.dumps(frames, indent=1) + "\n")


def symop_strings(number):
    """Symmetry operations of a space group as 'x,y+1/2,-z' strings."""
    ops = []
    for rotation, translation in Spacegroup(number).get_symop():
        parts = []
        for row, shift in zip(rotation, translation):
            terms = ""
            for coefficient, axis in zip(row, "xyz"):
                if coefficient:
                    terms += ("+" if coefficient > 0 else "-") + axis
            fraction = {0.0: "", 0.5: "+1/2", 0.25: "+1/4", 0.75: "+3/4"}
            key = round(float(shift) % 1.0, 6)
            if key not in fraction:
                raise ValueError(f"unexpected translation {shift}")
            parts.append(terms.lstrip("+") + fraction[key])
        ops.append(",".join(parts))
    return ops


def extxyz():
    text = """2
Lattice="3.6 0.1 0.0 0.2 3.5 0.0 0.0 0.3 3.7" Properties=species:S:1:pos:R:3:forces:R:3 energy=-7.25 pbc="T T F"
Cu 0.0 0.0 0.0 0.1 0.2 0.3
Ni 1.8 1.75 1.85 -0.1 -0.2 -0.3
3
Lattice="5 0 0 0 5 0 0 0 5" pbc='True True True' comment="three atoms"
Al 0.5 0.5 0.5
Al 2.5 2.5 0.5
Al 2.5 0.5 2.5
3
Properties=species:S:1:pos:R:3 note=water
O 0.0 0.0 0.119262
H 0.0 0.763239 -0.477047
H 0.0 -0.763239 -0.477047
"""
    frames = read_text("frames.extxyz", text, index=":", format="extxyz")
    save("frames.extxyz", text, [expected(a) for a in frames])


def read_text(name, text, **kwargs):
    path = OUT / name
    path.write_text(text)
    return read(path, **kwargs)


def poscars():
    vasp5 = """Cu3Au triclinic, direct
1.0
  3.75 0.0 0.0
  0.2 3.8 0.0
  0.1 0.3 3.9
  Au Cu
  1 3
Direct
  0.0 0.0 0.0
  0.0 0.5 0.5
  0.5 0.0 0.5
  0.5 0.5 0.0
"""
    save("cu3au.poscar", vasp5, [expected(read_text("cu3au.poscar", vasp5, format="vasp"))])

    vasp4 = """Fe Al
1.1
  2.9 0.0 0.0
  0.0 2.9 0.0
  0.0 0.0 2.9
  1 1
Cartesian
  0.0 0.0 0.0
  1.45 1.45 1.45
"""
    save("feal-vasp4.poscar", vasp4, [expected(read_text("feal-vasp4.poscar", vasp4, format="vasp"))])

    volume = """Si with volume scale and selective dynamics
-160.0
  1.0 0.0 0.0
  0.0 1.0 0.0
  0.0 0.0 1.0
Si
2
Selective dynamics
direct
  0.0 0.0 0.0 F F F
  0.25 0.25 0.25 T T T
"""
    # ASE 3.22 applies a negative scale as a plain factor, unlike VASP, which
    # reads it as the cell volume in Å³. The oracle is ASE reading the same
    # file with the equivalent positive factor, 160^(1/3) for a unit cube.
    equivalent = volume.replace("-160.0", repr(160.0 ** (1.0 / 3.0)))
    oracle = read_text("si-volume-equivalent.contcar", equivalent, format="vasp")
    (OUT / "si-volume-equivalent.contcar").unlink()
    save("si-volume.contcar", volume, [expected(oracle)])


def cif_with_symops(block, cell, number, tag, ops, sites, type_symbols=True, looped=True):
    a, b, c, alpha, beta, gamma = cell
    lines = [
        f"data_{block}",
        f"_cell_length_a {a}",
        f"_cell_length_b {b}",
        f"_cell_length_c {c}",
        f"_cell_angle_alpha {alpha}",
        f"_cell_angle_beta {beta}",
        f"_cell_angle_gamma {gamma}",
        f"_symmetry_space_group_name_H-M '{Spacegroup(number).symbol}'",
        f"_symmetry_Int_Tables_number {number}",
        "",
    ]
    if looped:
        lines += ["loop_", tag] + [f"'{op}'" for op in ops]
    else:
        lines += [f"{tag} '{ops[0]}'"]
    lines += ["", "loop_", "_atom_site_label"]
    if type_symbols:
        lines.append("_atom_site_type_symbol")
    lines += ["_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z", "_atom_site_occupancy"]
    for label, symbol, x, y, z in sites:
        row = [label] + ([symbol] if type_symbols else []) + [x, y, z, "1.0"]
        lines.append(" ".join(str(v) for v in row))
    return "\n".join(lines) + "\n"


def cifs():
    nacl = cif_with_symops(
        "NaCl", (5.64, 5.64, 5.64, 90, 90, 90), 225, "_space_group_symop_operation_xyz", symop_strings(225),
        [("Na1", "Na+", "0", "0", "0"), ("Cl1", "Cl-", "0.5", "0.5", "0.5")],
    )
    save("nacl.cif", nacl, [expected(read_text("nacl.cif", nacl, format="cif"))])

    rutile = cif_with_symops(
        "rutile", (4.594, 4.594, 2.959, 90, 90, 90), 136, "_symmetry_equivalent_pos_as_xyz", symop_strings(136),
        [("Ti1", "", "0", "0", "0"), ("O1", "", "0.3053", "0.3053", "0")], type_symbols=False,
    )
    save("rutile.cif", rutile, [expected(read_text("rutile.cif", rutile, format="cif"))])

    mg = cif_with_symops(
        "Mg", (3.209, 3.209, 5.211, 90, 90, 120), 194, "_symmetry_equivalent_pos_as_xyz", symop_strings(194),
        [("Mg1", "Mg", "0.333333", "0.666667", "0.25")],
    )
    save("mg-hcp.cif", mg, [expected(read_text("mg-hcp.cif", mg, format="cif"))])

    triclinic = cif_with_symops(
        "triclinic_P1", ("4.1(2)", "4.3", "4.7(1)", "81.5", "97.2", "102.3"), 1, "_symmetry_equivalent_pos_as_xyz", ["x, y, z"],
        [("Cu1", "Cu", "0.1", "0.2", "0.3"), ("Zn1", "Zn", "0.6", "0.55", "0.8")], looped=False,
    )
    save("triclinic-p1.cif", triclinic, [expected(read_text("triclinic-p1.cif", triclinic, format="cif"))])


def lammps_data():
    orthogonal = """CuNi test, orthogonal box

4 atoms
2 atom types

-1.0 2.61 xlo xhi
0.0 3.61 ylo yhi
0.5 4.11 zlo zhi

Masses

1 63.546
2 58.6934

Atoms # atomic

3 1 1.805 1.805 0.5
1 1 -1.0 0.0 0.5
2 2 0.805 1.805 2.305
4 2 -1.0 1.805 2.305
"""
    atoms = read_text("cuni.data", orthogonal, format="lammps-data", style="atomic", sort_by_id=True, Z_of_type={1: 29, 2: 28})
    save("cuni.data", orthogonal, [expected(atoms, shift=(-1.0, 0.0, 0.5))])

    triclinic = """triclinic Al box with tilts and image flags
2 atoms
1 atom types
0.0 4.05 xlo xhi
0.0 3.9 ylo yhi
0.0 3.8 zlo zhi
0.4 0.3 -0.2 xy xz yz

Atoms

1 1 0.1 0.2 0.3 0 0 0
2 1 2.2 2.0 1.9 1 0 -1

Velocities

1 0.01 0.0 0.0
2 -0.01 0.0 0.0
"""
    atoms = read_text("al-triclinic.data", triclinic, format="lammps-data", style="atomic", sort_by_id=True, Z_of_type={1: 13})
    save("al-triclinic.data", triclinic, [expected(atoms)])


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    extxyz()
    poscars()
    cifs()
    lammps_data()
