#include "services/inference/engine/gguf/gguf_reader.h"

#include <bit>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/inference/engine/gguf/gguf_format.h"

namespace fleet::engine::gguf {

static_assert(
    std::endian::native == std::endian::little,
    "the GGUF reader maps little-endian files directly; big-endian hosts are unsupported");

namespace {

template <typename... Args>
absl::Status Malformed(const Args&... args) {
  return absl::InvalidArgumentError(absl::StrCat(args...));
}

// A bounds-checked read position in the file. Every read checks remaining()
// first; nothing here can read past the end.
class Cursor {
 public:
  explicit Cursor(absl::Span<const uint8_t> bytes) : bytes_(bytes) {}

  uint64_t pos() const { return pos_; }
  uint64_t remaining() const { return bytes_.size() - pos_; }

  // Reads a little-endian scalar; false (and nothing consumed) if too few bytes remain.
  template <typename T>
  bool Read(T* out) {
    if (remaining() < sizeof(T)) return false;
    std::memcpy(out, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  // Precondition: n <= remaining().
  const uint8_t* Take(uint64_t n) {
    const uint8_t* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }

 private:
  absl::Span<const uint8_t> bytes_;
  uint64_t pos_ = 0;
};

std::string Quoted(absl::string_view s) {
  return absl::StrCat("'", absl::CHexEscape(s.substr(0, 128)), s.size() > 128 ? "...'" : "'");
}

}  // namespace

// Parses one file into a GgufFile. Errors name the field; see gguf_reader.h.
class GgufParser {
 public:
  GgufParser(absl::Span<const uint8_t> bytes, GgufFile& file) : cur_(bytes), file_(file) {}

  absl::Status Run() {
    uint64_t tensor_count = 0;
    uint64_t kv_count = 0;
    absl::Status s = ParseHeader(&tensor_count, &kv_count);
    if (!s.ok()) return s;
    for (uint64_t i = 0; i < kv_count; ++i) {
      s = ParseKeyValue(i);
      if (!s.ok()) return s;
    }
    s = ReadAlignment();
    if (!s.ok()) return s;
    if (tensor_count > cur_.remaining() / kGgufMinTensorInfoBytes) {
      return Malformed("header: tensor_count ", tensor_count, " exceeds what the remaining ",
                       cur_.remaining(), " bytes after the metadata can hold (at least ",
                       kGgufMinTensorInfoBytes, " bytes per tensor info)");
    }
    file_.tensors_.reserve(tensor_count);
    for (uint64_t i = 0; i < tensor_count; ++i) {
      s = ParseTensorInfo(i);
      if (!s.ok()) return s;
    }
    return CheckDataSection();
  }

 private:
  // "<what> needs N bytes at offset P, but only R remain".
  absl::Status Truncated(absl::string_view what, uint64_t need) const {
    return Malformed(what, " needs ", need, " bytes at offset ", cur_.pos(), ", but only ",
                     cur_.remaining(), " remain");
  }

  template <typename T, typename What>
  absl::Status ReadField(T* out, const What& what) {
    if (!cur_.Read(out)) return Truncated(what(), sizeof(T));
    return absl::OkStatus();
  }

  // A uint64 length followed by that many bytes. `what` builds the field's
  // name ("metadata key #3: key") only when there is an error.
  template <typename What>
  absl::Status ReadString(std::string* out, const What& what) {
    uint64_t length = 0;
    if (!cur_.Read(&length)) return Truncated(absl::StrCat(what(), " length"), 8);
    if (length > cur_.remaining()) {
      return Malformed(what(), " length ", length, " exceeds remaining ", cur_.remaining(),
                       " bytes");
    }
    const uint8_t* p = cur_.Take(length);
    out->assign(reinterpret_cast<const char*>(p), length);
    return absl::OkStatus();
  }

