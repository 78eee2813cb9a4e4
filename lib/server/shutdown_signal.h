#pragma once
// SIGTERM / SIGINT handling without async-signal-unsafe handlers: the signals
// are blocked in every thread and one thread waits for them with sigwait.

namespace fleet {

// Blocks SIGTERM and SIGINT in the calling thread; threads created afterwards
// inherit the mask. Call first thing in main, before any thread starts.
void BlockShutdownSignals();

// Blocks until SIGTERM or SIGINT is delivered; returns the signal number.
int WaitForShutdownSignal();

}  // namespace fleet
