import { ConnectionType, DateTimeScalar } from '@scifed/schema';
import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { BANK_DEFAULTS, ENCODER_KINDS, PRECISIONS, type EncoderKind, type Precision } from '../memory/bank.js';
import { TENSOR_DTYPES, type TensorDType } from '../memory/tensors.js';

export const PrecisionEnum = Object.fromEntries(PRECISIONS.map((p) => [p, p])) as { [K in Precision]: K };
registerEnumType(PrecisionEnum, {
  name: 'Precision',
  description: 'Storage precision of kept keys and values: F32 (4 bytes), F16 (2 bytes), INT8 (1 byte plus a float32 scale per token and head).',
});

export const EncoderEnum = Object.fromEntries(ENCODER_KINDS.map((e) => [e, e])) as { [K in EncoderKind]: K };
registerEnumType(EncoderEnum, {
  name: 'MemoryEncoder',
  description: 'BUILTIN_TEXT: keys and values come from the built-in deterministic text encoder (writeMemory). EXTERNAL: from a model through writeMemoryKV.',
});

@ObjectType({ description: 'Size of a bank: kept tokens and stored bytes beside the dense size.' })
export class MemoryBankStats {
  @Field(() => Int, { description: 'Number of memories.' })
  memories!: number;

  @Field(() => Int, { description: 'Kept (head, token) pairs across all memories.' })
  keptTokens!: number;

  @Field(() => Float, { description: 'Stored bytes of kept keys, values, INT8 scales and token positions.' })
  bytes!: number;

  @Field(() => Float, { description: 'bytes / memories; 0 for an empty bank.' })
  bytesPerMemory!: number;

  @Field(() => Float, { description: 'Bytes of the same memories stored densely: every token and head, keys and values in float32.' })
  denseBytes!: number;

  @Field(() => Float, { description: 'denseBytes / bytes; 0 for an empty bank.' })
  compressionRatio!: number;
}

@ObjectType({ description: 'A named store of sparse key-value memories sharing one head layout and precision.' })
export class MemoryBank {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: `Attention heads (default ${BANK_DEFAULTS.heads}).` })
  heads!: number;

  @Field(() => Int, { description: `Dimensions per head (default ${BANK_DEFAULTS.headDim}).` })
  headDim!: number;

  @Field(() => Int, { description: `Tokens kept per head and memory (default ${BANK_DEFAULTS.tokensPerHead}).` })
  tokensPerHead!: number;

  @Field(() => PrecisionEnum, { description: `Storage precision (default ${BANK_DEFAULTS.precision}).` })
  precision!: Precision;

  @Field(() => EncoderEnum, { description: `Source of keys and values (default ${BANK_DEFAULTS.encoder}).` })
  encoder!: EncoderKind;

  @Field(() => Float, { nullable: true, description: 'Half-life of reinforcement, seconds; null means reinforcement never decays.' })
  decayHalfLife!: number | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const MemoryBankConnection = ConnectionType('MemoryBank', MemoryBank);

@ObjectType({ description: 'A kept token of a memory: its position in the chunk, text and offsets into Memory.text.' })
export class MemoryToken {
  @Field(() => Int, { description: 'Position of the token in the memory, from 0.' })
  position!: number;

  @Field(() => String, { nullable: true, description: 'Token text; null for tensors written without tokenTexts.' })
  text!: string | null;

  @Field(() => Int, { nullable: true, description: 'Offset of the token in Memory.text, UTF-16 code units.' })
  start!: number | null;

  @Field(() => Int, { nullable: true, description: 'Offset one past the token in Memory.text, UTF-16 code units.' })
  end!: number | null;
}

@ObjectType({ description: 'One memory: a chunk of at most 128 tokens with its sparse keys and values.' })
@Directive('@key(fields: "id")')
export class Memory {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Source text of the chunk; for tensors it is the concatenation of tokenTexts.' })
  text!: string;

  @Field(() => String, { nullable: true, description: 'Where the text came from, such as a Paper id.' })
  source!: string | null;

  @Field(() => [String])
  tags!: string[];

  @Field(() => Int, { description: 'Position of this chunk among the chunks of its write, from 0.' })
  chunkIndex!: number;

  @Field(() => Int, { description: 'Offset of this chunk in the written text, UTF-16 code units.' })
  start!: number;

  @Field(() => Int, { description: 'Offset one past this chunk in the written text, UTF-16 code units.' })
  end!: number;

  @Field(() => Int, { description: 'Tokens in the chunk.' })
  tokenCount!: number;

  @Field(() => Int, { description: 'Kept (head, token) pairs: heads × min(tokensPerHead, tokenCount).' })
  keptTokens!: number;

  @Field(() => Int, { description: 'Stored bytes of kept keys, values, scales and positions.' })
  bytes!: number;

  @Field(() => Float, { description: 'Bytes of this memory stored densely (all tokens and heads, float32 keys and values).' })
  denseBytes!: number;

  @Field(() => Float, { description: 'Sum of reinforceMemory deltas, before any time decay.' })
  reinforcement!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const MemoryConnection = ConnectionType('Memory', Memory);

@ObjectType({ description: 'A chemical system, identified across subgraphs by its reduced formula.' })
@Directive('@key(fields: "formula")')
export class Material {
  @Field(() => String, { description: 'Reduced formula: elements in alphabetical order with counts, count 1 omitted (e.g. "Cu", "AlNi3").' })
  formula!: string;
}

@ObjectType({ description: 'A paper, owned by the literature subgraph; memory adds the memories written from it.' })
@Directive('@key(fields: "id")')
export class Paper {
  @Field(() => ID)
  id!: string;
}

@InputType({ description: 'A new memory bank; every field but name has a default.' })
export class CreateMemoryBankInput {
  @Field(() => String, { description: 'Unique name: 1 to 64 letters, digits, "_", "." or "-".' })
  name!: string;