  absl::Status ParseHeader(uint64_t* tensor_count, uint64_t* kv_count) {
    const uint64_t size = cur_.remaining();
    if (size < sizeof(kGgufMagic)) {
      return Malformed("file is ", size, " bytes, too small for the GGUF magic");
    }
    const uint8_t* magic = cur_.Take(sizeof(kGgufMagic));
    if (std::memcmp(magic, kGgufMagic, sizeof(kGgufMagic)) != 0) {
      return Malformed("bad magic: expected 'GGUF', got '",
                       absl::CHexEscape(absl::string_view(reinterpret_cast<const char*>(magic), 4)),
                       "': not a GGUF file");
    }
    uint32_t version = 0;
    absl::Status s = ReadField(&version, [] { return "header: version"; });
    if (!s.ok()) return s;
    if (version < kGgufMinVersion || version > kGgufMaxVersion) {
      const uint32_t swapped = __builtin_bswap32(version);
      if (swapped >= kGgufMinVersion && swapped <= kGgufMaxVersion) {
        return Malformed("header: version field reads ", version, " (", swapped,
                         " byte-swapped): big-endian GGUF files are not supported");
      }
      return Malformed("header: GGUF version ", version,
                       " is not supported (this reader reads versions 2 and 3)");
    }
    file_.version_ = version;
    s = ReadField(tensor_count, [] { return "header: tensor_count"; });
    if (!s.ok()) return s;
    s = ReadField(kv_count, [] { return "header: metadata_kv_count"; });
    if (!s.ok()) return s;
    // Bound both counts before the loops (nothing is reserved for the
    // metadata; the tensor count is re-checked against the bytes left after it).
    if (*kv_count > cur_.remaining() / kGgufMinKeyValueBytes) {
      return Malformed("header: metadata_kv_count ", *kv_count, " exceeds what the remaining ",
                       cur_.remaining(), " bytes can hold (at least ", kGgufMinKeyValueBytes,
                       " bytes per key/value)");
    }
    if (*tensor_count > cur_.remaining() / kGgufMinTensorInfoBytes) {
      return Malformed("header: tensor_count ", *tensor_count, " exceeds what the remaining ",
                       cur_.remaining(), " bytes can hold (at least ", kGgufMinTensorInfoBytes,
                       " bytes per tensor info)");
    }
    return absl::OkStatus();
  }

  absl::Status ParseKeyValue(uint64_t index) {
    std::string key;
    absl::Status s =
        ReadString(&key, [&] { return absl::StrCat("metadata key #", index, ": key"); });
    if (!s.ok()) return s;
    if (key.empty()) return Malformed("metadata key #", index, ": key is empty");
    const std::string ctx = absl::StrCat("metadata key #", index, " (", Quoted(key), ")");
    uint32_t type = 0;
    s = ReadField(&type, [&] { return absl::StrCat(ctx, ": value type"); });
    if (!s.ok()) return s;
    absl::StatusOr<GgufValue> value = ParseValue(type, /*depth=*/0, ctx);
    if (!value.ok()) return value.status();
    if (file_.metadata_.Contains(key)) return Malformed(ctx, ": duplicate key");
    return file_.metadata_.Add(std::move(key), *std::move(value));
  }

  template <typename T>
  absl::StatusOr<GgufValue> ReadScalar(const std::string& ctx, GgufValue (*make)(T)) {
    T v{};
    absl::Status s = ReadField(&v, [&] { return absl::StrCat(ctx, ": value"); });
    if (!s.ok()) return s;
    return make(v);
  }

