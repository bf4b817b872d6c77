import { describe, expect, it } from 'vitest';

import { acceptGeneratedSentences, generatorFromEnv } from '../src/answer/generator.js';

const spans = [
  { paperId: 'a', passageId: 'a#0', start: 0, end: 5, quote: 'Alpha' },
  { paperId: 'b', passageId: 'b#0', start: 3, end: 7, quote: 'Beta' },
];

describe('generated answers', () => {
  it('keep sentences that cite existing spans', () => {
    const reply = JSON.stringify({ sentences: [{ text: 'Both hold.', cite: ['S1', 'S2'] }, { text: 'Only B.', cite: ['S2'] }] });
    const accepted = acceptGeneratedSentences(reply, spans)!;
    expect(accepted.map((s) => s.text)).toEqual(['Both hold.', 'Only B.']);
    expect(accepted[0].citations).toEqual(spans);
  });

  it('drop sentences that cite no existing span', () => {
    const reply = '```json\n{"sentences":[{"text":"Invented.","cite":["S9"]},{"text":"Uncited.","cite":[]},{"text":"Kept.","cite":["S9","S1"]}]}\n```';
    const accepted = acceptGeneratedSentences(reply, spans)!;
    expect(accepted.map((s) => s.text)).toEqual(['Kept.']);
    expect(accepted[0].citations).toEqual([spans[0]]);
  });

  it('reject a reply that is not the requested JSON', () => {
    expect(acceptGeneratedSentences('The answer is yes.', spans)).toBeNull();
    expect(acceptGeneratedSentences('{"answer": "yes"}', spans)).toBeNull();
  });

  it('are off unless a URL is configured', () => {
    expect(generatorFromEnv({})).toBeNull();
    expect(generatorFromEnv({ SCIFED_LITERATURE_GENERATOR_URL: 'http://127.0.0.1:9/v1/' })?.url).toBe('http://127.0.0.1:9/v1');
  });
});
