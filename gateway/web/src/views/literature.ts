import { graphql } from '../api.js';
import { field, formatNumber, h, replace, runAction, splitList, StatusLine } from '../dom.js';

interface PaperHeader {
  id: string;
  title: string;
  authors: string[];
  year: number | null;
  venue: string | null;
  doi: string | null;
  fields: string[];
}

interface Passage {
  passageId: string;
  text: string;
  start: number;
  end: number;
}

interface Citation {
  paperId: string;
  passageId: string;
  start: number;
  end: number;
  quote: string;
}

interface Answer {
  text: string;
  conversationId: string;
  sentences: { text: string; citations: Citation[] }[];
}

/** A span to mark in the passage panel: offsets into Paper.abstract, UTF-16 code units. */
interface Span {
  start: number;
  end: number;
}

export interface LiteratureView {
  element: HTMLElement;
  /** Opens a paper's first passage in the side panel. */
  openPaper(id: string): Promise<void>;
}

/** Paper search with filters, the ask box, and the passage panel that citations open. */
export function literatureView(): LiteratureView {
  const passagePanel = h('aside', { class: 'card passage', id: 'passage-panel', hidden: true });
  const openPassage = (paperId: string, passageId: string | null, span: Span | null) => showPassage(passagePanel, paperId, passageId, span);
  const filters = filterForm();

  const element = h(
    'section',
    { class: 'view', id: 'view-literature' },
    h('h2', {}, 'Literature'),
    h('div', { class: 'columns' }, h('div', { class: 'column-main' }, askPanel(filters, openPassage), searchPanel(filters, openPassage)), h('div', { class: 'column-side' }, filters.element, passagePanel)),
  );
  return { element, openPaper: (id) => openPassage(id, null, null) };
}

interface Filters {
  element: HTMLElement;
  /** The PaperFilterInput of the form, or null when every filter is empty. */
  value(): Record<string, unknown> | null;
}

function filterForm(): Filters {
  const yearFrom = h('input', { id: 'filter-year-from', type: 'number', step: '1', placeholder: 'any' });
  const yearTo = h('input', { id: 'filter-year-to', type: 'number', step: '1', placeholder: 'any' });
  const venue = h('input', { id: 'filter-venue', placeholder: 'exact venue' });
  const authors = h('input', { id: 'filter-authors', placeholder: 'full names, comma-separated' });
  const fields = h('input', { id: 'filter-fields', placeholder: 'e.g. materials science' });
  const hasDoi = h('select', { id: 'filter-doi' }, h('option', { value: '' }, 'either'), h('option', { value: 'true' }, 'with a DOI'), h('option', { value: 'false' }, 'without a DOI'));

  const value = () => {
    const filter: Record<string, unknown> = {};
    if (yearFrom.value) filter.yearFrom = Number(yearFrom.value);
    if (yearTo.value) filter.yearTo = Number(yearTo.value);
    if (venue.value.trim()) filter.venue = venue.value.trim();
    if (splitList(authors.value).length) filter.authors = splitList(authors.value);
    if (splitList(fields.value).length) filter.fields = splitList(fields.value);
    if (hasDoi.value) filter.hasDoi = hasDoi.value === 'true';
    return Object.keys(filter).length ? filter : null;
  };
  const element = h(
    'div',
    { class: 'card', id: 'literature-filters' },
    h('h3', {}, 'Filters'),
    h('p', { class: 'hint' }, 'Applied to search and to ask, before ranking.'),
    h('div', { class: 'inline-form' }, field('Year from', yearFrom), field('Year to', yearTo)),
    field('Venue', venue),
    field('Authors', authors),
    field('Fields', fields),
    field('DOI', hasDoi),
  );
  return { element, value };
}

type OpenPassage = (paperId: string, passageId: string | null, span: Span | null) => Promise<void>;

function askPanel(filters: Filters, openPassage: OpenPassage): HTMLElement {
  const question = h('input', { id: 'ask-question', placeholder: 'What is the lattice constant of copper?', value: 'What is the lattice constant of copper?' });
  const followUp = h('input', { id: 'ask-follow-up', type: 'checkbox' });
  const button = h('button', { id: 'ask-submit', type: 'submit' }, 'Ask');
  const status = new StatusLine('ask-status');
  const answer = h('div', { id: 'answer' });
  let conversationId: string | null = null;

  const submit = () =>
    runAction(button, status, 'Reading passages…', async () => {
      const data = await graphql<{ ask: Answer }>(
        `mutation ExplorerAsk($question: String!, $filter: PaperFilterInput, $conversationId: ID) {
          ask(question: $question, filter: $filter, conversationId: $conversationId) {
            text conversationId sentences { text citations { paperId passageId start end quote } }
          }
        }`,
        { question: question.value, filter: filters.value(), conversationId: followUp.checked ? conversationId : null },
      );
      conversationId = data.ask.conversationId;
      renderAnswer(answer, data.ask, openPassage);
      const cited = new Set(data.ask.sentences.flatMap((sentence) => sentence.citations.map((citation) => citation.paperId)));
      return data.ask.sentences.length ? `${data.ask.sentences.length} sentences from ${cited.size} papers.` : 'Nothing stored answers this question.';
    });

  return h(
    'article',
    { class: 'card', id: 'ask-panel' },
    h('h3', {}, 'Ask'),
    h('form', { class: 'inline-form', onsubmit: (event: Event) => (event.preventDefault(), void submit()) }, field('Question', question), field('Follow-up', followUp, 'continue the last answer'), button),
    status.element,
    answer,
  );
}

