#include "services/inference/engine/gguf/gguf_writer.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/inference/engine/gguf/gguf_format.h"

namespace fleet::engine::gguf {

static_assert(std::endian::native == std::endian::little,
              "the GGUF writer emits host byte order; big-endian hosts are unsupported");

namespace {

class ByteSink {
 public:
  explicit ByteSink(std::vector<uint8_t>* out) : out_(out) {}
  template <typename T>
  void Put(T v) {
    PutBytes(&v, sizeof(T));
  }
  // resize + memcpy rather than vector::insert, which trips GCC 12's
  // -Wstringop-overflow false positive.
  void PutBytes(const void* p, size_t n) {
    if (n == 0) return;
    const size_t at = out_->size();
    out_->resize(at + n);
    std::memcpy(out_->data() + at, p, n);
  }
  void PutString(const std::string& s) {
    Put<uint64_t>(s.size());
    PutBytes(s.data(), s.size());
  }
  // One element or scalar, as the format stores it (bool as one byte).
  // (A const std::vector<bool> iterates as plain bool.)
  template <typename E>
  void PutElement(const E& e) {
    if constexpr (std::is_same_v<E, GgufArray>) {
      PutArray(e);
    } else if constexpr (std::is_same_v<E, std::string>) {
      PutString(e);
    } else if constexpr (std::is_same_v<E, bool>) {
      Put<uint8_t>(e ? 1 : 0);
    } else {
      Put<E>(e);
    }
  }
  void PutArray(const GgufArray& array) {
    Put<uint32_t>(static_cast<uint32_t>(array.element_type()));
    Put<uint64_t>(array.size());
    std::visit(
        [&](const auto& elements) {
          for (const auto& e : elements) PutElement<std::decay_t<decltype(e)>>(e);
        },
        array.storage());
  }
  void PutValue(const GgufValue& value) {
    std::visit([&](const auto& v) { PutElement<std::decay_t<decltype(v)>>(v); }, value.storage());
  }
  void Pad(uint32_t alignment) {
    while (out_->size() % alignment != 0) out_->push_back(0);
  }

 private:
  std::vector<uint8_t>* out_;
};

uint64_t PaddedSize(uint64_t size, uint32_t alignment) {
  return (size + alignment - 1) / alignment * alignment;
}

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

absl::Status GgufWriter::SetAlignment(uint32_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("alignment ", alignment, " is not a non-zero power of two"));
  }
  return metadata_.Set(kGgufAlignmentKey, GgufValue::Uint32(alignment));
}

absl::StatusOr<uint32_t> GgufWriter::Alignment() const {
  const GgufValue* value = metadata_.Find(kGgufAlignmentKey);
  if (value == nullptr) return kGgufDefaultAlignment;
  const uint32_t* alignment = value->As<uint32_t>();
  if (alignment == nullptr || *alignment == 0 || (*alignment & (*alignment - 1)) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata key '", kGgufAlignmentKey, "' must be a uint32 non-zero power of two, got ",
        GgufValueTypeName(value->type()), " ", value->ToString()));
  }
  return *alignment;
}

absl::Status GgufWriter::AddTensor(std::string name, GgmlType type, std::vector<uint64_t> dims,
                                   std::vector<uint8_t> data) {
  if (name.empty()) return absl::InvalidArgumentError("tensor name is empty");
  if (names_.contains(name)) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate tensor name '", name, "'"));
  }
  if (dims.empty() || dims.size() > kGgufMaxDims) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", name, "': n_dims ", dims.size(), " is out of range 1..4"));
  }
  absl::StatusOr<uint64_t> size = GgmlTensorBytes(type, dims);
  if (!size.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", name, "': ", size.status().message()));
  }
  if (*size != data.size()) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': ", data.size(),
                                                   " bytes of data, but its type and shape take ",
                                                   *size));
  }
  names_.insert(name);
  tensors_.push_back(Tensor{std::move(name), type, std::move(dims), std::move(data)});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> GgufWriter::SerializeHeader() const {
  absl::StatusOr<uint32_t> alignment = Alignment();
  if (!alignment.ok()) return alignment.status();
  if (version_ < kGgufMinVersion || version_ > kGgufMaxVersion) {
    return absl::InvalidArgumentError(absl::StrCat("cannot write GGUF version ", version_));
  }
  std::vector<uint8_t> out;
  ByteSink sink(&out);
  sink.PutBytes(kGgufMagic, sizeof(kGgufMagic));
  sink.Put<uint32_t>(version_);
  sink.Put<uint64_t>(tensors_.size());
  sink.Put<uint64_t>(metadata_.size());
  for (const GgufMetadata::Entry& entry : metadata_.entries()) {
    sink.PutString(entry.key);
    sink.Put<uint32_t>(static_cast<uint32_t>(entry.value.type()));
    sink.PutValue(entry.value);
  }
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    sink.PutString(t.name);
    sink.Put<uint32_t>(static_cast<uint32_t>(t.dims.size()));
    for (uint64_t d : t.dims) sink.Put<uint64_t>(d);
    sink.Put<uint32_t>(static_cast<uint32_t>(t.type));
    sink.Put<uint64_t>(offset);
    offset += PaddedSize(t.data.size(), *alignment);
  }
  sink.Pad(*alignment);
  return out;
}

absl::StatusOr<std::vector<uint8_t>> GgufWriter::Serialize() const {
  absl::StatusOr<std::vector<uint8_t>> out = SerializeHeader();
  if (!out.ok()) return out.status();
  const uint32_t alignment = *Alignment();
  ByteSink sink(&*out);
  for (const Tensor& t : tensors_) {
    sink.PutBytes(t.data.data(), t.data.size());
    sink.Pad(alignment);
  }
  return out;
}

absl::Status GgufWriter::WriteFile(const std::string& path) const {
  absl::StatusOr<std::vector<uint8_t>> header = SerializeHeader();
  if (!header.ok()) return header.status();
  const uint32_t alignment = *Alignment();
  std::unique_ptr<FILE, FileCloser> f(std::fopen(path.c_str(), "wb"));
  auto io_error = [&](const char* what) {
    return absl::InternalError(
        absl::StrCat("cannot ", what, " '", path, "': ", std::strerror(errno)));
  };
  if (f == nullptr) return io_error("create");
  static constexpr uint8_t kZeros[64 * 1024] = {};
  auto write = [&](const uint8_t* p, size_t n) { return std::fwrite(p, 1, n, f.get()) == n; };
  if (!write(header->data(), header->size())) return io_error("write");
  for (const Tensor& t : tensors_) {
    if (!write(t.data.data(), t.data.size())) return io_error("write");
    const uint64_t pad = PaddedSize(t.data.size(), alignment) - t.data.size();
    for (uint64_t left = pad; left > 0;) {
      const size_t n = std::min<uint64_t>(left, sizeof(kZeros));
      if (!write(kZeros, n)) return io_error("write");
      left -= n;
    }
  }
  if (std::fclose(f.release()) != 0) return io_error("close");
  return absl::OkStatus();
}

}  // namespace fleet::engine::gguf
