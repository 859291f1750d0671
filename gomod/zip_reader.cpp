// A zip reader after Go's archive/zip (reader.go, struct.go) with a fixed
// memory footprint: see zip_reader.hpp.

#include "zip_reader.hpp"

#include <gomod/format.hpp>

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gpx::gomod::zip::detail {

namespace {

constexpr std::uint32_t k_local_sig = 0x04034b50;
constexpr std::uint32_t k_central_sig = 0x02014b50;
constexpr std::uint32_t k_end_sig = 0x06054b50;
constexpr std::uint32_t k_end64_locator_sig = 0x07064b50;
constexpr std::uint32_t k_end64_sig = 0x06064b50;
constexpr std::size_t k_central_len = 46;
constexpr std::size_t k_local_len = 30;
constexpr std::size_t k_end_len = 22;
constexpr std::size_t k_end64_locator_len = 20;
constexpr std::size_t k_end64_len = 56;
constexpr std::uint16_t k_zip64_extra = 0x0001;
// A name, an extra field or the end record's comment is at most 64 KiB, so
// every read of the central directory fits.
constexpr std::size_t k_window = 128 * 1024;

std::uint16_t
le16(std::string_view b, std::size_t at)
{
  return static_cast<std::uint16_t>(
    static_cast<unsigned char>(b[at])
    | (static_cast<unsigned char>(b[at + 1]) << 8));
}

std::uint32_t
le32(std::string_view b, std::size_t at)
{
  return static_cast<std::uint32_t>(le16(b, at))
         | (static_cast<std::uint32_t>(le16(b, at + 2)) << 16);
}

std::uint64_t
le64(std::string_view b, std::size_t at)
{
  return static_cast<std::uint64_t>(le32(b, at))
         | (static_cast<std::uint64_t>(le32(b, at + 4)) << 32);
}

Error
not_a_zip()
{
  return Error::invalid(std::string(k_not_a_zip));
}

} // namespace

struct ZipReader::State
{
  int fd = -1;
  std::uint64_t file_size = 0;
  std::uint64_t count = 0;
  std::uint64_t directory_end = 0; // one past the central directory
  std::uint64_t next_record = 0;
  std::uint64_t records_read = 0;

  // The window over the file that central directory reads go through.
  std::vector<char> window;
  std::uint64_t window_start = 0;
  std::size_t window_len = 0;

  // Compressed input, and one inflater reset for each entry.
  std::vector<char> input;
  z_stream zs{};
  bool zs_ready = false;

  // A small entry in one piece, for libdeflate (whole_max bytes each at
  // most, freed with the reader).
  std::vector<char> whole_in;
  std::vector<char> whole_out;
  libdeflate_decompressor* deflater = nullptr;

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State()
  {
    if (zs_ready) {
      inflateEnd(&zs);
    }
    if (deflater != nullptr) {
      libdeflate_free_decompressor(deflater);
    }
    if (fd >= 0) {
      ::close(fd);
    }
  }

  // Reads len bytes at offset into dst; false on a short file or an error.
  bool
  pread_full(char* dst, std::size_t len, std::uint64_t offset) const
  {
    while (len > 0) {
      const ssize_t n = ::pread(fd, dst, len, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return false;
      }
      dst += n;
      len -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
    }
    return true;
  }

  // len bytes at offset, through the window; valid until the next call.
  std::optional<std::string_view>
  bytes(std::uint64_t offset, std::size_t len)
  {
    if (len > k_window || offset > file_size || len > file_size - offset) {
      return std::nullopt;
    }
    if (offset < window_start || offset + len > window_start + window_len) {
      if (window.empty()) {
        window.resize(k_window);
      }
      const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(k_window, file_size - offset));
      if (!pread_full(window.data(), want, offset)) {
        window_len = 0;
        return std::nullopt;
      }
      window_start = offset;
      window_len = want;
    }
    return std::string_view(window.data() + (offset - window_start), len);
  }

  Status read_end();
};

