/**
 * Builds a tiny sentence-embedding model in the Hugging Face layout that transformers.js loads
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx), so the ONNX path is
 * tested for real without downloading anything. The "model" looks each token up in a fixed
 * random table and masks out padding; mean pooling and normalizing are transformers.js's own.
 * The ONNX file is written with a small protobuf encoder (the format is plain protobuf).
 */
import fs from 'node:fs';
import path from 'node:path';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

export function buildTinyModel(dir: string, words: string[], dimensions = 16): void {
  const vocab = [...SPECIAL, ...new Set(words.map((w) => w.toLowerCase()))];
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dimensions, vocab_size: vocab.length }));
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 64, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]' }),
  );
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), modelProto(vocab.length, dimensions));
}

function tokenizerJson(vocab: string[]) {
  const ids = Object.fromEntries(vocab.map((w, i) => [w, i]));
  const special = (token: string) => ({ id: ids[token], content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [ids['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [ids['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}

// ---- protobuf: varints, and fields as (number, wire type) followed by a value

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const int = (field: number, value: number) => [...varint((field << 3) | 0), ...varint(value)];
const bytes = (field: number, value: Uint8Array | number[]) => [...varint((field << 3) | 2), ...varint(value.length), ...value];
const str = (field: number, value: string) => bytes(field, [...Buffer.from(value, 'utf8')]);

const FLOAT = 1;
const INT64 = 7;

function tensor(name: string, dataType: number, dims: number[], raw: Uint8Array): number[] {
  return [...dims.flatMap((d) => int(1, d)), ...int(2, dataType), ...str(8, name), ...bytes(9, raw)];
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return [...str(1, name), ...bytes(2, bytes(1, [...int(1, elemType), ...bytes(2, shape)]))];
}

function node(op: string, inputs: string[], outputs: string[], attributes: number[][] = []): number[] {
  return [...inputs.flatMap((i) => str(1, i)), ...outputs.flatMap((o) => str(2, o)), ...str(3, `${op}_${outputs[0]}`), ...str(4, op), ...attributes.flatMap((a) => bytes(5, a))];
}

/** Gather(table, input_ids) × attention_mask → last_hidden_state [batch, sequence, dimensions]. */
function modelProto(vocabSize: number, dimensions: number): Uint8Array {
  let seed = 7;
  const table = new Float32Array(vocabSize * dimensions).map(() => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  });
  const axes = new BigInt64Array([2n]);
  const graph = [
    ...bytes(1, node('Gather', ['embeddings', 'input_ids'], ['gathered'], [[...str(1, 'axis'), ...int(3, 0), ...int(20, 2)]])),
    ...bytes(1, node('Cast', ['attention_mask'], ['mask_float'], [[...str(1, 'to'), ...int(3, FLOAT), ...int(20, 2)]])),
    ...bytes(1, node('Unsqueeze', ['mask_float', 'unsqueeze_axes'], ['mask_3d'])),
    ...bytes(1, node('Mul', ['gathered', 'mask_3d'], ['last_hidden_state'])),
    ...str(2, 'tiny-embedder'),
    ...bytes(5, tensor('embeddings', FLOAT, [vocabSize, dimensions], new Uint8Array(table.buffer))),
    ...bytes(5, tensor('unsqueeze_axes', INT64, [1], new Uint8Array(axes.buffer))),
    ...bytes(11, valueInfo('input_ids', INT64, ['batch', 'sequence'])),
    ...bytes(11, valueInfo('attention_mask', INT64, ['batch', 'sequence'])),
    ...bytes(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', dimensions])),
  ];
  return Uint8Array.from([...int(1, 7), ...str(2, 'paperboy-tests'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 13)])]);
}
