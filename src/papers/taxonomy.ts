/**
 * The arXiv category taxonomy: every current category with its human name and group, plus
 * the legacy archives that old records still carry (`chao-dyn`, `cmp-lg`, bare `astro-ph`, `cs`, ...).
 *
 * Source: arXiv's own definitions (arxiv-base, `arxiv/taxonomy/definitions.py`), minus the
 * `test.*` categories. Aliases such as `math.IT` = `cs.IT` or `stat.TH` = `math.ST` are kept as
 * separate categories, as arXiv lists them; nothing here rewrites one into the other.
 */

export type CategoryGroup = 'cs' | 'math' | 'physics' | 'q-bio' | 'q-fin' | 'stat' | 'eess' | 'econ';

export const GROUP_NAMES: Readonly<Record<CategoryGroup, string>> = {
  cs: 'Computer Science',
  math: 'Mathematics',
  physics: 'Physics',
  'q-bio': 'Quantitative Biology',
  'q-fin': 'Quantitative Finance',
  stat: 'Statistics',
  eess: 'Electrical Engineering and Systems Science',
  econ: 'Economics',
};

export interface CategoryInfo {
  id: string;
  name: string;
  group: CategoryGroup;
  /** True for archives arXiv no longer accepts submissions to. */
  legacy: boolean;
  /** For a legacy archive: the current category that replaced it, if any. */
  subsumedBy: string | null;
}

