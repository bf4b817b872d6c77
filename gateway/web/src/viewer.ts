import {
  AmbientLight,
  BufferGeometry,
  Color,
  ConeGeometry,
  CylinderGeometry,
  DirectionalLight,
  Float32BufferAttribute,
  Group,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  Matrix4,
  Mesh,
  MeshPhongMaterial,
  PerspectiveCamera,
  Scene,
  SphereGeometry,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

import { h, replace } from './dom.js';
import { covalentRadius, elementColour, elementColourCss } from './elements.js';

/** Structure to draw: positions N×3 and cell rows a, b, c, all in Å. */
export interface ViewerStructure {
  species: string[];
  positions: number[][];
  cell: number[][];
  pbc: boolean[];
}

/** Atoms are drawn at this fraction of their covalent radius, so neighbours do not touch. */
const ATOM_SCALE = 0.5;
/** Only the largest forces get arrows; thousands of arrows hide the structure. */
const MAX_ARROWS = 300;
/** Forces below this, eV/Å, get no arrow (a perfect crystal has forces near 1e-15). */
const MIN_ARROW_FORCE = 1e-4;
const ARROW_COLOUR = 0xd62728;
/** Shaft and head radii of a force arrow, Å. */
const ARROW_SHAFT_RADIUS = 0.06;
const ARROW_HEAD_RADIUS = 0.16;

/**
 * Interactive 3D view of one structure with three.js: atoms as spheres
 * coloured by element, the cell as twelve edges, optional force arrows.
 * Drag rotates, the wheel zooms, a right drag pans. It renders on demand,
 * not in a loop, so an idle page costs nothing.
 */
export class StructureViewer {
  readonly element: HTMLElement;
  private readonly canvasHost: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly renderer: WebGLRenderer | null;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(40, 1, 0.1, 10_000);
  private readonly controls: OrbitControls | null;
  private structureGroup = new Group();
  private arrowGroup = new Group();
  private structure: ViewerStructure | null = null;

  constructor(id: string) {
    this.canvasHost = h('div', { class: 'viewer-canvas' });
    this.legend = h('div', { class: 'viewer-legend' });
    this.element = h(
      'div',
      { class: 'viewer', id, 'data-atoms': 0, 'data-arrows': 0 },
      this.canvasHost,
      this.legend,
      h('div', { class: 'viewer-help' }, 'drag: rotate · wheel: zoom · right drag: pan'),
    );

    this.renderer = createRenderer();
    if (!this.renderer) {
      this.controls = null;
      replace(this.canvasHost, h('p', { class: 'error' }, 'This browser has no WebGL, so the 3D view is off; the numbers below still work.'));
      return;
    }
    this.canvasHost.appendChild(this.renderer.domElement);
    this.scene.background = new Color(0xf7f8fa);
    this.scene.add(new AmbientLight(0xffffff, 1.2));
    const light = new DirectionalLight(0xffffff, 2.0);
    light.position.set(1, 2, 3);
    this.camera.add(light);
    this.scene.add(this.camera, this.structureGroup, this.arrowGroup);

    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.addEventListener('change', () => this.render());
    new ResizeObserver(() => this.resize()).observe(this.canvasHost);
  }

  /** Draws a structure and removes any force arrows. */
  show(structure: ViewerStructure): void {
    this.structure = structure;
    this.element.dataset.atoms = String(structure.species.length);
    disposeGroup(this.structureGroup);
    this.setForces(null);
    this.renderLegend(structure.species);
    if (!this.renderer) return;

    for (const [symbol, indices] of groupBySpecies(structure.species)) {
      const radius = covalentRadius(symbol) * ATOM_SCALE;
      const detail = structure.species.length > 5_000 ? 8 : 20;
      const mesh = new InstancedMesh(new SphereGeometry(radius, detail, Math.ceil(detail * 0.75)), new MeshPhongMaterial({ color: elementColour(symbol), shininess: 60 }), indices.length);
      const matrix = new Matrix4();
      indices.forEach((atom, instance) => {
        const [x, y, z] = structure.positions[atom];
        mesh.setMatrixAt(instance, matrix.makeTranslation(x, y, z));
      });
      mesh.name = symbol;
      this.structureGroup.add(mesh);
    }
    if (structure.pbc.some(Boolean)) this.structureGroup.add(cellEdges(structure.cell));
    this.fitCamera();
    this.render();
  }

  /**
   * Draws forces (N×3, eV/Å) as arrows from each atom's surface, the longest
   * scaled to a fixed share of the view. Only the MAX_ARROWS largest are drawn.
   * Returns the number of arrows.
   */
  setForces(forces: number[][] | null): number {
    disposeGroup(this.arrowGroup);
    let drawn = 0;
    if (forces && this.structure && this.renderer) {
      const magnitudes = forces.map(([x, y, z], atom) => ({ atom, magnitude: Math.hypot(x, y, z) }));
      const largest = magnitudes.filter((item) => item.magnitude >= MIN_ARROW_FORCE).sort((a, b) => b.magnitude - a.magnitude).slice(0, MAX_ARROWS);
      const maxMagnitude = largest[0]?.magnitude ?? 0;
      const maxLength = Math.max(1.5, 0.25 * this.sceneRadius());
      const arrow = arrowParts();
      for (const { atom, magnitude } of largest) {
        const direction = new Vector3(...forces[atom]).divideScalar(magnitude);
        const symbol = this.structure.species[atom];
        const origin = new Vector3(...this.structure.positions[atom]).addScaledVector(direction, covalentRadius(symbol) * ATOM_SCALE);
        const length = Math.max(0.3, (maxLength * magnitude) / maxMagnitude);
        this.arrowGroup.add(arrow(origin, direction, length));
      }
      drawn = largest.length;
    }
    this.element.dataset.arrows = String(drawn);
    this.render();
    return drawn;
  }

  private renderLegend(species: string[]): void {
    const counts = new Map<string, number>();
    for (const symbol of species) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    replace(
      this.legend,
      ...[...counts].map(([symbol, count]) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `background:${elementColourCss(symbol)}` }), `${symbol} ×${count}`)),
    );
  }

  private sceneRadius(): number {
    if (!this.structure) return 1;
    const { centre, points } = this.boundingPoints();
    return Math.max(1, ...points.map((point) => point.distanceTo(centre)));
  }

  /** Atom positions plus the cell corners, and their centre. */
  private boundingPoints(): { centre: Vector3; points: Vector3[] } {
    const structure = this.structure!;
    const points = structure.positions.map(([x, y, z]) => new Vector3(x, y, z));
    if (structure.pbc.some(Boolean)) points.push(...cellCorners(structure.cell));
    const centre = new Vector3();
    for (const point of points) centre.add(point);
    centre.divideScalar(Math.max(1, points.length));
    return { centre, points };
  }

  private fitCamera(): void {
    if (!this.controls) return;
    const { centre } = this.boundingPoints();
    const radius = this.sceneRadius() + 0.8;
    const distance = (0.95 * radius) / Math.sin((this.camera.fov * Math.PI) / 360);
    // Looking down a slightly rotated diagonal shows all three cell axes.
    this.camera.position.copy(centre).add(new Vector3(0.55, 0.42, 1).normalize().multiplyScalar(distance));
    this.camera.near = Math.max(0.01, distance / 100);
    this.camera.far = distance * 10;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(centre);
    this.controls.update();
  }

  private resize(): void {
    if (!this.renderer) return;
    const width = this.canvasHost.clientWidth;
    const height = this.canvasHost.clientHeight;
    if (width === 0 || height === 0) return;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  private render(): void {
    this.renderer?.render(this.scene, this.camera);
  }
}