/** Renders each sentence with numbered citation buttons, one number per distinct span. */
function renderAnswer(container: HTMLElement, answer: Answer, openPassage: OpenPassage): void {
  if (!answer.sentences.length) {
    replace(container, h('p', { class: 'empty' }, answer.text));
    return;
  }
  const numbers = new Map<string, number>();
  const numberOf = (citation: Citation) => {
    const key = `${citation.paperId}:${citation.start}:${citation.end}`;
    if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    return numbers.get(key)!;
  };
  replace(
    container,
    h(
      'ol',
      { class: 'answer-sentences' },
      ...answer.sentences.map((sentence) =>
        h(
          'li',
          {},
          sentence.text,
          ' ',
          ...sentence.citations.map((citation) =>
            h(
              'button',
              { class: 'citation', type: 'button', title: `${citation.paperId}, characters ${citation.start}–${citation.end}`, onclick: () => void openPassage(citation.paperId, citation.passageId, citation) },
              `[${numberOf(citation)}]`,
            ),
          ),
        ),
      ),
    ),
  );
}

interface SearchEdge {
  score: number;
  node: PaperHeader;
  highlights: (Span & { passageId: string; text: string })[];
}

function searchPanel(filters: Filters, openPassage: OpenPassage): HTMLElement {
  const query = h('input', { id: 'search-query', placeholder: 'search terms', value: 'copper lattice' });
  const mode = h('select', { id: 'search-mode' }, ...['HYBRID', 'BM25', 'DENSE'].map((name) => h('option', { value: name }, name)));
  const first = h('input', { id: 'search-first', type: 'number', value: 10, min: 1, max: 100, step: '1' });
  const button = h('button', { id: 'search-submit', type: 'submit' }, 'Search');
  const status = new StatusLine('search-status');
  const results = h('ol', { id: 'search-results', class: 'hits' });

  const submit = () =>
    runAction(button, status, 'Searching…', async () => {
      const data = await graphql<{ searchPapers: { totalCount: number; edges: SearchEdge[] } }>(
        `query ExplorerSearch($query: String!, $mode: SearchMode!, $first: Int!, $filter: PaperFilterInput) {
          searchPapers(query: $query, mode: $mode, first: $first, filter: $filter) {
            totalCount
            edges { score node { id title authors year venue doi fields } highlights { passageId text start end } }
          }
        }`,
        { query: query.value, mode: mode.value, first: Number(first.value), filter: filters.value() },
      );
      replace(
        results,
        ...data.searchPapers.edges.map(({ score, node, highlights }) =>
          h(
            'li',
            {},
            h('button', { class: 'link title', onclick: () => void openPassage(node.id, highlights[0]?.passageId ?? null, null) }, node.title),
            h('span', { class: 'score' }, `score ${formatNumber(score, 4)}`),
            h('div', { class: 'meta' }, [node.authors.join(', '), node.year, node.venue, node.doi ? `doi:${node.doi}` : null, node.fields.join(', ')].filter(Boolean).join(' · ')),
            ...highlights.map((highlight) => h('blockquote', {}, highlight.text)),
          ),
        ),
      );
      return `${data.searchPapers.edges.length} of ${data.searchPapers.totalCount} ranked papers.`;
    });

  return h(
    'article',
    { class: 'card', id: 'search-panel' },
    h('h3', {}, 'Search papers'),
    h('form', { class: 'inline-form', onsubmit: (event: Event) => (event.preventDefault(), void submit()) }, field('Query', query), field('Mode', mode), field('Results', first), button),
    status.element,
    results,
  );
}

/**
 * Shows one passage of a paper with `span` marked. Offsets are into
 * Paper.abstract; the passage starts at passage.start, so the mark is the
 * span shifted by it and clipped to the passage.
 */
async function showPassage(panel: HTMLElement, paperId: string, passageId: string | null, span: Span | null): Promise<void> {
  panel.hidden = false;
  replace(panel, h('p', { class: 'status', 'data-kind': 'busy' }, `Loading ${paperId}…`));
  try {
    const data = await graphql<{ paper: (PaperHeader & { passages: Passage[] }) | null }>(
      `query ExplorerPassage($id: ID!) { paper(id: $id) { id title authors year venue doi fields passages { passageId text start end } } }`,
      { id: paperId },
    );
    const paper = data.paper;
    if (!paper) throw new Error(`No paper has id ${paperId}; it may have been deleted.`);
    const passage = paper.passages.find((item) => item.passageId === passageId) ?? paper.passages.find((item) => span && item.start <= span.start && span.start < item.end) ?? paper.passages[0];
    if (!passage) throw new Error(`Paper ${paperId} has no passages.`);

    let body: (Node | string)[] = [passage.text];
    if (span) {
      const from = Math.max(0, span.start - passage.start);
      const to = Math.min(passage.text.length, span.end - passage.start);
      body = [passage.text.slice(0, from), h('mark', { id: 'passage-mark' }, passage.text.slice(from, to)), passage.text.slice(to)];
    }
    replace(
      panel,
      h('h3', {}, paper.title),
      h('div', { class: 'meta' }, [paper.authors.join(', '), paper.year, paper.venue].filter(Boolean).join(' · ')),
      h('div', { class: 'meta' }, `${passage.passageId}, characters ${passage.start}–${passage.end}${span ? `; quoted ${span.start}–${span.end}` : ''}`),
      h('p', { class: 'passage-text', id: 'passage-text' }, ...body),
    );
    panel.scrollIntoView({ block: 'nearest' });
  } catch (error) {
    replace(panel, h('p', { class: 'status', 'data-kind': 'error' }, error instanceof Error ? error.message : String(error)));
  }
}
