#include "services/inference/engine/tokenizer/piece_cache.h"

#include <array>
#include <atomic>
#include <cstring>

namespace fleet::engine::tokenizer {
namespace {

constexpr size_t kSlots = PieceCache::kMaxEntries * 2;

}  // namespace

PieceCache::PieceCache() : slots_(kSlots, Slot{0, 0, 0, 0, 0}) {}

uint32_t PieceCache::Hash(absl::string_view piece) {
  // FNV-1a over the bytes, then a final mix; 0 is reserved for empty slots.
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : piece) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  const uint32_t out = static_cast<uint32_t>(h);
  return out == 0 ? 1 : out;
}

bool PieceCache::Lookup(absl::string_view piece, absl::Span<const int32_t>& ids) const {
  if (piece.size() > kMaxPieceBytes || entries_ == 0) return false;
  const uint32_t hash = Hash(piece);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash == 0) return false;
    if (slot.hash == hash && slot.key_size == piece.size() &&
        std::memcmp(keys_.data() + slot.key_offset, piece.data(), piece.size()) == 0) {
      ids = absl::Span<const int32_t>(ids_.data() + slot.ids_offset, slot.ids_size);
      return true;
    }
  }
}

void PieceCache::Insert(absl::string_view piece, absl::Span<const int32_t> ids) {
  if (piece.size() > kMaxPieceBytes || ids.size() > 0xFFFF) return;
  if (entries_ + 1 > kMaxEntries || keys_.size() + piece.size() > kMaxArenaBytes ||
      ids_.size() + ids.size() > kMaxArenaBytes / sizeof(int32_t)) {
    Clear();
  }
  const uint32_t hash = Hash(piece);
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].hash != 0) i = (i + 1) & mask;
  slots_[i] = Slot{hash, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(ids_.size()),
                   static_cast<uint16_t>(piece.size()), static_cast<uint16_t>(ids.size())};
  keys_.insert(keys_.end(), piece.begin(), piece.end());
  ids_.insert(ids_.end(), ids.begin(), ids.end());
  ++entries_;
}

void PieceCache::Clear() {
  if (entries_ == 0) return;
  std::fill(slots_.begin(), slots_.end(), Slot{0, 0, 0, 0, 0});
  keys_.clear();
  ids_.clear();
  entries_ = 0;
}

uint64_t NewPieceCacheSerial() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

PieceCache& ThreadPieceCache(uint64_t serial) {
  struct Entry {
    uint64_t serial = 0;
    uint64_t last_use = 0;
    std::unique_ptr<PieceCache> cache;
  };
  thread_local std::array<Entry, kCachesPerThread> entries;
  thread_local uint64_t clock = 0;
  ++clock;
  Entry* victim = &entries[0];
  for (Entry& e : entries) {
    if (e.serial == serial && e.cache != nullptr) {
      e.last_use = clock;
      return *e.cache;
    }
    if (e.last_use < victim->last_use) victim = &e;
  }
  if (victim->cache == nullptr) {
    victim->cache = std::make_unique<PieceCache>();
  } else {
    victim->cache->Clear();
  }
  victim->serial = serial;
  victim->last_use = clock;
  return *victim->cache;
}

}  // namespace fleet::engine::tokenizer
