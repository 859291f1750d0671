// The h1: hash of golang.org/x/mod/sumdb/dirhash (hash.go), over OpenSSL.

#include "dirhash.hpp"

#include "zip_reader.hpp"

#include <gomod/format.hpp>
#include <gomod/path.hpp>
#include <gomod/posix.hpp>
#include <gomod/sha256.hpp>

#include <openssl/evp.h>
#include <zip.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <unordered_map>

namespace fs = std::filesystem;

namespace gpx::gomod::dirhash {

namespace {

using zip::detail::k_chunk;

Result<std::string>
sha256_file_hex(const fs::path& p)
{
  // Opened like os.Open: a symlink is followed, a directory fails at read.
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return io_error("open", p, errno);
  }
  Sha256 h;
  std::vector<char> buf(k_chunk);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return io_error("read", p, errno);
    }
    if (n == 0) {
      return h.hex_digest();
    }
    h.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
}

// DirFiles' walk: every non-directory below dir (links included, as
// filepath.Walk reports them), as (slash path relative to dir, path on disk).
Status
list_files(const fs::path& abs,
           const std::string& rel,
           std::vector<std::pair<std::string, fs::path>>& out)
{
  std::error_code ec;
  fs::directory_iterator it(abs, ec);
  if (ec) {
    return Error::io(format("open {}: {}", abs.string(), ec.message()));
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::string child_rel = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) {
      return io_error("lstat", it->path(), errno);
    }
    if (S_ISDIR(st.st_mode)) {
      GPX_TRY(list_files(it->path(), child_rel, out));
    } else {
      out.emplace_back(std::move(child_rel), it->path());
    }
  }
  if (ec) {
    return Error::io(format("readdir {}: {}", abs.string(), ec.message()));
  }
  return {};
}

// DirFiles joins with filepath.Join, which cleans the result.
std::string
clean_join(std::string_view prefix, std::string_view rel)
{
  std::string joined(prefix);
  if (!joined.empty()) {
    joined += '/';
  }
  joined += rel;
  return path::clean(joined);
}

} // namespace

std::string
sha256_hex(std::string_view data)
{
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

Result<std::string>
hash1(std::vector<FileDigest> files)
{
  std::sort(files.begin(), files.end(), [](const FileDigest& a, const FileDigest& b) {
    return a.name < b.name;
  });
  Sha256 summary;
  for (const FileDigest& f : files) {
    // A newline in a name would let one file's line pose as two.
    if (f.name.find('\n') != std::string::npos) {
      return Error::invalid("dirhash: filenames with newlines are not supported");
    }
    summary.update(f.sha256_hex);
    summary.update("  ");
    summary.update(f.name);
    summary.update("\n");
  }
  return "h1:" + summary.base64_digest();
}

std::string
hash_go_mod(std::string_view data)
{
  // Only a newline in a name can fail, and "go.mod" has none.
  return *hash1({{"go.mod", sha256_hex(data)}});
}

Result<std::string>
hash_zip(const fs::path& zip_file)
{
  int code = 0;
  zip::detail::ZipPtr za(zip_open(zip_file.c_str(), ZIP_RDONLY, &code));
  if (!za) {
    const bool io = code == ZIP_ER_OPEN || code == ZIP_ER_READ;
    return make_error(io ? Error::Code::io : Error::Code::invalid,
                      zip::detail::libzip_message(code));
  }
  // Every entry counts, directories too, as in HashZip. A name that occurs
  // twice is listed twice but hashed from its last entry, as Go's map of
  // names does.
  zip_int64_t count = zip_get_num_entries(za.get(), 0);
  std::unordered_map<std::string, zip_uint64_t> last;
  std::vector<std::string> names;
  for (zip_int64_t i = 0; i < count; ++i) {
    // Raw bytes: the hash is over the names Go reads, not libzip's UTF-8.
    const char* name = zip_get_name(za.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (name == nullptr) {
      return Error::invalid(format("zip: {}", zip_strerror(za.get())));
    }
    names.emplace_back(name);
    last[names.back()] = static_cast<zip_uint64_t>(i);
  }
  // Fail before reading anything when hash1 would refuse the list anyway.
  for (const std::string& name : names) {
    if (name.find('\n') != std::string::npos) {
      return Error::invalid("dirhash: filenames with newlines are not supported");
    }
  }

  std::vector<FileDigest> files;
  files.reserve(names.size());
  std::vector<char> buf(k_chunk);
  for (std::string& name : names) {
    zip_uint64_t index = last[name];
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
      return Error::invalid(format("zip: {}: {}", name, zip_strerror(za.get())));
    }
    Sha256 h;
    const auto failed =
      zip::detail::read_entry(za.get(), index, st.size, buf, [&](std::string_view chunk) {
        h.update(chunk);
        return true;
      });
    if (failed) {
      switch (failed->kind) {
      case zip::detail::EntryError::Kind::libzip:
        return Error::invalid(format("zip: {}: {}", name, failed->message));
      case zip::detail::EntryError::Kind::larger:
        return Error::invalid(format("zip: {}: uncompressed size is larger than declared size ({} bytes)",
                                     name,
                                     st.size));
      case zip::detail::EntryError::Kind::smaller:
        return Error::invalid(format("zip: {}: uncompressed size is smaller than declared size ({} bytes)",
                                     name,
                                     st.size));
      }
    }
    files.push_back({std::move(name), h.hex_digest()});
  }
  return hash1(std::move(files));
}

Result<std::string>
hash_dir(const fs::path& dir, std::string_view prefix)
{
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) {
    return io_error("lstat", dir, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error::invalid(format("{} is not a directory", dir.string()));
  }
  std::vector<std::pair<std::string, fs::path>> found;
  GPX_TRY(list_files(dir, "", found));
  std::vector<FileDigest> files;
  files.reserve(found.size());
  for (auto& [rel, abs] : found) {
    std::string name = clean_join(prefix, rel);
    if (name.find('\n') != std::string::npos) {
      return Error::invalid("dirhash: filenames with newlines are not supported");
    }
    auto digest = sha256_file_hex(abs);
    if (!digest) {
      return digest.error();
    }
    files.push_back({std::move(name), std::move(*digest)});
  }
  return hash1(std::move(files));
}

} // namespace gpx::gomod::dirhash
