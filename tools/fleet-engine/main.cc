// fleet-engine: the inference engine from the command line, with JSON output,
// so that scripts and people can check it directly (see docs/engine.md).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/fleet-engine/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: fleet-engine <command> [options]\n"
    "  info         --model M\n"
    "  tokenize     (--model M | --tokenizer-json F [--tokenizer-config F])\n"
    "               (--text T | --file F) [--no-special] [--no-parse-special] [--pieces]\n"
    "  detokenize   (--model M | --tokenizer-json F ...) --ids 1,2,3 [--skip-special]\n"
    "  logits       --model M (--ids 1,2,3 | --prompt T) [--top K] [--all-positions]\n"
    "               [--dump F] [--ctx N]\n"
    "  generate     --model M (--prompt T | --chat T [--system S]) [--max-tokens N]\n"
    "               [--temperature X] [--top-k K] [--top-p P] [--min-p P] [--seed S]\n"
    "               [--repeat-penalty R] [--frequency-penalty F] [--presence-penalty P]\n"
    "               [--stop S]... [--top-logprobs N] [--threads N (0 = all cores)] [--ctx N]\n"
    "               [--chat-template NAME] [--stream]\n"
    "  make-test-model --out F --tokenizer-json F [--tokenizer-config F] [--arch llama|qwen2]\n"
    "               [--type F32|F16|BF16|Q8_0|Q4_0|Q4_K|Q5_K|Q6_K|Q4_K_M|Q5_K_M]\n"
    "               [--n-embd N] [--n-layer N] [--n-head N] [--n-head-kv N] [--n-ff N]\n"
    "               [--n-ctx N] [--rope-theta X] [--rope-freqs] [--tied-output] [--seed S]\n"
    "               [--name NAME]\n"
    "  bench        --model M [--threads N] [--pp N] [--tg N] [--batch B] [--reps R]\n"
    "               [--isa portable|avx2] [--membw-mib MIB] [--no-membw] [--json]\n"
    "  bench        --membw [--threads N] [--membw-mib MIB]\n"
    "Output is one JSON document on stdout; errors are one line on stderr (exit 1;\n"
    "exit 2 for usage errors).\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> rest(argv + 2, argv + argc);
  absl::Status status;
  if (command == "info") {
    status = fleet::tools::RunInfo(rest);
  } else if (command == "tokenize") {
    status = fleet::tools::RunTokenize(rest);
  } else if (command == "detokenize") {
    status = fleet::tools::RunDetokenize(rest);
  } else if (command == "logits") {
    status = fleet::tools::RunLogits(rest);
  } else if (command == "generate") {
    status = fleet::tools::RunGenerate(rest);
  } else if (command == "bench") {
    status = fleet::tools::RunBench(rest);
  } else if (command == "make-test-model") {
    status = fleet::tools::RunMakeTestModel(rest);
  } else {
    std::fprintf(stderr, "fleet-engine: unknown command '%s'\n%s", command.c_str(), kUsage);
    return 2;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "fleet-engine %s: %s\n", command.c_str(),
                 std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
