import { createHash } from 'node:crypto';

import { emptyPaper, failAt, type PaperInput } from './records.js';

/**
 * Parses one plain-text or Markdown document. The title is the first
 * Markdown heading ("# Title") or, without one, the first non-blank line; the
 * rest, unchanged, is the body. The id is "text-" plus the first 16 hex
 * digits of the SHA-256 of the title, so ingesting a revised document with
 * the same title replaces the earlier one.
 */
export function parseText(content: string): PaperInput[] {
  const lines = content.split('\n');
  const titleIndex = lines.findIndex((line) => line.trim() !== '');
  if (titleIndex < 0) failAt(1, 'the text is empty; give a title line followed by the body.');
  const heading = lines.findIndex((line) => /^#{1,6}\s+\S/.test(line));
  const index = heading >= 0 ? heading : titleIndex;
  const title = lines[index].replace(/^#{1,6}\s+/, '').replace(/\s+#+\s*$/, '').trim();
  const body = lines.slice(index + 1).join('\n').replace(/^\s*\n/, '').trimEnd();
  const id = `text-${createHash('sha256').update(title).digest('hex').slice(0, 16)}`;
  const paper = emptyPaper(id, index + 1, 'TEXT');
  paper.title = title;
  paper.abstract = body;
  return [paper];
}
