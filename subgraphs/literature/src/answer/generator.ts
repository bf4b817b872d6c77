import { logger } from '@scifed/schema';

import type { AnswerSentence, Citation } from './extract.js';

/**
 * Optional answer generator: an OpenAI-compatible chat-completions endpoint
 * that rewrites the answer from numbered source spans. Off unless
 * SCIFED_LITERATURE_GENERATOR_URL is set (for example
 * "http://127.0.0.1:8000/v1"); SCIFED_LITERATURE_GENERATOR_MODEL names the
 * model and SCIFED_LITERATURE_GENERATOR_API_KEY, if set, is sent as a bearer
 * token. Every generated sentence must cite at least one of the given spans;
 * one that cites none is dropped.
 */
export interface GeneratorConfig {
  url: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
}

export function generatorFromEnv(env = process.env): GeneratorConfig | null {
  const url = env.SCIFED_LITERATURE_GENERATOR_URL?.trim();
  if (!url) return null;
  return {
    url: url.replace(/\/+$/, ''),
    model: env.SCIFED_LITERATURE_GENERATOR_MODEL ?? 'default',
    apiKey: env.SCIFED_LITERATURE_GENERATOR_API_KEY ?? null,
    timeoutMs: Number(env.SCIFED_LITERATURE_GENERATOR_TIMEOUT_MS ?? 30_000),
  };
}

/** The chat messages sent to the generator: the spans, numbered S1, S2, ..., and the question. */
export function generatorMessages(question: string, spans: Citation[]): { role: string; content: string }[] {
  const sources = spans.map((span, i) => `[S${i + 1}] ${span.quote}`).join('\n');
  return [
    {
      role: 'system',
      content:
        'Answer the question in at most three sentences using only the numbered sources. ' +
        'Reply with JSON only: {"sentences":[{"text":"...","cite":["S1"]}]}. Every sentence must cite at least one source.',
    },
    { role: 'user', content: `Sources:\n${sources}\n\nQuestion: ${question}` },
  ];
}

/**
 * Parses the generator's reply and keeps the sentences whose citations name
 * existing spans; unknown span labels are removed, and a sentence left with
 * no citation is dropped. Returns null when the reply is not the expected JSON.
 */
export function acceptGeneratedSentences(reply: string, spans: Citation[]): AnswerSentence[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return null;
  }
  const sentences = (parsed as { sentences?: unknown })?.sentences;
  if (!Array.isArray(sentences)) return null;
  const accepted: AnswerSentence[] = [];
  for (const sentence of sentences) {
    const text = typeof sentence?.text === 'string' ? sentence.text.trim() : '';
    const labels: unknown[] = Array.isArray(sentence?.cite) ? sentence.cite : [];
    const citations = labels
      .map((label) => /^S(\d+)$/.exec(String(label))?.[1])
      .map((n) => (n ? spans[Number(n) - 1] : undefined))
      .filter((span): span is Citation => span !== undefined);
    if (text && citations.length > 0) accepted.push({ text, citations: [...new Set(citations)] });
  }
  return accepted;
}

/** Calls the generator; returns null (and logs) on any failure so the caller keeps the extractive answer. */
export async function generateAnswer(config: GeneratorConfig, question: string, spans: Citation[]): Promise<AnswerSentence[] | null> {
  try {
    const response = await fetch(`${config.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
      body: JSON.stringify({ model: config.model, temperature: 0, messages: generatorMessages(question, spans) }),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
    const accepted = acceptGeneratedSentences(body.choices?.[0]?.message?.content ?? '', spans);
    if (!accepted) throw new Error('reply is not the requested JSON');
    return accepted;
  } catch (error) {
    logger.warn({ err: error, url: config.url }, 'answer generator failed; returning the extractive answer');
    return null;
  }
}