  absl::StatusOr<GgufValue> ParseValue(uint32_t type, int depth, const std::string& ctx) {
    switch (static_cast<GgufValueType>(type)) {
      case GgufValueType::kUint8:
        return ReadScalar<uint8_t>(ctx, &GgufValue::Uint8);
      case GgufValueType::kInt8:
        return ReadScalar<int8_t>(ctx, &GgufValue::Int8);
      case GgufValueType::kUint16:
        return ReadScalar<uint16_t>(ctx, &GgufValue::Uint16);
      case GgufValueType::kInt16:
        return ReadScalar<int16_t>(ctx, &GgufValue::Int16);
      case GgufValueType::kUint32:
        return ReadScalar<uint32_t>(ctx, &GgufValue::Uint32);
      case GgufValueType::kInt32:
        return ReadScalar<int32_t>(ctx, &GgufValue::Int32);
      case GgufValueType::kFloat32:
        return ReadScalar<float>(ctx, &GgufValue::Float32);
      case GgufValueType::kUint64:
        return ReadScalar<uint64_t>(ctx, &GgufValue::Uint64);
      case GgufValueType::kInt64:
        return ReadScalar<int64_t>(ctx, &GgufValue::Int64);
      case GgufValueType::kFloat64:
        return ReadScalar<double>(ctx, &GgufValue::Float64);
      case GgufValueType::kBool: {
        uint8_t b = 0;
        absl::Status s = ReadField(&b, [&] { return absl::StrCat(ctx, ": value"); });
        if (!s.ok()) return s;
        if (b > 1) return Malformed(ctx, ": bool value ", static_cast<int>(b), " is not 0 or 1");
        return GgufValue::Bool(b == 1);
      }
      case GgufValueType::kString: {
        std::string v;
        absl::Status s = ReadString(&v, [&] { return absl::StrCat(ctx, ": string"); });
        if (!s.ok()) return s;
        return GgufValue::String(std::move(v));
      }
      case GgufValueType::kArray: {
        absl::StatusOr<GgufArray> array = ParseArray(depth + 1, ctx);
        if (!array.ok()) return array.status();
        return GgufValue::Array(*std::move(array));
      }
    }
    return Malformed(ctx, ": invalid value type id ", type);
  }

  // Fixed-size elements: one bounds check, one copy.
  template <typename T>
  GgufArray ReadFixedArray(uint64_t count) {
    std::vector<T> elements(count);
    if (count > 0) std::memcpy(elements.data(), cur_.Take(count * sizeof(T)), count * sizeof(T));
    return GgufArray(std::move(elements));
  }

  static uint64_t MinElementBytes(GgufValueType type) {
    switch (type) {
      case GgufValueType::kUint8:
      case GgufValueType::kInt8:
      case GgufValueType::kBool:
        return 1;
      case GgufValueType::kUint16:
      case GgufValueType::kInt16:
        return 2;
      case GgufValueType::kUint32:
      case GgufValueType::kInt32:
      case GgufValueType::kFloat32:
        return 4;
      case GgufValueType::kUint64:
      case GgufValueType::kInt64:
      case GgufValueType::kFloat64:
      case GgufValueType::kString:
        return 8;  // the length; the bytes may be empty
      case GgufValueType::kArray:
        return kGgufMinArrayBytes;
    }
    return 1;
  }

