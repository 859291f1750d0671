#pragma once

// libzip handles and the chunked entry reader shared by zip.cpp and
// dirhash.cpp (hash_zip). Internal to gomod: it exposes libzip types, so no
// public header includes it.

#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gpx::gomod::zip::detail {

struct ZipDiscard
{
  void
  operator()(zip_t* p) const noexcept
  {
    zip_discard(p);
  }
};
struct ZipFileClose
{
  void
  operator()(zip_file_t* p) const noexcept
  {
    zip_fclose(p);
  }
};
struct ZipSourceFree
{
  void
  operator()(zip_source_t* p) const noexcept
  {
    zip_source_free(p);
  }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileClose>;
using ZipSourcePtr = std::unique_ptr<zip_source_t, ZipSourceFree>;

// 64 KiB: large enough that syscalls don't dominate, small enough that the
// largest allowed module never sits in memory.
constexpr std::size_t k_chunk = 64 * 1024;

// The message for a zip_open/zip_fdopen error code: "zip: …", in Go's
// archive/zip words where it has them.
std::string libzip_message(int code);

// Why read_entry failed; each caller words its own message from it.
struct EntryError
{
  enum class Kind {
    libzip,  // libzip could not open or read the entry: message says why
    larger,  // more data than the declared size
    smaller, // less data than the declared size
  } kind;
  std::string message;
};

// Streams entry `index` of za through buf, chunk by chunk, into sink,
// requiring exactly `size` bytes (the declared uncompressed size). libzip
// checks the CRC at the end but not the size, which Go's reader (and so the
// go command) insists on; a byte past the declared size is enough to know.
// A sink returning false stops the read early with no EntryError: the sink
// keeps its own error.
std::optional<EntryError> read_entry(zip_t* za,
                                     zip_uint64_t index,
                                     std::uint64_t size,
                                     std::span<char> buf,
                                     const std::function<bool(std::string_view)>& sink);

} // namespace gpx::gomod::zip::detail
