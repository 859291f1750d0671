#pragma once

// Reading a zip with memory that does not grow with its number of entries,
// shared by zip.cpp (check_zip, unzip) and dirhash.cpp (hash_zip). Internal
// to gomod.
//
// libzip reads the whole central directory into memory on open (about
// 350 bytes an entry, plus a hash table of names): a module zip of 135,000
// files cost the agent 50 MB before a single rule was checked. This reader
// walks the central directory record by record through a fixed window, as
// Go's archive/zip parses it (reader.go: the end record, zip64, one header at
// a time), and reads an entry's content as Go's checksumReader does: exactly
// the declared size, then the CRC.

#include <gomod/result.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::zip::detail {

// 64 KiB: large enough that syscalls don't dominate, small enough that the
// largest allowed module never sits in memory.
constexpr std::size_t k_chunk = 64 * 1024;

// What archive/zip says of anything that isn't a readable zip.
constexpr std::string_view k_not_a_zip = "zip: not a valid zip file";

// One central directory header.
struct CentralEntry
{
  std::uint64_t record_offset =
    0;              // of the header, to read its name again (name_at)
  std::string name; // raw bytes, as the go command sees them
  std::uint16_t flags = 0;
  std::uint16_t method = 0;
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0; // declared, uncompressed
  std::uint64_t local_offset = 0;

  // Go's archive/zip reads store and deflate only.
  bool
  supported_method() const
  {
    return method == 0 || method == 8;
  }
  bool
  encrypted() const
  {
    return (flags & 0x1) != 0;
  }
};

// Why read failed; each caller words its own message from it.
struct EntryError
{
  enum class Kind {
    format,  // not readable: message says why ("zip: …")
    larger,  // more data than the declared size
    smaller, // less data than the declared size
  } kind;
  std::string message;
};

class ZipReader
{
public:
  // Opens file and reads its end records. Errors: io for a file that cannot
  // be read, invalid ("zip: not a valid zip file") for one that is no zip.
  static Result<ZipReader> open(const std::filesystem::path& file);
  ZipReader(ZipReader&&) noexcept;
  ZipReader& operator=(ZipReader&&) noexcept;
  ~ZipReader();

  // Entries the end record announces.
  std::uint64_t count() const;

  // The next central directory header into e (its name's storage is
  // reused); false after the last one. A malformed header is an error.
  Result<bool> next(CentralEntry& e);

  // Calls f with each remaining central directory header in turn (on a
  // fresh reader: all of them); stops at the first error, f's or the
  // directory's.
  Status each(const std::function<Status(const CentralEntry&)>& f);

  // The name in the header at record_offset (for messages about an entry
  // met earlier).
  Result<std::string> name_at(std::uint64_t record_offset);

  // Streams e's content through buf into sink, requiring exactly e.size
  // bytes and a matching CRC. A byte past the declared size is enough to
  // know it is larger. A sink returning false stops the read early with no
  // EntryError: the sink keeps its own error.
  std::optional<EntryError>
  read(const CentralEntry& e,
       std::span<char> buf,
       const std::function<bool(std::string_view)>& sink);

  struct State;

private:
  explicit ZipReader(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

} // namespace gpx::gomod::zip::detail