  // depth: 1 for an array value, 2 for an array inside it, ...
  absl::StatusOr<GgufArray> ParseArray(int depth, const std::string& ctx) {
    if (depth > kGgufMaxArrayDepth) {
      return Malformed(ctx, ": arrays nested deeper than ", kGgufMaxArrayDepth, " levels");
    }
    uint32_t type_id = 0;
    absl::Status s = ReadField(&type_id, [&] { return absl::StrCat(ctx, ": array element type"); });
    if (!s.ok()) return s;
    if (type_id >= kGgufValueTypeCount) {
      return Malformed(ctx, ": invalid array element type id ", type_id);
    }
    const auto type = static_cast<GgufValueType>(type_id);
    uint64_t count = 0;
    s = ReadField(&count, [&] { return absl::StrCat(ctx, ": array count"); });
    if (!s.ok()) return s;
    const uint64_t min_bytes = MinElementBytes(type);
    if (count > cur_.remaining() / min_bytes) {
      return Malformed(ctx, ": array count ", count, " of ", GgufValueTypeName(type),
                       " exceeds remaining ", cur_.remaining(), " bytes (at least ", min_bytes,
                       " bytes per element)");
    }
    switch (type) {
      case GgufValueType::kUint8:
        return ReadFixedArray<uint8_t>(count);
      case GgufValueType::kInt8:
        return ReadFixedArray<int8_t>(count);
      case GgufValueType::kUint16:
        return ReadFixedArray<uint16_t>(count);
      case GgufValueType::kInt16:
        return ReadFixedArray<int16_t>(count);
      case GgufValueType::kUint32:
        return ReadFixedArray<uint32_t>(count);
      case GgufValueType::kInt32:
        return ReadFixedArray<int32_t>(count);
      case GgufValueType::kFloat32:
        return ReadFixedArray<float>(count);
      case GgufValueType::kUint64:
        return ReadFixedArray<uint64_t>(count);
      case GgufValueType::kInt64:
        return ReadFixedArray<int64_t>(count);
      case GgufValueType::kFloat64:
        return ReadFixedArray<double>(count);
      case GgufValueType::kBool: {
        std::vector<bool> elements(count);
        const uint8_t* p = cur_.Take(count);
        for (uint64_t i = 0; i < count; ++i) {
          if (p[i] > 1) {
            return Malformed(ctx, ": array element #", i, ": bool value ", static_cast<int>(p[i]),
                             " is not 0 or 1");
          }
          elements[i] = p[i] == 1;
        }
        return GgufArray(std::move(elements));
      }
      case GgufValueType::kString: {
        std::vector<std::string> elements(count);
        for (uint64_t i = 0; i < count; ++i) {
          s = ReadString(&elements[i],
                         [&] { return absl::StrCat(ctx, ": array element #", i, ": string"); });
          if (!s.ok()) return s;
        }
        return GgufArray(std::move(elements));
      }
      case GgufValueType::kArray: {
        std::vector<GgufArray> elements;
        elements.reserve(count);
        for (uint64_t i = 0; i < count; ++i) {
          absl::StatusOr<GgufArray> inner =
              ParseArray(depth + 1, absl::StrCat(ctx, ": array element #", i));
          if (!inner.ok()) return inner.status();
          elements.push_back(*std::move(inner));
        }
        return GgufArray(std::move(elements));
      }
    }
    return Malformed(ctx, ": invalid array element type id ", type_id);  // unreachable
  }

  absl::Status ReadAlignment() {
    file_.alignment_ = kGgufDefaultAlignment;
    if (!file_.metadata_.Contains(kGgufAlignmentKey)) return absl::OkStatus();
    absl::StatusOr<uint32_t> alignment = file_.metadata_.GetUint32(kGgufAlignmentKey);
    if (!alignment.ok()) return Malformed(alignment.status().message());
    if (*alignment == 0 || (*alignment & (*alignment - 1)) != 0) {
      return Malformed("metadata key '", kGgufAlignmentKey, "': ", *alignment,
                       " is not a non-zero power of two");
    }
    file_.alignment_ = *alignment;
    return absl::OkStatus();
  }

  absl::Status ParseTensorInfo(uint64_t index) {
    GgufTensorInfo info;
    absl::Status s =
        ReadString(&info.name, [&] { return absl::StrCat("tensor #", index, ": name"); });
    if (!s.ok()) return s;
    if (info.name.empty()) return Malformed("tensor #", index, ": name is empty");
    const std::string ctx = absl::StrCat("tensor ", Quoted(info.name));
    uint32_t n_dims = 0;
    s = ReadField(&n_dims, [&] { return absl::StrCat(ctx, ": n_dims"); });
    if (!s.ok()) return s;
    if (n_dims == 0 || n_dims > kGgufMaxDims) {
      return Malformed(ctx, ": n_dims ", n_dims, " is out of range 1..", kGgufMaxDims);
    }
    info.dims.resize(n_dims);
    for (uint32_t d = 0; d < n_dims; ++d) {
      s = ReadField(&info.dims[d], [&] { return absl::StrCat(ctx, ": dim ", d); });
      if (!s.ok()) return s;
      if (info.dims[d] == 0) return Malformed(ctx, ": dim ", d, " is 0");
    }
    uint32_t type = 0;
    s = ReadField(&type, [&] { return absl::StrCat(ctx, ": type"); });
    if (!s.ok()) return s;
    if (!IsKnownGgmlType(type)) return Malformed(ctx, " has unknown ggml type id ", type);
    if (FindSupportedGgmlType(type) == nullptr) {
      return Malformed(ctx, " has type ", GgmlTypeName(type),
                       ", which this engine does not support");
    }
    info.type = static_cast<GgmlType>(type);
    s = ReadField(&info.offset, [&] { return absl::StrCat(ctx, ": offset"); });
    if (!s.ok()) return s;

    absl::StatusOr<uint64_t> size = GgmlTensorBytes(info.type, info.dims);
    if (!size.ok()) return Malformed(ctx, ": ", size.status().message());
    info.size_bytes = *size;
    info.n_elements = 1;
    for (uint64_t d : info.dims) info.n_elements *= d;  // checked by GgmlTensorBytes
    if (info.offset % file_.alignment_ != 0) {
      return Malformed(ctx, ": offset ", info.offset, " is not a multiple of the alignment ",
                       file_.alignment_);
    }
    auto [it, inserted] = file_.tensor_index_.emplace(info.name, file_.tensors_.size());
    if (!inserted) {
      return Malformed(ctx, ": duplicate tensor name (tensors #", it->second, " and #", index, ")");
    }
    file_.tensors_.push_back(std::move(info));
    return absl::OkStatus();
  }

