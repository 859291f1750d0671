// x/mod/zip's Unzip: a zip checked in full, then extracted read-only.

#include "zip.hpp"

#include "zip_detail.hpp"
#include "zip_reader.hpp"

#include <gomod/format.hpp>
#include <gomod/modfile.hpp>
#include <gomod/path.hpp>
#include <gomod/posix.hpp>
#include <gomod/sha256.hpp>
#include <gomod/strconv.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace fs = std::filesystem;

namespace gpx::gomod::zip {

using detail::ZipCheck;

using detail::check_zip_file;
using detail::k_chunk;
using detail::verdict;
using detail::zip_prefix;

namespace {

Status
unzip_impl(const fs::path& dir, const Version& m, const fs::path& zip_file)
{
  std::error_code ec;
  // Checked before the zip is read, but created only after it passed.
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec)) {
    return Error::invalid(
      format("target directory {} exists and is not empty", dir.string()));
  }
  auto checked = check_zip_file(m, zip_file, false, false);
  if (!checked) {
    return checked.error();
  }
  GPX_TRY(verdict(*checked));

  fs::create_directories(dir, ec);
  if (ec) {
    return Error::io(format("mkdir {}: {}", dir.string(), ec.message()));
  }
  // A second walk of the central directory, from the start.
  auto reader = detail::ZipReader::open(zip_file);
  if (!reader) {
    return reader.error();
  }
  const std::string prefix = zip_prefix(m);
  std::vector<char> buf(k_chunk);
  return reader->each([&](const detail::CentralEntry& entry) -> Status {
    const detail::CentralEntry* e = &entry;
    std::string_view name = std::string_view(e->name).substr(prefix.size());
    if (name.empty() || name.ends_with('/')) {
      return {};
    }
    fs::path dst = dir / fs::path(std::string(name));
    fs::create_directories(dst.parent_path(), ec);
    if (ec) {
      return Error::io(
        format("mkdir {}: {}", dst.parent_path().string(), ec.message()));
    }
    // Read-only, and never over an existing file: the module cache is
    // immutable and the check above already refused duplicates.
    Fd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (!out) {
      return io_error("open", dst, errno);
    }
    Status written;
    const auto failed = reader->read(*e, buf, [&](std::string_view chunk) {
      written = write_all(out.get(), chunk, "write", dst);
      return bool(written);
    });
    GPX_TRY(written);
    if (failed) {
      switch (failed->kind) {
      case detail::EntryError::Kind::format:
        return Error::invalid(format("{}: {}", e->name, failed->message));
      case detail::EntryError::Kind::larger:
        return Error::invalid(
          format("uncompressed size of file {} is larger than declared size "
                 "({} bytes)",
                 e->name,
                 e->size));
      case detail::EntryError::Kind::smaller:
        return Error::invalid(
          format("uncompressed size of file {} is smaller than declared size "
                 "({} bytes)",
                 e->name,
                 e->size));
      }
    }
    if (out.close() != 0) {
      return io_error("close", dst, errno);
    }
    return {};
  });
}

} // namespace

Status
unzip(const fs::path& dir, const Version& m, const fs::path& zip_file)
{
  if (auto ok = unzip_impl(dir, m, zip_file); !ok) {
    return ok.error().wrap("unzip " + zip_file.string());
  }
  return {};
}

} // namespace gpx::gomod::zip