/** Current categories, by group. */
const CURRENT: Record<CategoryGroup, Record<string, string>> = {
  cs: {
    'cs.AI': 'Artificial Intelligence',
    'cs.AR': 'Hardware Architecture',
    'cs.CC': 'Computational Complexity',
    'cs.CE': 'Computational Engineering, Finance, and Science',
    'cs.CG': 'Computational Geometry',
    'cs.CL': 'Computation and Language',
    'cs.CR': 'Cryptography and Security',
    'cs.CV': 'Computer Vision and Pattern Recognition',
    'cs.CY': 'Computers and Society',
    'cs.DB': 'Databases',
    'cs.DC': 'Distributed, Parallel, and Cluster Computing',
    'cs.DL': 'Digital Libraries',
    'cs.DM': 'Discrete Mathematics',
    'cs.DS': 'Data Structures and Algorithms',
    'cs.ET': 'Emerging Technologies',
    'cs.FL': 'Formal Languages and Automata Theory',
    'cs.GL': 'General Literature',
    'cs.GR': 'Graphics',
    'cs.GT': 'Computer Science and Game Theory',
    'cs.HC': 'Human-Computer Interaction',
    'cs.IR': 'Information Retrieval',
    'cs.IT': 'Information Theory',
    'cs.LG': 'Machine Learning',
    'cs.LO': 'Logic in Computer Science',
    'cs.MA': 'Multiagent Systems',
    'cs.MM': 'Multimedia',
    'cs.MS': 'Mathematical Software',
    'cs.NA': 'Numerical Analysis',
    'cs.NE': 'Neural and Evolutionary Computing',
    'cs.NI': 'Networking and Internet Architecture',
    'cs.OH': 'Other Computer Science',
    'cs.OS': 'Operating Systems',
    'cs.PF': 'Performance',
    'cs.PL': 'Programming Languages',
    'cs.RO': 'Robotics',
    'cs.SC': 'Symbolic Computation',
    'cs.SD': 'Sound',
    'cs.SE': 'Software Engineering',
    'cs.SI': 'Social and Information Networks',
    'cs.SY': 'Systems and Control',
  },
  math: {
    'math.AC': 'Commutative Algebra',
    'math.AG': 'Algebraic Geometry',
    'math.AP': 'Analysis of PDEs',
    'math.AT': 'Algebraic Topology',
    'math.CA': 'Classical Analysis and ODEs',
    'math.CO': 'Combinatorics',
    'math.CT': 'Category Theory',
    'math.CV': 'Complex Variables',
    'math.DG': 'Differential Geometry',
    'math.DS': 'Dynamical Systems',
    'math.FA': 'Functional Analysis',
    'math.GM': 'General Mathematics',
    'math.GN': 'General Topology',
    'math.GR': 'Group Theory',
    'math.GT': 'Geometric Topology',
    'math.HO': 'History and Overview',
    'math.IT': 'Information Theory',
    'math.KT': 'K-Theory and Homology',
    'math.LO': 'Logic',
    'math.MG': 'Metric Geometry',
    'math.MP': 'Mathematical Physics',
    'math.NA': 'Numerical Analysis',
    'math.NT': 'Number Theory',
    'math.OA': 'Operator Algebras',
    'math.OC': 'Optimization and Control',
    'math.PR': 'Probability',
    'math.QA': 'Quantum Algebra',
    'math.RA': 'Rings and Algebras',
    'math.RT': 'Representation Theory',
    'math.SG': 'Symplectic Geometry',
    'math.SP': 'Spectral Theory',
    'math.ST': 'Statistics Theory',
  },
  physics: {
    'astro-ph.CO': 'Cosmology and Nongalactic Astrophysics',
    'astro-ph.EP': 'Earth and Planetary Astrophysics',
    'astro-ph.GA': 'Astrophysics of Galaxies',
    'astro-ph.HE': 'High Energy Astrophysical Phenomena',
    'astro-ph.IM': 'Instrumentation and Methods for Astrophysics',
    'astro-ph.SR': 'Solar and Stellar Astrophysics',
    'cond-mat.dis-nn': 'Disordered Systems and Neural Networks',
    'cond-mat.mes-hall': 'Mesoscale and Nanoscale Physics',
    'cond-mat.mtrl-sci': 'Materials Science',
    'cond-mat.other': 'Other Condensed Matter',
    'cond-mat.quant-gas': 'Quantum Gases',
    'cond-mat.soft': 'Soft Condensed Matter',
    'cond-mat.stat-mech': 'Statistical Mechanics',
    'cond-mat.str-el': 'Strongly Correlated Electrons',
    'cond-mat.supr-con': 'Superconductivity',
    'gr-qc': 'General Relativity and Quantum Cosmology',
    'hep-ex': 'High Energy Physics - Experiment',
    'hep-lat': 'High Energy Physics - Lattice',
    'hep-ph': 'High Energy Physics - Phenomenology',
    'hep-th': 'High Energy Physics - Theory',
    'math-ph': 'Mathematical Physics',
    'nlin.AO': 'Adaptation and Self-Organizing Systems',
    'nlin.CD': 'Chaotic Dynamics',
    'nlin.CG': 'Cellular Automata and Lattice Gases',
    'nlin.PS': 'Pattern Formation and Solitons',
    'nlin.SI': 'Exactly Solvable and Integrable Systems',
    'nucl-ex': 'Nuclear Experiment',
    'nucl-th': 'Nuclear Theory',
    'physics.acc-ph': 'Accelerator Physics',
    'physics.ao-ph': 'Atmospheric and Oceanic Physics',
    'physics.app-ph': 'Applied Physics',
    'physics.atm-clus': 'Atomic and Molecular Clusters',
    'physics.atom-ph': 'Atomic Physics',
    'physics.bio-ph': 'Biological Physics',
    'physics.chem-ph': 'Chemical Physics',
    'physics.class-ph': 'Classical Physics',
    'physics.comp-ph': 'Computational Physics',
    'physics.data-an': 'Data Analysis, Statistics and Probability',
    'physics.ed-ph': 'Physics Education',
    'physics.flu-dyn': 'Fluid Dynamics',
    'physics.gen-ph': 'General Physics',
    'physics.geo-ph': 'Geophysics',
    'physics.hist-ph': 'History and Philosophy of Physics',
    'physics.ins-det': 'Instrumentation and Detectors',
    'physics.med-ph': 'Medical Physics',
    'physics.optics': 'Optics',
    'physics.plasm-ph': 'Plasma Physics',
    'physics.pop-ph': 'Popular Physics',
    'physics.soc-ph': 'Physics and Society',
    'physics.space-ph': 'Space Physics',
    'quant-ph': 'Quantum Physics',
  },
  'q-bio': {
    'q-bio.BM': 'Biomolecules',
    'q-bio.CB': 'Cell Behavior',
    'q-bio.GN': 'Genomics',
    'q-bio.MN': 'Molecular Networks',
    'q-bio.NC': 'Neurons and Cognition',
    'q-bio.OT': 'Other Quantitative Biology',
    'q-bio.PE': 'Populations and Evolution',
    'q-bio.QM': 'Quantitative Methods',
    'q-bio.SC': 'Subcellular Processes',
    'q-bio.TO': 'Tissues and Organs',
  },
  'q-fin': {
    'q-fin.CP': 'Computational Finance',
    'q-fin.EC': 'Economics',
    'q-fin.GN': 'General Finance',
    'q-fin.MF': 'Mathematical Finance',
    'q-fin.PM': 'Portfolio Management',
    'q-fin.PR': 'Pricing of Securities',
    'q-fin.RM': 'Risk Management',
    'q-fin.ST': 'Statistical Finance',
    'q-fin.TR': 'Trading and Market Microstructure',
  },
  stat: {
    'stat.AP': 'Applications',
    'stat.CO': 'Computation',
    'stat.ME': 'Methodology',
    'stat.ML': 'Machine Learning',
    'stat.OT': 'Other Statistics',
    'stat.TH': 'Statistics Theory',
  },
  eess: {
    'eess.AS': 'Audio and Speech Processing',
    'eess.IV': 'Image and Video Processing',
    'eess.SP': 'Signal Processing',
    'eess.SY': 'Systems and Control',
  },
  econ: {
    'econ.EM': 'Econometrics',
    'econ.GN': 'General Economics',
    'econ.TH': 'Theoretical Economics',
  },
};