// readDirectoryEnd: the end record is in the last 64 KiB + 22 bytes; zip64
// values replace its fields when they are saturated.
Status
ZipReader::State::read_end()
{
  const auto tail_len = static_cast<std::size_t>(
    std::min<std::uint64_t>(file_size, k_end_len + 0xFFFF));
  if (tail_len < k_end_len) {
    return not_a_zip();
  }
  const std::uint64_t tail_start = file_size - tail_len;
  auto tail = bytes(tail_start, tail_len);
  if (!tail) {
    return Error::io(
      format("zip: cannot read the end of the file: {}", std::strerror(errno)));
  }
  std::optional<std::size_t> at;
  for (std::size_t i = tail_len - k_end_len + 1; i-- > 0;) {
    // As findSignatureInBlock: the comment must fit in what follows.
    if (le32(*tail, i) == k_end_sig
        && i + k_end_len + le16(*tail, i + 20) <= tail_len) {
      at = i;
      break;
    }
  }
  if (!at) {
    return not_a_zip();
  }
  const std::string_view end = tail->substr(*at, k_end_len);
  const std::uint64_t end_offset = tail_start + *at;
  count = le16(end, 10);
  std::uint64_t directory_size = le32(end, 12);
  std::uint64_t directory_offset = le32(end, 16);
  if (count == 0xFFFF || directory_size == 0xFFFF
      || directory_offset == 0xFFFFFFFF) {
    if (end_offset >= k_end64_locator_len) {
      auto locator =
        bytes(end_offset - k_end64_locator_len, k_end64_locator_len);
      if (locator && le32(*locator, 0) == k_end64_locator_sig) {
        const std::uint64_t end64_offset = le64(*locator, 8);
        auto end64 = bytes(end64_offset, k_end64_len);
        if (!end64 || le32(*end64, 0) != k_end64_sig) {
          return not_a_zip();
        }
        count = le64(*end64, 32);
        directory_size = le64(*end64, 40);
        directory_offset = le64(*end64, 48);
      }
    }
  }
  // Every header takes 46 bytes at least: a count beyond that is a lie
  // that would only make the walk long.
  if (directory_offset > file_size
      || directory_size > file_size - directory_offset
      || count > directory_size / k_central_len) {
    return not_a_zip();
  }
  next_record = directory_offset;
  directory_end = directory_offset + directory_size;
  return {};
}

ZipReader::ZipReader(std::unique_ptr<State> state)
  : m_state(std::move(state))
{
}

ZipReader::ZipReader(ZipReader&&) noexcept = default;
ZipReader& ZipReader::operator=(ZipReader&&) noexcept = default;
ZipReader::~ZipReader() = default;

