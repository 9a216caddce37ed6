// Word count: read the files of a directory, tokenize them with a
// tokenizer chosen here, count the tokens, report the most common.
//
//   formed workflow run examples/wordcount/config.jsonnet
//   formed workflow run examples/wordcount/config.jsonnet --tla-str tokenizer=ngrams
//   formed workflow result examples/wordcount/config.jsonnet report
local ref(name) = { type: 'ref', ref: name };
local tokenizers = {
  whitespace: { type: 'whitespace', lower: true },
  ngrams: { type: 'ngrams', n: 3 },
};
function(tokenizer='whitespace') {
  steps: {
    documents: { type: 'read_files', dir: std.thisFile[:std.length(std.thisFile) - std.length('config.jsonnet')] + 'texts' },
    tokens: {
      type: 'tokenize',
      documents: ref('documents'),
      tokenizer: tokenizers[tokenizer],
      stopwords: ['a', 'the', 'and', 'is', 'of', 'to', 'it', 'or', 'so', 'that', 'at', 'are', 'on', 'its', 'be'],
    },
    counts: { type: 'count', tokens: ref('tokens') },
    report: { type: 'top_tokens', counts: ref('counts'), top: 8 },
  },
}
