// Encoding throughput of the tokenizer (bytes of UTF-8 input per second, one
// thread) on a realistic corpus: tests/data/tokenizer/corpus.txt (English
// prose, code, Chinese, ...) taken as one document and repeated to ~4 MB.
//
//   engine_tokenizer_bench [--tokenizer_dir=DIR | --vocab=NAME] [--corpus=FILE]
//                          [--corpus_bytes=N] [benchmark flags]
//
// DIR holds tokenizer.json and tokenizer_config.json (default: the
// FLEET_TOKENIZER_DIR environment variable, else
// $FLEET_TESTDATA_DIR/tokenizers/<NAME>, NAME defaulting to deepseek-v3).
// The corpus defaults to the FLEET_TOKENIZER_CORPUS environment variable, else
// the test corpus. bench/tokenizer/compare.mjs runs this binary and the
// reference (@lenml/tokenizers on node) on the same corpus.
//
// Benchmarks:
//   BM_Encode          the corpus, one Encode call per copy of the document
//   BM_EncodeNoCache   as BM_Encode without the piece cache (every piece merged)
//   BM_EncodeLines     the same bytes, one Encode call per line (short texts)

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "services/inference/engine/tokenizer/tokenizer.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"

namespace fleet::engine::tokenizer {
namespace {

struct Config {
  std::string tokenizer_dir;
  std::string corpus_path;
  size_t corpus_bytes = 4 << 20;
};

struct State {
  std::unique_ptr<Tokenizer> tokenizer;
  std::string document;  // the corpus file
  size_t copies = 0;     // how many times the document is encoded
  std::vector<absl::string_view> lines;
};

State* g_state = nullptr;

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "engine_tokenizer_bench: %s\n", message.c_str());
  std::exit(1);
}

void Load(const Config& config) {
  std::string json, tokenizer_config, corpus;
  if (!ReadFile(config.tokenizer_dir + "/tokenizer.json", json) ||
      !ReadFile(config.tokenizer_dir + "/tokenizer_config.json", tokenizer_config)) {
    Die(config.tokenizer_dir +
        "/tokenizer.json or tokenizer_config.json cannot be read (run "
        "tools/setup/fetch-test-data.sh, or pass --tokenizer_dir)");
  }
  if (!ReadFile(config.corpus_path, corpus) || corpus.empty()) {
    Die(config.corpus_path + " cannot be read or is empty");
  }
  auto spec = TokenizerSpecFromHfJson(json, tokenizer_config);
  if (!spec.ok()) Die(std::string(spec.status().message()));
  auto tokenizer = Tokenizer::Create(*std::move(spec));
  if (!tokenizer.ok()) Die(std::string(tokenizer.status().message()));
  g_state = new State();
  g_state->tokenizer = *std::move(tokenizer);
  g_state->document = std::move(corpus);
  g_state->copies = std::max<size_t>(1, config.corpus_bytes / g_state->document.size());
  g_state->lines = absl::StrSplit(g_state->document, '\n', absl::SkipEmpty());
}

void EncodeCorpus(benchmark::State& state, const EncodeOptions& options) {
  const Tokenizer& tok = *g_state->tokenizer;
  size_t tokens = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < g_state->copies; ++i) {
      auto ids = tok.Encode(g_state->document, options);
      if (!ids.ok()) {
        state.SkipWithError(std::string(ids.status().message()).c_str());
        return;
      }
      tokens += ids->size();
      benchmark::DoNotOptimize(ids->data());
    }
  }
  const int64_t bytes = static_cast<int64_t>(g_state->copies * g_state->document.size());
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["corpus_bytes"] = static_cast<double>(bytes);
  state.counters["tokens"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}

void BM_Encode(benchmark::State& state) { EncodeCorpus(state, EncodeOptions{}); }
BENCHMARK(BM_Encode)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_EncodeNoCache(benchmark::State& state) {
  EncodeOptions options;
  options.use_piece_cache = false;
  EncodeCorpus(state, options);
}
BENCHMARK(BM_EncodeNoCache)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_EncodeLines(benchmark::State& state) {
  const Tokenizer& tok = *g_state->tokenizer;
  int64_t bytes = 0;
  for (absl::string_view line : g_state->lines) bytes += static_cast<int64_t>(line.size());
  for (auto _ : state) {
    for (absl::string_view line : g_state->lines) {
      auto ids = tok.Encode(line);
      if (!ids.ok()) {
        state.SkipWithError(std::string(ids.status().message()).c_str());
        return;
      }
      benchmark::DoNotOptimize(ids->data());
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_EncodeLines)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Takes --name=value flags of ours out of argv; true if `arg` was one.
bool TakeFlag(const char* arg, const char* name, std::string& value) {
  const size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

}  // namespace
}  // namespace fleet::engine::tokenizer

int main(int argc, char** argv) {
  using fleet::engine::tokenizer::Config;
  using fleet::engine::tokenizer::TakeFlag;
  Config config;
  std::string vocab = "deepseek-v3", dir, corpus, bytes;
  if (const char* env = std::getenv("FLEET_TOKENIZER_DIR")) dir = env;
  if (const char* env = std::getenv("FLEET_TOKENIZER_CORPUS")) corpus = env;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (TakeFlag(argv[i], "--vocab", vocab) || TakeFlag(argv[i], "--tokenizer_dir", dir) ||
        TakeFlag(argv[i], "--corpus", corpus) || TakeFlag(argv[i], "--corpus_bytes", bytes)) {
      continue;
    }
    rest.push_back(argv[i]);
  }
  config.tokenizer_dir =
      dir.empty() ? std::string(FLEET_TESTDATA_DIR) + "/tokenizers/" + vocab : dir;
  config.corpus_path = corpus.empty() ? std::string(FLEET_TOKENIZER_BENCH_CORPUS) : corpus;
  if (!bytes.empty()) config.corpus_bytes = std::strtoull(bytes.c_str(), nullptr, 10);
  fleet::engine::tokenizer::Load(config);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