  @Field(() => Int, { nullable: true, description: `Attention heads (default ${BANK_DEFAULTS.heads}).` })
  heads?: number | null;

  @Field(() => Int, { nullable: true, description: `Dimensions per head (default ${BANK_DEFAULTS.headDim}).` })
  headDim?: number | null;

  @Field(() => Int, { nullable: true, description: `Tokens kept per head and memory, 1 to 128 (default ${BANK_DEFAULTS.tokensPerHead}).` })
  tokensPerHead?: number | null;

  @Field(() => PrecisionEnum, { nullable: true, description: `Storage precision (default ${BANK_DEFAULTS.precision}).` })
  precision?: Precision | null;

  @Field(() => EncoderEnum, { nullable: true, description: `Source of keys and values (default ${BANK_DEFAULTS.encoder}).` })
  encoder?: EncoderKind | null;

  @Field(() => Float, { nullable: true, description: 'Half-life of reinforcement, seconds (default null: no decay).' })
  decayHalfLife?: number | null;
}

@InputType({ description: 'Text to remember; it is split into chunks of at most 128 tokens, one memory each.' })
export class WriteMemoryInput {
  @Field(() => String, { description: 'Bank name.' })
  bank!: string;

  @Field(() => String)
  text!: string;

  @Field(() => [String], { nullable: true, description: 'Labels; a tag that is a chemical formula links the memory to that Material.' })
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Where the text came from, such as a Paper id.' })
  source?: string | null;
}

export const TensorDTypeEnum = Object.fromEntries(TENSOR_DTYPES.map((d) => [d, d])) as { [K in TensorDType]: K };
registerEnumType(TensorDTypeEnum, { name: 'TensorDType', description: 'Element type of base64 tensors: F32 (4 bytes) or F16 (IEEE binary16, 2 bytes), little-endian.' });

@InputType({ description: "One memory from a model's own keys and values, stored at the bank's precision after sparsification." })
export class WriteMemoryKVInput {
  @Field(() => String, { description: 'Bank name; the bank must use the EXTERNAL encoder.' })
  bank!: string;

  @Field(() => String, { description: 'Keys, base64 of little-endian dtype values laid out tokens × heads × headDim.' })
  keys!: string;

  @Field(() => String, { description: 'Values, same layout and dtype as keys.' })
  values!: string;

  @Field(() => TensorDTypeEnum)
  dtype!: TensorDType;

  @Field(() => Int, { description: 'Tokens in the chunk, 1 to 128.' })
  tokens!: number;

  @Field(() => [String], { nullable: true, description: 'Text of each token; the memory text is their concatenation.' })
  tokenTexts?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Labels; a tag that is a chemical formula links the memory to that Material.' })
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Where the tensors came from, such as a Paper id.' })
  source?: string | null;
}

@InputType({ description: 'A recall: retrieve memories by similarity and reinforcement, then read them by sparse attention.' })
export class RecallInput {
  @Field(() => String, { description: 'Bank name.' })
  bank!: string;

  @Field(() => String, { nullable: true, description: 'Query text, encoded by the built-in encoder (BUILTIN_TEXT banks).' })
  text?: string | null;

  @Field(() => String, { nullable: true, description: 'Per-head queries, base64 of little-endian float32, heads × headDim; used instead of text.' })
  queries?: string | null;

  @Field(() => Int, { defaultValue: 5, description: 'Memories to retrieve.' })
  memories!: number;

  @Field(() => Int, { defaultValue: 8, description: 'Tokens each head attends to across the retrieved memories, 1 to 1024.' })
  tokensPerHead!: number;
}

@ObjectType({ description: 'A retrieved memory with its retrieval score: similarity + prior.' })
export class RecalledMemory {
  @Field(() => Memory)
  memory!: Memory;

  @Field(() => Float, { description: 'similarity + prior; memories are ordered by it.' })
  score!: number;

  @Field(() => Float, { description: 'Cosine of the query and memory-level vectors.' })
  similarity!: number;

  @Field(() => Float, { description: 'Reinforcement after time decay.' })
  prior!: number;
}

@ObjectType({ description: 'A token that a head attended to, with its weight and offsets into the memory text.' })
export class EvidenceToken {
  @Field(() => ID)
  memoryId!: string;

  @Field(() => Int)
  head!: number;

  @Field(() => Int, { description: 'Position of the token in its memory, from 0.' })
  position!: number;

  @Field(() => String, { nullable: true })
  text!: string | null;

  @Field(() => Int, { nullable: true, description: 'Offset of the token in Memory.text, UTF-16 code units.' })
  start!: number | null;

  @Field(() => Int, { nullable: true, description: 'Offset one past the token in Memory.text, UTF-16 code units.' })
  end!: number | null;

  @Field(() => Float, { description: 'Softmax weight over the tokens selected for this head; the weights of a head sum to 1.' })
  weight!: number;

  @Field(() => Float, { description: 'Attention score q·k/√headDim.' })
  score!: number;
}

@ObjectType({ description: 'Result of a recall: the retrieved memories, the attended tokens and the attention readout.' })
export class Recall {
  @Field(() => [RecalledMemory], { description: 'Retrieved memories, best score first.' })
  memories!: RecalledMemory[];

  @Field(() => [EvidenceToken], { description: 'Selected tokens per head, highest attention score first within each head.' })
  tokens!: EvidenceToken[];

  @Field(() => [[Float]], { description: 'Readout per head: Σ weight · value, heads × headDim.' })
  readout!: number[][];

  @Field(() => String, { nullable: true, description: 'Kernel backend that ran the attention: reference, wasm or webgpu; null when nothing was retrieved.' })
  backend!: string | null;
}