Result<ZipReader>
ZipReader::open(const std::filesystem::path& file)
{
  auto s = std::make_unique<State>();
  s->fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->fd < 0) {
    return Error::io(
      format("open {}: {}", file.string(), std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(s->fd, &st) != 0) {
    return Error::io(
      format("stat {}: {}", file.string(), std::strerror(errno)));
  }
  s->file_size = static_cast<std::uint64_t>(st.st_size);
  GPX_TRY(s->read_end());
  return ZipReader(std::move(s));
}

std::uint64_t
ZipReader::count() const
{
  return m_state->count;
}

Result<bool>
ZipReader::next(CentralEntry& e)
{
  State& s = *m_state;
  if (s.records_read == s.count) {
    return false;
  }
  const std::uint64_t at = s.next_record;
  auto header = s.bytes(at, k_central_len);
  if (!header || le32(*header, 0) != k_central_sig) {
    return not_a_zip();
  }
  e.record_offset = at;
  e.flags = le16(*header, 8);
  e.method = le16(*header, 10);
  e.crc32 = le32(*header, 16);
  e.compressed_size = le32(*header, 20);
  e.size = le32(*header, 24);
  const std::size_t name_len = le16(*header, 28);
  const std::size_t extra_len = le16(*header, 30);
  const std::size_t comment_len = le16(*header, 32);
  e.local_offset = le32(*header, 42);
  const std::uint64_t record_end =
    at + k_central_len + name_len + extra_len + comment_len;
  if (record_end > s.directory_end) {
    return not_a_zip();
  }
  auto name = s.bytes(at + k_central_len, name_len);
  if (!name) {
    return not_a_zip();
  }
  e.name.assign(*name);

  // readDirectoryHeader: saturated fields come from the zip64 extra field,
  // in this order, each only if saturated.
  bool need_usize = e.size == 0xFFFFFFFF;
  bool need_csize = e.compressed_size == 0xFFFFFFFF;
  bool need_offset = e.local_offset == 0xFFFFFFFF;
  auto extra = s.bytes(at + k_central_len + name_len, extra_len);
  if (!extra) {
    return not_a_zip();
  }
  for (std::string_view x = *extra; x.size() >= 4;) {
    const std::uint16_t tag = le16(x, 0);
    const std::size_t len = le16(x, 2);
    if (len > x.size() - 4) {
      return not_a_zip();
    }
    std::string_view field = x.substr(4, len);
    x.remove_prefix(4 + len);
    if (tag != k_zip64_extra) {
      continue;
    }
    auto take = [&](std::uint64_t& v) {
      if (field.size() < 8) {
        return false;
      }
      v = le64(field, 0);
      field.remove_prefix(8);
      return true;
    };
    if ((need_usize && !take(e.size))
        || (need_csize && !take(e.compressed_size))
        || (need_offset && !take(e.local_offset))) {
      return not_a_zip();
    }
    need_usize = need_csize = need_offset = false;
  }
  // Go accepts an uncompressed size of 2³²-1 without zip64 (42.zip), not
  // the other two.
  if (need_csize || need_offset) {
    return not_a_zip();
  }
  s.next_record = record_end;
  ++s.records_read;
  return true;
}

Status
ZipReader::each(const std::function<Status(const CentralEntry&)>& f)
{
  CentralEntry e;
  for (;;) {
    auto more = next(e);
    if (!more) {
      return more.error();
    }
    if (!*more) {
      return {};
    }
    GPX_TRY(f(e));
  }
}

Result<std::string>
ZipReader::name_at(std::uint64_t record_offset)
{
  State& s = *m_state;
  auto header = s.bytes(record_offset, k_central_len);
  if (!header || le32(*header, 0) != k_central_sig) {
    return not_a_zip();
  }
  const std::size_t name_len = le16(*header, 28);
  auto name = s.bytes(record_offset + k_central_len, name_len);
  if (!name) {
    return not_a_zip();
  }
  return std::string(*name);
}

namespace {

EntryError
format_error(std::string message)
{
  return EntryError{EntryError::Kind::format, std::move(message)};
}

// Where an entry's bytes go as they come: counted against the declared
// size, into the CRC, then to the sink.
struct Delivery
{
  Delivery(const CentralEntry& entry,
           const std::function<bool(std::string_view)>& to)
    : e(entry),
      sink(to)
  {
  }

  const CentralEntry& e;
  const std::function<bool(std::string_view)>& sink;
  std::uint64_t total = 0;
  std::uint32_t crc = 0;
  std::optional<EntryError> failed; // more than declared
  bool stopped = false;             // the sink wants no more

  // Hands out what was produced; false when reading must stop.
  bool
  deliver(const char* p, std::size_t n)
  {
    total += n;
    if (total > e.size) {
      failed = EntryError{EntryError::Kind::larger, {}};
      return false;
    }
    crc = libdeflate_crc32(crc, p, n); // zlib's CRC-32, faster
    if (!sink(std::string_view(p, n))) {
      stopped = true;
      return false;
    }
    return true;
  }

  // What may still come: the declared rest, and one byte more to know that
  // there is more (saturated: a declared 2⁶⁴-1 must not wrap to nothing).
  std::uint64_t
  room() const
  {
    const std::uint64_t rest = e.size - total;
    return rest == UINT64_MAX ? rest : rest + 1;
  }
};

// A stored entry's bytes from pos on. An error only for the file itself;
// a stop at delivery shows in d.
std::optional<EntryError>
read_stored(ZipReader::State& s,
            std::uint64_t pos,
            std::uint64_t left,
            std::span<char> buf,
            Delivery& d)
{
  while (left > 0) {
    const auto n = static_cast<std::size_t>(
      std::min<std::uint64_t>({buf.size(), left, d.room()}));
    if (!s.pread_full(buf.data(), n, pos)) {
      return format_error("zip: unexpected EOF");
    }
    pos += n;
    left -= n;
    if (!d.deliver(buf.data(), n)) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Entries up to this size, compressed and not, are inflated in one piece by
// libdeflate: a module is mostly small source files, and libdeflate inflates
// them in half zlib's time (hashing a zip is most of a cold miss's CPU).
// Larger ones stream through zlib, so memory stays bounded.
constexpr std::uint64_t k_whole_max = 1 << 20;

// A small deflated entry at pos, in one piece through libdeflate; errors as
// read_stored's.
std::optional<EntryError>
read_deflated_whole(ZipReader::State& s,
                    std::uint64_t pos,
                    std::uint64_t left,
                    Delivery& d)
{
  s.whole_in.resize(static_cast<std::size_t>(left));
  if (!s.pread_full(s.whole_in.data(), s.whole_in.size(), pos)) {
    return format_error("zip: unexpected EOF");
  }
  // One byte more than declared, to tell "larger" from "exactly".
  s.whole_out.resize(static_cast<std::size_t>(d.e.size) + 1);
  std::size_t produced = 0;
  const auto rc = libdeflate_deflate_decompress(s.deflater,
                                                s.whole_in.data(),
                                                s.whole_in.size(),
                                                s.whole_out.data(),
                                                s.whole_out.size(),
                                                &produced);
  if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) {
    produced = s.whole_out.size(); // more than declared: deliver says so
  } else if (rc != LIBDEFLATE_SUCCESS) {
    // libdeflate does not tell a cut-off stream from a corrupt one.
    return format_error("zip: flate: corrupt or truncated input");
  }
  if (produced > 0) {
    d.deliver(s.whole_out.data(), produced);
  }
  return std::nullopt;
}

// A deflated entry's bytes from pos on, through the reader's one zlib
// stream; errors as read_stored's.
std::optional<EntryError>
read_deflated(ZipReader::State& s,
              std::uint64_t pos,
              std::uint64_t left,
              std::span<char> buf,
              Delivery& d)
{
  if (d.e.size <= k_whole_max && left <= k_whole_max) {
    if (s.deflater == nullptr) {
      s.deflater = libdeflate_alloc_decompressor();
    }
    if (s.deflater != nullptr) {
      return read_deflated_whole(s, pos, left, d);
    }
  }
  if (!s.zs_ready) {
    if (inflateInit2(&s.zs, -MAX_WBITS) != Z_OK) {
      return format_error("zip: cannot initialise zlib");
    }
    s.zs_ready = true;
  } else {
    inflateReset(&s.zs);
  }
  s.zs.avail_in = 0;
  for (;;) {
    if (s.zs.avail_in == 0 && left > 0) {
      const auto n =
        static_cast<std::size_t>(std::min<std::uint64_t>(s.input.size(), left));
      if (!s.pread_full(s.input.data(), n, pos)) {
        return format_error("zip: unexpected EOF");
      }
      pos += n;
      left -= n;
      s.zs.next_in = reinterpret_cast<Bytef*>(s.input.data());
      s.zs.avail_in = static_cast<uInt>(n);
    }
    const auto out =
      static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), d.room()));
    s.zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    s.zs.avail_out = static_cast<uInt>(out);
    const int rc = inflate(&s.zs, Z_NO_FLUSH);
    const std::size_t produced = out - s.zs.avail_out;
    if (produced > 0 && !d.deliver(buf.data(), produced)) {
      return std::nullopt;
    }
    if (rc == Z_STREAM_END) {
      return std::nullopt;
    }
    if (rc == Z_BUF_ERROR && s.zs.avail_in == 0 && left == 0) {
      return format_error("zip: unexpected EOF");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return format_error(format(
        "zip: flate: {}", s.zs.msg != nullptr ? s.zs.msg : "corrupt input"));
    }
  }
}

} // namespace

