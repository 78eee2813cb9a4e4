#pragma once
// The vocabulary data of a tokenizer, independent of where it came from (a
// GGUF file's tokenizer.ggml.* keys or a Hugging Face tokenizer.json), and the
// conversions from and to GGUF.
//
// Thread safety: plain data and pure functions.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/inference/engine/gguf/gguf_metadata.h"
#include "services/inference/engine/gguf/gguf_writer.h"

namespace fleet::engine::tokenizer {

enum class TokenizerModel {
  kByteLevelBpe,   // GGUF "gpt2": GPT-2 byte-level BPE, merges by rank
  kSentencePiece,  // GGUF "llama": SentencePiece-style BPE over U+2581 text, byte fallback
};

// GGUF tokenizer.ggml.token_type values (llama.cpp's llama_token_type).
enum class TokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

struct TokenizerSpec {
  TokenizerModel model = TokenizerModel::kByteLevelBpe;
  std::string pre;                       // GGUF tokenizer.ggml.pre name ("" for SentencePiece)
  std::vector<std::string> pre_regexes;  // the split regexes actually used
  std::vector<std::string> tokens;       // token text as GGUF stores it (byte-level chars for BPE,
                                         // U+2581 for SPM)
  std::vector<float> scores;             // SPM merge scores; empty or one per token
  std::vector<TokenType> types;          // one per token
  std::vector<std::string> merges;       // BPE merges "left right", rank order
  int32_t bos_id = -1, eos_id = -1, eot_id = -1, unk_id = -1, pad_id = -1;
  bool add_bos = false, add_eos = false;
  bool add_space_prefix = false;  // SPM: prepend U+2581 (after BOS and after each special token)

  // Additions beyond GGUF's keys:
  // HF BPE "ignore_merges" (Llama-3): a pre-token that is itself a vocabulary
  // entry is emitted whole. From GGUF it is derived from `pre` as llama.cpp
  // does (llama-bpe); it is not written as a key.
  bool ignore_merges = false;
  // HF "NFC" normalizer (Qwen2): text is NFC-normalised before
  // pre-tokenization. GGUF has no key for it and llama.cpp does not
  // normalise; it is not written, and on read it is derived from `pre`
  // (true for "qwen2", whose tokenizer.json files carry NFC), as HF does.
  bool normalize_nfc = false;

  bool operator==(const TokenizerSpec&) const = default;
};

// Reads the tokenizer.ggml.* keys. Required: tokenizer.ggml.model ("gpt2" or
// "llama"), tokenizer.ggml.tokens (string array), and for "gpt2"
// tokenizer.ggml.merges. Optional keys take llama.cpp's defaults: pre
// "default" (gpt2 only), types Normal, add_bos true for "llama" and for
// pre "llama-bpe" (else false), add_eos false, add_space_prefix true for
// "llama" (else false), ids -1 when absent.
// INVALID_ARGUMENT (naming the key): an unsupported model or pre-tokenizer
// name (listing the supported ones), a key of the wrong type, an array shorter
// than the token list, a token type outside 0..6, a special id outside the
// vocabulary, a token that is not valid UTF-8.
absl::StatusOr<TokenizerSpec> TokenizerSpecFromGguf(const gguf::GgufMetadata& metadata);

// Reads a Hugging Face tokenizer.json (and optionally tokenizer_config.json,
// which may be empty; it supplies add_bos_token / add_eos_token and the
// bos / eos / pad / unk token names). Implemented in hf_tokenizer_json.cc.
// Supported: model BPE (merges as "a b" strings or [a, b] pairs, optional
// byte_fallback / ignore_merges); normalizer null, NFC, or a Sequence of NFC,
// Prepend "\u2581" and Replace " " -> "\u2581" (Llama-2 style, read as a
// SentencePiece spec); pre_tokenizer null, Split (Regex or String, behavior
// Isolated), ByteLevel (add_prefix_space false; use_regex adds GPT-2's regex),
// Digits, or a Sequence of these; decoders ByteLevel, Replace, ByteFallback,
// Fuse, Strip, Sequence; post_processor ByteLevel, TemplateProcessing,
// Sequence; added_tokens without lstrip/rstrip/single_word. The result's
// model is kByteLevelBpe when a ByteLevel pre-tokenizer or decoder is
// present, kSentencePiece for the Llama-2 style normalizer; `pre` is the
// tokenizer.ggml.pre name whose regex list equals the file's (e.g. "qwen2",
// "llama-bpe", "deepseek-v3", "gpt2"), else "" (the regexes are always in
// pre_regexes; a spec with pre "" cannot be written to GGUF). Added tokens: special -> kControl,
// others -> kUserDefined; byte-fallback tokens <0xXX> -> kByte; the unk token -> kUnknown; ids
// missing from both the vocab and added_tokens are filled with
// "[PAD<id>]" (kUnused). SentencePiece specs get scores derived from merge
// ranks (so that llama.cpp's score-based merging reproduces them) and keep
// the merges (which this tokenizer then uses by rank, as HF does).
// add_bos/add_eos: the config's add_bos_token/add_eos_token, else whether
// the TemplateProcessing post-processor puts a special token first/last.
// INVALID_ARGUMENT names anything unsupported or malformed.
absl::StatusOr<TokenizerSpec> TokenizerSpecFromHfJson(absl::string_view tokenizer_json,
                                                      absl::string_view tokenizer_config_json);

// Writes the tokenizer.ggml.* keys as llama.cpp's convert script names and
// types them: model, pre (BPE; "gpt2" is written as llama.cpp's "gpt-2"),
// tokens, scores (when present), token_type, merges (when present),
// bos/eos/eot/unknown/padding _token_id (uint32, those >= 0), add_bos_token,
// add_eos_token, add_space_prefix. Keys already present are replaced.
// INVALID_ARGUMENT if the spec's arrays disagree in length, or (BPE) if
// `pre` is not a supported name whose regex list is exactly pre_regexes
// (GGUF stores only the name).
absl::Status WriteTokenizerSpec(const TokenizerSpec& spec, gguf::GgufWriter& writer);

// The GGUF name of a model ("gpt2" / "llama").
const char* TokenizerModelGgufName(TokenizerModel model);

}  // namespace fleet::engine::tokenizer