/**
 * Categories no new paper gets, which old records carry: archives that closed (most were folded
 * into a current category), and archives whose bare name records before 2007 used as a category
 * (`astro-ph`, `cs`, `physics`, ...: `cs/0011004` v1 has no other, `physics/9707012` v2 lists
 * `physics` first). arXiv defines the latter as archives (arxiv-base `ARCHIVES`).
 */
const LEGACY: Record<string, { name: string; group: CategoryGroup; subsumedBy: string | null }> = {
  'acc-phys': { name: 'Accelerator Physics', group: 'physics', subsumedBy: 'physics.acc-ph' },
  'adap-org': { name: 'Adaptation, Noise, and Self-Organizing Systems', group: 'physics', subsumedBy: 'nlin.AO' },
  'alg-geom': { name: 'Algebraic Geometry', group: 'math', subsumedBy: 'math.AG' },
  'ao-sci': { name: 'Atmospheric-Oceanic Sciences', group: 'physics', subsumedBy: 'physics.ao-ph' },
  'astro-ph': { name: 'Astrophysics', group: 'physics', subsumedBy: null },
  'atom-ph': { name: 'Atomic, Molecular and Optical Physics', group: 'physics', subsumedBy: 'physics.atom-ph' },
  'bayes-an': { name: 'Bayesian Analysis', group: 'physics', subsumedBy: 'physics.data-an' },
  'chao-dyn': { name: 'Chaotic Dynamics', group: 'physics', subsumedBy: 'nlin.CD' },
  'chem-ph': { name: 'Chemical Physics', group: 'physics', subsumedBy: 'physics.chem-ph' },
  'cmp-lg': { name: 'Computation and Language', group: 'cs', subsumedBy: 'cs.CL' },
  'comp-gas': { name: 'Cellular Automata and Lattice Gases', group: 'physics', subsumedBy: 'nlin.CG' },
  'cond-mat': { name: 'Condensed Matter', group: 'physics', subsumedBy: null },
  cs: { name: 'Computer Science', group: 'cs', subsumedBy: null },
  'dg-ga': { name: 'Differential Geometry', group: 'math', subsumedBy: 'math.DG' },
  'funct-an': { name: 'Functional Analysis', group: 'math', subsumedBy: 'math.FA' },
  math: { name: 'Mathematics', group: 'math', subsumedBy: null },
  'mtrl-th': { name: 'Materials Theory', group: 'physics', subsumedBy: 'cond-mat.mtrl-sci' },
  nlin: { name: 'Nonlinear Sciences', group: 'physics', subsumedBy: null },
  'patt-sol': { name: 'Pattern Formation and Solitons', group: 'physics', subsumedBy: 'nlin.PS' },
  physics: { name: 'Physics', group: 'physics', subsumedBy: null },
  'plasm-ph': { name: 'Plasma Physics', group: 'physics', subsumedBy: 'physics.plasm-ph' },
  'q-alg': { name: 'Quantum Algebra and Topology', group: 'math', subsumedBy: 'math.QA' },
  'q-bio': { name: 'Quantitative Biology', group: 'q-bio', subsumedBy: null },
  'solv-int': { name: 'Exactly Solvable and Integrable Systems', group: 'physics', subsumedBy: 'nlin.SI' },
  'supr-con': { name: 'Superconductivity', group: 'physics', subsumedBy: 'cond-mat.supr-con' },
};

const BY_ID: ReadonlyMap<string, CategoryInfo> = buildIndex();
/** Lower-cased id → canonical id, for sources that do not keep arXiv's capitalisation. */
const BY_LOWER_ID: ReadonlyMap<string, string> = new Map([...BY_ID.keys()].map((id) => [id.toLowerCase(), id]));