std::optional<EntryError>
ZipReader::read(const CentralEntry& e,
                std::span<char> buf,
                const std::function<bool(std::string_view)>& sink)
{
  State& s = *m_state;
  char local[k_local_len];
  if (!s.pread_full(local, k_local_len, e.local_offset)
      || le32(std::string_view(local, k_local_len), 0) != k_local_sig) {
    return format_error(std::string(k_not_a_zip));
  }
  const std::string_view lh(local, k_local_len);
  const std::uint64_t data =
    e.local_offset + k_local_len + le16(lh, 26) + le16(lh, 28);
  if (data > s.file_size || e.compressed_size > s.file_size - data) {
    return format_error("zip: unexpected EOF");
  }
  if (!e.supported_method()) {
    return format_error("zip: unsupported compression algorithm");
  }
  if (s.input.empty()) {
    s.input.resize(k_chunk);
  }

  Delivery d(e, sink);
  auto err = e.method == 0 ? read_stored(s, data, e.compressed_size, buf, d)
                           : read_deflated(s, data, e.compressed_size, buf, d);
  if (err) {
    return err;
  }
  if (d.failed || d.stopped) {
    return d.failed;
  }
  if (d.total < e.size) {
    return EntryError{EntryError::Kind::smaller, {}};
  }
  // As Go's checksumReader: a zero CRC in the header is not checked.
  if (e.crc32 != 0 && d.crc != e.crc32) {
    return format_error("zip: checksum error (CRC-32 mismatch)");
  }
  return std::nullopt;
}

} // namespace gpx::gomod::zip::detail
