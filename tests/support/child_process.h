#pragma once
// A child process for integration tests: spawned with its stdout and stderr
// on pipes, read line by line with a timeout, signalled and reaped. The
// destructor kills (SIGKILL) and reaps a child that is still running, so a
// failing test never leaks processes.
//
// Not thread-safe: use one ChildProcess from one thread.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace fleet::testing {

class ChildProcess {
 public:
  // Starts `path` with `args` (argv[1..]). The child inherits the environment.
  static absl::StatusOr<ChildProcess> Spawn(const std::string& path,
                                            const std::vector<std::string>& args);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  // The next line of stdout (without '\n'); DEADLINE_EXCEEDED after `timeout`,
  // OUT_OF_RANGE at end of stream. Meanwhile stderr is drained into stderr().
  absl::StatusOr<std::string> ReadStdoutLine(absl::Duration timeout);

  // Sends `signal` to the child.
  void Signal(int signal);

  // Waits for the child to exit; returns its exit code (128+N when killed by
  // signal N), or DEADLINE_EXCEEDED. Collects the remaining output.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // Everything the child has written to stderr so far (read by the calls above).
  const std::string& stderr_text() const { return stderr_; }
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int stdout_fd, int stderr_fd)
      : pid_(pid), stdout_fd_(stdout_fd), stderr_fd_(stderr_fd) {}
  // Reads whatever is available on both pipes, waiting at most `timeout`.
  void Pump(absl::Duration timeout);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string stdout_buffer_;
  std::string stderr_;
  std::optional<int> exit_code_;
};

// The directory of the fleet binaries under test ($FLEET_BIN_DIR, set by ctest).
std::string BinDir();

}  // namespace fleet::testing