/**
 * Returns a maker of arrows built from a cylinder and a cone, which keep
 * their thickness on screen (WebGL draws lines one pixel wide).
 */
function arrowParts(): (origin: Vector3, direction: Vector3, length: number) => Group {
  // Unit shapes along +y from 0 to 1, scaled per arrow.
  const shaft = new CylinderGeometry(1, 1, 1, 10).translate(0, 0.5, 0);
  const head = new ConeGeometry(1, 1, 16).translate(0, 0.5, 0);
  const material = new MeshPhongMaterial({ color: ARROW_COLOUR });
  const up = new Vector3(0, 1, 0);
  return (origin, direction, length) => {
    const headLength = Math.min(0.4, 0.35 * length);
    const shaftMesh = new Mesh(shaft, material);
    shaftMesh.scale.set(ARROW_SHAFT_RADIUS, length - headLength, ARROW_SHAFT_RADIUS);
    const headMesh = new Mesh(head, material);
    headMesh.scale.set(ARROW_HEAD_RADIUS, headLength, ARROW_HEAD_RADIUS);
    headMesh.position.y = length - headLength;
    const group = new Group();
    group.add(shaftMesh, headMesh);
    group.position.copy(origin);
    group.quaternion.setFromUnitVectors(up, direction);
    return group;
  };
}

function createRenderer(): WebGLRenderer | null {
  try {
    // preserveDrawingBuffer keeps the last frame readable for screenshots.
    const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    return renderer;
  } catch {
    return null;
  }
}

function groupBySpecies(species: string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  species.forEach((symbol, atom) => {
    const list = groups.get(symbol) ?? [];
    list.push(atom);
    groups.set(symbol, list);
  });
  return groups;
}

/** Returns the eight corners i·a + j·b + k·c for i, j, k in {0, 1}. */
function cellCorners(cell: number[][]): Vector3[] {
  const [a, b, c] = cell.map(([x, y, z]) => new Vector3(x, y, z));
  const corners: Vector3[] = [];
  for (let i = 0; i < 8; i++) {
    corners.push(new Vector3().addScaledVector(a, i & 1).addScaledVector(b, (i >> 1) & 1).addScaledVector(c, (i >> 2) & 1));
  }
  return corners;
}

/** Builds the twelve cell edges, which join corners whose bit patterns differ in one bit. */
function cellEdges(cell: number[][]): LineSegments {
  const corners = cellCorners(cell);
  const vertices: number[] = [];
  for (let i = 0; i < 8; i++) {
    for (const bit of [1, 2, 4]) {
      if (i & bit) continue;
      vertices.push(...corners[i].toArray(), ...corners[i | bit].toArray());
    }
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(vertices, 3));
  const edges = new LineSegments(geometry, new LineBasicMaterial({ color: 0x333333 }));
  edges.name = 'cell';
  return edges;
}

/** Removes every child and frees its GPU buffers. */
function disposeGroup(group: Group): void {
  for (const child of [...group.children]) {
    child.traverse((object) => {
      const disposable = object as { geometry?: { dispose(): void }; material?: { dispose(): void } | { dispose(): void }[] };
      disposable.geometry?.dispose();
      if (Array.isArray(disposable.material)) {
        for (const material of disposable.material) material.dispose();
      } else {
        disposable.material?.dispose();
      }
    });
    group.remove(child);
  }
}