function buildIndex(): Map<string, CategoryInfo> {
  const index = new Map<string, CategoryInfo>();
  for (const [group, categories] of Object.entries(CURRENT) as [CategoryGroup, Record<string, string>][]) {
    for (const [id, name] of Object.entries(categories)) {
      index.set(id, { id, name, group, legacy: false, subsumedBy: null });
    }
  }
  for (const [id, { name, group, subsumedBy }] of Object.entries(LEGACY)) {
    index.set(id, { id, name, group, legacy: true, subsumedBy });
  }
  return index;
}

/** Whether `c` is exactly an arXiv category id (case-sensitive, as arXiv writes it). */
export function isKnownCategory(c: string): boolean {
  return BY_ID.has(c);
}

/** `cs.CL` → `Computation and Language`; null for an unknown id. */
export function categoryName(c: string): string | null {
  return BY_ID.get(c)?.name ?? null;
}

/** `cs.CL` → `cs`, `hep-th` → `physics`, `math-ph` → `physics`; null for an unknown id. */
export function categoryGroup(c: string): CategoryGroup | null {
  return BY_ID.get(c)?.group ?? null;
}

export function categoryInfo(c: string): CategoryInfo | null {
  return BY_ID.get(c) ?? null;
}

/** Every known category, current ones first, in a stable order. */
export function allCategories(): CategoryInfo[] {
  return [...BY_ID.values()];
}

/**
 * The canonical spelling of a category written loosely (`CS.cv`, ` cs.CV `), or null.
 * Kept separate from `isKnownCategory` so exact checks stay exact.
 */
export function canonicalCategory(c: string): string | null {
  return BY_LOWER_ID.get(c.trim().toLowerCase()) ?? null;
}

export type CategoryTokenKind = 'category' | 'msc' | 'acm' | 'unknown';

/** One MSC class: `68`, `68T`, `68T05`, `68Txx`, `68-XX`, `68-02`. */
const MSC_CODE = /^\d{2}(?:[A-Z](?:\d{2}|xx)?|-(?:\d{2}|xx))?$/i;
/** One ACM class (1998 CCS): `I.2`, `I.2.10`, `K.4.m`. */
const ACM_CODE = /^[A-K]\.(?:\d{1,2}|m)(?:\.(?:\d{1,2}|m))?$/;
/** Decorations authors put around MSC lists: `(Primary)`, `Secondary`, `MSC2020:`, `2020:`. */
const MSC_DECORATION = /\([^)]*\)|\b(?:primary|primarily|secondary|msc(?:\s*20[12]0)?)\b|\b20[12]0\s*:|:/gi;

function codes(s: string): string[] {
  return s.split(/[\s,;]+/).filter((part) => part !== '');
}

/**
 * What one entry of a category list is. Real records mix MSC classes (`68T45, 62H30`) and ACM
 * classes (`I.5.3; I.2.10`) into their category lists; those are metadata, not errors, so callers
 * can drop them quietly and warn only about the `unknown` rest (free text, typos).
 * An entry counts as MSC/ACM only when every code in it is one.
 */
export function classifyCategoryToken(s: string): CategoryTokenKind {
  if (canonicalCategory(s) !== null) return 'category';
  const msc = codes(s.replace(MSC_DECORATION, ' '));
  if (msc.length > 0 && msc.every((code) => MSC_CODE.test(code))) return 'msc';
  const acm = codes(s.replace(/^acm(?:-class)?\s*:/i, ''));
  if (acm.length > 0 && acm.every((code) => ACM_CODE.test(code))) return 'acm';
  return 'unknown';
}

/** An archive (`cs`, `hep-th`, `stat`) or a category (`cs.CL`), as arXiv's feeds and OAI-PMH sets name them. */
export function isArchiveOrCategory(entry: string): boolean {
  return isKnownCategory(entry) || entry in GROUP_NAMES;
}

/** The archive of a category, the part before the dot: `cs.CL` → `cs`, `hep-th` → `hep-th`. */
export function archiveOf(category: string): string {
  return category.split('.')[0] ?? category;
}

/** The OAI-PMH set that holds an archive or category: `cs`, `stat`, `physics:hep-th`. */
export function oaiSetOf(entry: string): string {
  const archive = archiveOf(entry);
  const group = categoryGroup(entry) ?? categoryGroup(archive) ?? (archive in GROUP_NAMES ? archive : null);
  return group === 'physics' ? `physics:${archive}` : (group ?? archive);
}

/** Whether a paper's categories meet a selection of categories and archives (an archive holds all its categories). */
export function inSelection(categories: readonly string[], selection: readonly string[]): boolean {
  return categories.some((category) => selection.includes(category) || selection.includes(archiveOf(category)));
}