  absl::Status CheckDataSection() {
    const uint64_t file_size = file_.bytes_.size();
    const uint64_t pos = cur_.pos();
    uint64_t data_offset = 0;
    if (__builtin_add_overflow(pos, file_.alignment_ - 1, &data_offset)) {
      return Malformed("data section offset overflows uint64");
    }
    data_offset -= data_offset % file_.alignment_;
    file_.data_offset_ = data_offset;
    if (file_.tensors_.empty()) return absl::OkStatus();  // the data section may be absent
    if (data_offset > file_size) {
      return Malformed("data section starts at offset ", data_offset, " (tensor infos end at ", pos,
                       ", aligned to ", file_.alignment_, "), past the end of the file (",
                       file_size, " bytes)");
    }
    const uint64_t data_size = file_size - data_offset;
    for (const GgufTensorInfo& info : file_.tensors_) {
      uint64_t end = 0;
      if (__builtin_add_overflow(info.offset, info.size_bytes, &end)) {
        return Malformed("tensor ", Quoted(info.name), ": offset ", info.offset, " + size ",
                         info.size_bytes, " overflows uint64");
      }
      if (end > data_size) {
        return Malformed("tensor ", Quoted(info.name), ": offset ", info.offset, " + size ",
                         info.size_bytes, " exceeds the data section (", data_size,
                         " bytes from file offset ", data_offset, ", file size ", file_size, ")");
      }
    }
    return absl::OkStatus();
  }

  Cursor cur_;
  GgufFile& file_;
};

absl::StatusOr<std::unique_ptr<GgufFile>> GgufFile::Parse(absl::Span<const uint8_t> bytes) {
  auto file = std::make_unique<GgufFile>(PrivateTag());
  file->bytes_ = bytes;
  GgufParser parser(bytes, *file);
  absl::Status s = parser.Run();
  if (!s.ok()) return s;
  return file;
}

absl::StatusOr<std::unique_ptr<GgufFile>> GgufFile::Open(const std::string& path) {
  absl::StatusOr<std::unique_ptr<MappedFile>> mapping = MappedFile::Open(path);
  if (!mapping.ok()) return mapping.status();
  absl::StatusOr<std::unique_ptr<GgufFile>> file = Parse((*mapping)->bytes());
  if (!file.ok()) {
    return absl::Status(file.status().code(),
                        absl::StrCat("'", path, "': ", file.status().message()));
  }
  (*file)->mapping_ = *std::move(mapping);
  return file;
}

const GgufTensorInfo* GgufFile::FindTensor(absl::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

absl::Span<const uint8_t> GgufFile::TensorData(const GgufTensorInfo& info) const {
  uint64_t begin = 0;
  uint64_t end = 0;
  if (__builtin_add_overflow(data_offset_, info.offset, &begin) ||
      __builtin_add_overflow(begin, info.size_bytes, &end) || end > bytes_.size()) {
    return {};
  }
  return bytes_.subspan(begin, info.size_bytes);
}

}  // namespace fleet::engine::gguf
