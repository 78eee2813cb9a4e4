// fleet-engine bench: llama-bench-style throughput of the engine on one GGUF
// file (prompt processing, decode, batched decode), beside the machine's
// measured read bandwidth and the decode roofline it implies; and
// `bench --membw` alone. Figures are medians over --reps runs after one
// warm-up; tokens are random ids, as llama-bench uses.
#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/kernels/cpu/fast_cpu_kernels.h"
#include "services/inference/engine/kernels/cpu/isa.h"
#include "services/inference/engine/model/batch_evaluator.h"
#include "services/inference/engine/model/model.h"
#include "services/inference/engine/model/session.h"
#include "tools/fleet-engine/commands.h"
#include "tools/fleet-engine/common.h"
#include "tools/fleet-engine/memory_bandwidth.h"

namespace fleet::tools {
namespace {

using engine::model::BatchEvaluator;
using engine::model::BatchItem;
using engine::model::Model;
using engine::model::Session;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Bytes of weights one decode step reads: every layer matrix, the output
// matrix, the 1-D tensors and one embedding row.
uint64_t BytesPerToken(const Model& model) {
  const engine::model::ModelWeights& w = model.weights();
  uint64_t bytes = w.output.data.size() + w.output_norm.size() * sizeof(float) +
                   w.token_embd.data.size() / static_cast<uint64_t>(w.token_embd.n_out);
  for (const engine::model::LayerWeights& l : w.layers) {
    for (const engine::kernels::WeightView* m :
         {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) {
      bytes += m->data.size();
    }
    bytes += (l.attn_norm.size() + l.ffn_norm.size() + l.bq.size() + l.bk.size() + l.bv.size()) *
             sizeof(float);
  }
  return bytes;
}

std::vector<int32_t> RandomTokens(int64_t n, int64_t n_vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dist(0, static_cast<int32_t>(n_vocab - 1));
  std::vector<int32_t> ids(static_cast<size_t>(n));
  for (int32_t& id : ids) id = dist(rng);
  return ids;
}

nlohmann::json BandwidthJson(const BandwidthResult& r) {
  return {{"best_gb_s", r.best_gb_s},
          {"median_gb_s", r.median_gb_s},
          {"threads", r.threads},
          {"buffer_bytes", r.bytes},
          {"passes", r.passes}};
}

nlohmann::json CpuJson() {
  return {{"cores", std::thread::hardware_concurrency()},
          {"avx2", __builtin_cpu_supports("avx2") != 0},
          {"avx512", engine::kernels::cpu::CpuHasAvx512()},
          {"isa_used", engine::kernels::cpu::IsaName(engine::kernels::cpu::DetectIsa())}};
}

// Prompt processing: `n` tokens in one Eval from an empty cache.
absl::StatusOr<double> PromptTokensPerSecond(Session& session, int64_t n, int reps) {
  const int64_t n_vocab = session.model().config().n_vocab;
  const std::vector<int32_t> ids = RandomTokens(n, n_vocab, 1);
  std::vector<float> logits(static_cast<size_t>(n_vocab));
  std::vector<double> rates;
  for (int rep = -1; rep < reps; ++rep) {  // rep -1: warm-up
    session.Reset();
    const Clock::time_point start = Clock::now();
    RETURN_IF_ERROR(session.Eval(ids, absl::MakeSpan(logits)));
    if (rep >= 0) rates.push_back(static_cast<double>(n) / Seconds(start));
  }
  return Median(rates);
}

// Decode: `n` single-token Evals from an empty cache.
absl::StatusOr<double> DecodeTokensPerSecond(Session& session, int64_t n, int reps) {
  const int64_t n_vocab = session.model().config().n_vocab;
  const std::vector<int32_t> ids = RandomTokens(n, n_vocab, 2);
  std::vector<float> logits(static_cast<size_t>(n_vocab));
  std::vector<double> rates;
  for (int rep = -1; rep < reps; ++rep) {
    session.Reset();
    const Clock::time_point start = Clock::now();
    for (int32_t id : ids) RETURN_IF_ERROR(session.Eval({id}, absl::MakeSpan(logits)));
    if (rep >= 0) rates.push_back(static_cast<double>(n) / Seconds(start));
  }
  return Median(rates);
}

// Batched decode: `batch` sequences, each with a 1-token prompt, then `n`
// steps of one token per sequence in one BatchEvaluator::Eval each.
// Aggregate tokens per second over the decode steps.
absl::StatusOr<double> BatchedDecodeTokensPerSecond(const Model& model,
                                                    const engine::kernels::Kernels& kernels,
                                                    int64_t batch, int64_t n, int reps) {
  const int64_t n_vocab = model.config().n_vocab;
  ASSIGN_OR_RETURN(std::unique_ptr<BatchEvaluator> evaluator,
                   BatchEvaluator::Create(
                       model, {.max_tokens = batch, .max_sequences = batch, .kernels = &kernels}));
  std::vector<std::unique_ptr<Session>> sessions;
  for (int64_t i = 0; i < batch; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<Session> s,
                     Session::Create(model, {.n_ctx = n + 1, .kernels = &kernels}));
    sessions.push_back(std::move(s));
  }
  std::vector<std::vector<float>> logits(static_cast<size_t>(batch),
                                         std::vector<float>(static_cast<size_t>(n_vocab)));
  const std::vector<int32_t> ids = RandomTokens(batch * (n + 1), n_vocab, 3);
  std::vector<BatchItem> items(static_cast<size_t>(batch));
  std::vector<double> rates;
  for (int rep = -1; rep < reps; ++rep) {
    Clock::time_point start;
    for (int64_t step = 0; step <= n; ++step) {
      if (step == 1) start = Clock::now();  // step 0 is the prompt
      for (int64_t i = 0; i < batch; ++i) {
        if (step == 0) sessions[static_cast<size_t>(i)]->Reset();
        items[static_cast<size_t>(i)] = {
            .session = sessions[static_cast<size_t>(i)].get(),
            .tokens = absl::MakeConstSpan(&ids[static_cast<size_t>(step * batch + i)], 1),
            .logits = absl::MakeSpan(logits[static_cast<size_t>(i)])};
      }
      RETURN_IF_ERROR(evaluator->Eval(items));
    }
    if (rep >= 0) rates.push_back(static_cast<double>(batch * n) / Seconds(start));
  }
  return Median(rates);
}

}  // namespace

absl::Status RunBench(const std::vector<std::string>& argv) {
  const Args args = ParseOrExit(
      "bench", argv, {"model", "threads", "pp", "tg", "batch", "reps", "isa", "membw-mib"},
      {"membw", "json", "no-membw"});
  ASSIGN_OR_RETURN(const int64_t threads_arg, args.Int("threads", 0));
  if (threads_arg < 0 || threads_arg > 1024) ExitUsage("bench", "--threads must be in 0..1024");
  const int threads = threads_arg == 0
                          ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))
                          : static_cast<int>(threads_arg);
  ASSIGN_OR_RETURN(const int64_t membw_mib, args.Int("membw-mib", 1024));
  if (membw_mib < 64) ExitUsage("bench", "--membw-mib must be at least 64");
  ASSIGN_OR_RETURN(const int64_t reps, args.Int("reps", 3));
  if (reps < 1 || reps > 1000) ExitUsage("bench", "--reps must be in 1..1000");

  nlohmann::json doc = {{"cpu", CpuJson()}, {"threads", threads}};
  std::optional<BandwidthResult> bandwidth;
  if (args.Switch("membw") || !args.Switch("no-membw")) {
    bandwidth = MeasureReadBandwidth(threads, static_cast<uint64_t>(membw_mib) << 20, 5);
    doc["membw"] = BandwidthJson(*bandwidth);
  }
  if (args.Switch("membw")) {
    if (args.Has("model")) ExitUsage("bench", "--membw measures the machine; drop --model");
    PrintJson(doc);
    return absl::OkStatus();
  }

  ASSIGN_OR_RETURN(const std::string path, args.Required("model"));
  ASSIGN_OR_RETURN(const int64_t pp, args.Int("pp", 512));
  ASSIGN_OR_RETURN(const int64_t tg, args.Int("tg", 128));
  ASSIGN_OR_RETURN(const int64_t batch, args.Int("batch", 0));
  if (pp < 0 || tg < 0 || batch < 0 || batch > 256) {
    ExitUsage("bench", "--pp and --tg must be >= 0 and --batch in 0..256");
  }
  engine::kernels::FastCpuKernelsOptions kernel_options{.threads = threads};
  if (args.Has("isa")) {
    ASSIGN_OR_RETURN(kernel_options.isa, engine::kernels::cpu::ParseIsa(*args.Get("isa")));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<engine::kernels::FastCpuKernels> kernels,
                   engine::kernels::FastCpuKernels::Create(kernel_options));
  ASSIGN_OR_RETURN(std::unique_ptr<Model> model, Model::Open(path));
  const engine::model::ModelConfig& c = model->config();
  const uint64_t bytes_per_token = BytesPerToken(*model);
  doc["model"] = {{"path", path},
                  {"architecture", c.arch},
                  {"n_embd", c.n_embd},
                  {"n_layer", c.n_layer},
                  {"n_vocab", c.n_vocab},
                  {"file_bytes", model->gguf().file_size()},
                  {"bytes_read_per_token", bytes_per_token}};
  doc["kernels"] = kernels->name();
  doc["reps"] = reps;

  const int64_t n_ctx = std::max<int64_t>({pp, tg, 1});
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session,
                   Session::Create(*model, {.n_ctx = n_ctx,
                                            .allow_exceeding_train_context = true,
                                            .kernels = kernels.get(),
                                            .max_batch_tokens = std::max<int64_t>(pp, 1)}));
  if (pp > 0) {
    ASSIGN_OR_RETURN(const double rate,
                     PromptTokensPerSecond(*session, pp, static_cast<int>(reps)));
    doc["pp"] = {{"n", pp}, {"tokens_per_s", rate}};
  }
  if (tg > 0) {
    ASSIGN_OR_RETURN(const double rate,
                     DecodeTokensPerSecond(*session, tg, static_cast<int>(reps)));
    doc["tg"] = {{"n", tg},
                 {"tokens_per_s", rate},
                 {"gb_s_read", rate * static_cast<double>(bytes_per_token) / 1e9}};
    if (bandwidth.has_value()) {
      const double roofline = bandwidth->best_gb_s * 1e9 / static_cast<double>(bytes_per_token);
      doc["tg"]["roofline_tokens_per_s"] = roofline;
      doc["tg"]["roofline_fraction"] = rate / roofline;
    }
  }
  if (batch > 0 && tg > 0) {
    ASSIGN_OR_RETURN(const double rate, BatchedDecodeTokensPerSecond(*model, *kernels, batch, tg,
                                                                     static_cast<int>(reps)));
    doc["batch"] = {{"sequences", batch}, {"n", tg}, {"aggregate_tokens_per_s", rate}};
    if (doc.contains("tg")) {
      doc["batch"]["speedup_vs_single"] = rate / doc["tg"]["tokens_per_s"].get<double>();
    }
  }
  PrintJson(doc);
  return absl::OkStatus();
}

}  // namespace fleet::tools
