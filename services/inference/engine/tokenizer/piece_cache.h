#pragma once
// A bounded cache from pre-token pieces (their raw UTF-8 bytes) to the token
// ids BPE makes of them. Encoding is a pure function of a piece's bytes for a
// given tokenizer, and in real text most pieces (words) repeat, so a hit skips
// the byte-level mapping and the merge loop.
//
// PieceCache is a flat open-addressing table whose keys and values live in two
// arenas, so inserting allocates nothing once the arenas have grown. It holds
// at most kMaxEntries pieces of at most kMaxPieceBytes bytes, kMaxArenaBytes
// of keys and as many bytes of ids; when an insert would exceed a bound, the
// cache is emptied first (simple, and the working set of a text refills it
// quickly). Worst case about 1.5 MB per cache (0.5 MB of slots, 1 MB of
// arenas).
//
// ThreadPieceCache(serial) gives the calling thread's cache for one tokenizer
// (identified by a process-unique serial, never reused, so a destroyed
// tokenizer's entries can never be hit by another). Each thread keeps caches
// for up to kCachesPerThread tokenizers, replacing the least recently used.
//
// Thread safety: a PieceCache is not synchronised; ThreadPieceCache's caches
// are thread_local, so each is only ever touched by its own thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace fleet::engine::tokenizer {

class PieceCache {
 public:
  static constexpr size_t kMaxPieceBytes = 128;
  static constexpr size_t kMaxEntries = 1 << 14;
  static constexpr size_t kMaxArenaBytes = 1 << 19;  // keys; ids get as many bytes

  PieceCache();

  // The ids cached for `piece`, or false. The span stays valid until the next
  // Insert or Clear.
  bool Lookup(absl::string_view piece, absl::Span<const int32_t>& ids) const;
  // Caches `ids` for `piece` (which must not be cached yet). Pieces longer
  // than kMaxPieceBytes and id lists longer than 0xFFFF are not cached.
  void Insert(absl::string_view piece, absl::Span<const int32_t> ids);
  void Clear();
  size_t size() const { return entries_; }

 private:
  struct Slot {
    uint32_t hash;        // 0: empty
    uint32_t key_offset;  // into keys_
    uint32_t ids_offset;  // into ids_
    uint16_t key_size;
    uint16_t ids_size;
  };
  static uint32_t Hash(absl::string_view piece);

  std::vector<Slot> slots_;  // power of two, at most half full
  std::vector<char> keys_;
  std::vector<int32_t> ids_;
  size_t entries_ = 0;
};

inline constexpr size_t kCachesPerThread = 4;

// A process-unique serial for a new tokenizer (never 0).
uint64_t NewPieceCacheSerial();

// The calling thread's cache for the tokenizer with `serial` (created empty,
// or taking over the least recently used of the thread's caches).
PieceCache& ThreadPieceCache(uint64_t serial);

}  // namespace fleet::engine::tokenizer
