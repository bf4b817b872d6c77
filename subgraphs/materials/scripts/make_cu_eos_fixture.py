#!/usr/bin/python3
"""LAMMPS reference for the Cu lattice constant and bulk modulus.

Runs Debian's lmp (29 Sep 2021) with pair_style eam and Cu_u3.eam from
/usr/share/lammps/potentials (override with LAMMPS_POTENTIALS):
1. minimize a 4-atom fcc cell with fix box/relax iso 0 → lattice constant a0;
2. energies at linear strains −4 % … +4 % of a0 (run 0), fitted by the
   third-order Birch–Murnaghan form (a cubic in V^(-2/3)) → V0, E0, B0, B0'.
Writes test/fixtures/lammps/cu-eos.json. Run:
    /usr/bin/python3 subgraphs/materials/scripts/make_cu_eos_fixture.py
"""

import json
import os
import pathlib
import re
import subprocess
import tempfile

import numpy as np

POTENTIALS = os.environ.get("LAMMPS_POTENTIALS", "/usr/share/lammps/potentials")
OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "lammps" / "cu-eos.json"
STRAINS = [-0.04, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, 0.04]
EV_PER_A3_IN_GPA = 160.2176634


def lmp(script):
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "in.lmp"
        path.write_text(script)
        return subprocess.run(["lmp", "-in", str(path), "-log", "none", "-echo", "none"], cwd=tmp, check=True,
                              capture_output=True, text=True).stdout


SETUP = f"""units metal
atom_style atomic
boundary p p p
lattice fcc {{a}}
region box block 0 1 0 1 0 1
create_box 1 box
create_atoms 1 box
mass 1 63.546
pair_style eam
pair_coeff 1 1 {POTENTIALS}/Cu_u3.eam
thermo_style custom step pe vol lx press
thermo_modify format float %.15g
"""


def relaxed_lattice_constant():
    out = lmp(SETUP.format(a=3.6) + """fix relax all box/relax iso 0.0 vmax 0.001
min_style cg
minimize 0 1e-12 10000 100000
print "A0 $(lx:%.15g)"
""")
    return float(re.search(r"^A0 (\S+)", out, re.M).group(1))


def energy(a):
    out = lmp(SETUP.format(a=a) + """run 0
print "PE $(pe:%.15g) VOL $(vol:%.15g)"
""")
    match = re.search(r"^PE (\S+) VOL (\S+)", out, re.M)
    return float(match.group(1)), float(match.group(2))


def birch_murnaghan(volumes, energies):
    x = np.asarray(volumes) ** (-2.0 / 3.0)
    c0, c1, c2, c3 = np.polynomial.polynomial.polyfit(x, energies, 3)
    roots = np.roots([3 * c3, 2 * c2, c1])
    candidates = [r.real for r in roots if abs(r.imag) < 1e-12 and r.real > 0 and 2 * c2 + 6 * c3 * r.real > 0]
    u = candidates[0]
    v0 = u ** -1.5

    def bulk(v):
        u = v ** (-2.0 / 3.0)
        eu = c1 + 2 * c2 * u + 3 * c3 * u * u
        euu = 2 * c2 + 6 * c3 * u
        uv = -2.0 / 3.0 * u / v
        uvv = 10.0 / 9.0 * u / v / v
        return v * (euu * uv * uv + eu * uvv)

    b0 = bulk(v0)
    h = 1e-4 * v0
    b0_prime = -v0 / b0 * (bulk(v0 + h) - bulk(v0 - h)) / (2 * h)
    e0 = c0 + u * (c1 + u * (c2 + u * c3))
    return v0, e0, b0 * EV_PER_A3_IN_GPA, b0_prime


if __name__ == "__main__":
    a0 = relaxed_lattice_constant()
    points = [energy(a0 * (1 + s)) for s in STRAINS]
    energies = [p[0] for p in points]
    volumes = [p[1] for p in points]
    v0, e0, b0, b0_prime = birch_murnaghan(volumes, energies)
    version = re.search(r"LAMMPS \((.*?)\)", subprocess.run(["lmp", "-h"], capture_output=True, text=True).stdout)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "potential": "Cu_u3.eam",
        "lammpsVersion": version.group(1) if version else "unknown",
        "a0": a0, "strains": STRAINS, "volumes": volumes, "energies": energies,
        "v0": v0, "e0": e0, "b0GPa": b0, "b0Prime": b0_prime,
    }, indent=1) + "\n")
    print(f"a0 {a0:.10f} Å  V0 {v0:.8f} Å³  B0 {b0:.6f} GPa  B0' {b0_prime:.4f}")
