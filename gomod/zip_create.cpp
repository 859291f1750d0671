// x/mod/zip's creating: Create and CreateFromDir, written through libzip.

#include "zip.hpp"
#include "zip_detail.hpp"
#include "zip_reader.hpp"

#include <gomod/format.hpp>
#include <gomod/modfile.hpp>
#include <gomod/path.hpp>
#include <gomod/posix.hpp>
#include <gomod/sha256.hpp>
#include <gomod/strconv.hpp>

#include <zip.h>

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

using detail::check_files_impl;
using detail::check_module;
using detail::FileCheck;
using detail::list_files_in_dir;
using detail::zip_prefix;

namespace {

// ---------------------------------------------------------------------------
// Handles.

// libzip writes the zips create makes; reading goes through ZipReader.
struct ZipDiscard
{
  void
  operator()(zip_t* p) const noexcept
  {
    zip_discard(p);
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
using ZipSourcePtr = std::unique_ptr<zip_source_t, ZipSourceFree>;

std::string
libzip_message(int code)
{
  zip_error_t ze;
  zip_error_init_with_code(&ze, code);
  std::string message = zip_error_strerror(&ze);
  zip_error_fini(&ze);
  return "zip: " + message;
}

// ---------------------------------------------------------------------------
// Writing.

// Feeds one File to libzip while it writes the archive (in zip_close), so
// no file is ever held in memory, and enforces the declared size.
struct SourceState
{
  const File* file = nullptr;
  std::unique_ptr<Reader> reader;
  std::uint64_t done = 0;
  zip_error_t error;
  std::string message; // ours, richer than libzip's code

  explicit SourceState(const File* f)
    : file(f)
  {
    zip_error_init(&error);
  }
  ~SourceState()
  {
    zip_error_fini(&error);
  }
  SourceState(const SourceState&) = delete;
  SourceState& operator=(const SourceState&) = delete;

  zip_int64_t
  fail(int code, std::string msg)
  {
    message = std::move(msg);
    zip_error_set(&error, code, 0);
    return -1;
  }
};

zip_int64_t
source_callback(void* userdata,
                void* data,
                zip_uint64_t len,
                zip_source_cmd_t cmd)
{
  auto* s = static_cast<SourceState*>(userdata);
  switch (cmd) {
  case ZIP_SOURCE_OPEN: {
    if (!s->file->open) {
      return s->fail(ZIP_ER_OPEN, format("{}: no content", s->file->path));
    }
    auto r = s->file->open();
    if (!r) {
      return s->fail(ZIP_ER_OPEN, r.error().message);
    }
    s->reader = std::move(*r);
    s->done = 0;
    return 0;
  }
  case ZIP_SOURCE_READ: {
    auto n = s->reader->read(std::span<char>(static_cast<char*>(data), len));
    if (!n) {
      return s->fail(ZIP_ER_READ, n.error().message);
    }
    s->done += *n;
    if (s->done > s->file->size) {
      return s->fail(ZIP_ER_INCONS,
                     format("file {} is larger than declared size",
                            strconv::quote(s->file->path)));
    }
    return static_cast<zip_int64_t>(*n);
  }
  case ZIP_SOURCE_CLOSE:
    s->reader.reset();
    return 0;
  case ZIP_SOURCE_STAT: {
    auto* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &s->error);
    if (st == nullptr) {
      return -1;
    }
    // The declared size, so that libzip needs no ZIP64 extra field for an
    // unknown size; CRC and compressed size it computes as it reads. Longer
    // content fails in READ; shorter content is written as it is (x/mod
    // doesn't object either) and libzip records the real size.
    zip_stat_init(st);
    st->size = s->file->size;
    st->valid |= ZIP_STAT_SIZE;
    return sizeof(*st);
  }
  case ZIP_SOURCE_ERROR:
    return zip_error_to_data(&s->error, data, len);
  case ZIP_SOURCE_FREE:
    return 0; // the state belongs to create_zip
  case ZIP_SOURCE_SUPPORTS:
    return ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_OPEN)
           | ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_READ)
           | ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_CLOSE)
           | ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_STAT)
           | ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_ERROR)
           | ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_FREE)
           | ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_SUPPORTS);
  default:
    zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
    return -1;
  }
}

Status
fsync_path(const fs::path& p, int flags)
{
  Fd fd(::open(p.c_str(), flags | O_CLOEXEC));
  if (!fd) {
    return io_error("open", p, errno);
  }
  if (::fsync(fd.get()) != 0) {
    return io_error("fsync", p, errno);
  }
  return {};
}

// Removes a temporary file unless it was renamed into place.
class TempFileGuard
{
public:
  explicit TempFileGuard(fs::path p)
    : m_path(std::move(p))
  {
  }
  ~TempFileGuard()
  {
    if (!m_path.empty()) {
      ::unlink(m_path.c_str());
    }
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void
  dismiss()
  {
    m_path.clear();
  }

private:
  fs::path m_path;
};

// Writes the zip of files (already checked) to out: into a temporary beside
// out, fsynced, then renamed, so readers see no zip or the whole zip.
Status
write_zip(const fs::path& out,
          const std::string& prefix,
          const std::vector<const File*>& files)
{
  fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::string tmpl = (dir / (out.filename().string() + ".tmp-XXXXXX")).string();
  Fd tmp_fd(::mkstemp(tmpl.data()));
  if (!tmp_fd) {
    return io_error("create", tmpl, errno);
  }
  fs::path tmp = tmpl;
  TempFileGuard guard(tmp);
  // libzip copies the mode of the file it replaces; mkstemp's 0600 would be
  // too strict for a file others serve.
  if (::fchmod(tmp_fd.get(), 0644) != 0) {
    return io_error("chmod", tmp, errno);
  }

  if (files.empty()) {
    // libzip deletes an archive with no entries; the empty module is a zip
    // with only its end-of-central-directory record.
    static constexpr char k_empty_zip[22] = {'P', 'K', 5, 6};
    if (::write(tmp_fd.get(), k_empty_zip, sizeof k_empty_zip)
        != sizeof k_empty_zip) {
      return io_error("write", tmp, errno);
    }
    if (tmp_fd.close() != 0) {
      return io_error("close", tmp, errno);
    }
  } else {
    tmp_fd.reset();
    // Declared before the archive so that they outlive its sources.
    std::vector<std::unique_ptr<SourceState>> states;
    int code = 0;
    ZipPtr za(zip_open(tmp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
    if (!za) {
      return Error::io(format("{}: {}", tmp.string(), libzip_message(code)));
    }
    for (const File* f : files) {
      states.push_back(std::make_unique<SourceState>(f));
      ZipSourcePtr src(
        zip_source_function(za.get(), source_callback, states.back().get()));
      if (!src) {
        return Error::internal(format("zip: {}", zip_strerror(za.get())));
      }
      std::string name = prefix + f->path;
      zip_int64_t idx =
        zip_file_add(za.get(), name.c_str(), src.get(), ZIP_FL_ENC_UTF_8);
      if (idx < 0) {
        return Error::internal(
          format("zip: {}: {}", name, zip_strerror(za.get())));
      }
      src.release(); // the archive owns it now
      auto i = static_cast<zip_uint64_t>(idx);
      // Deflate at zlib's default level, as Go writes (libzip's own default
      // is the slow level 9); a fixed time (1980-01-01) so that the same
      // files give the same bytes.
      if (zip_set_file_compression(za.get(), i, ZIP_CM_DEFLATE, 6) != 0
          || zip_file_set_dostime(za.get(), i, 0, 0x21, 0) != 0) {
        return Error::internal(
          format("zip: {}: {}", name, zip_strerror(za.get())));
      }
    }
    if (zip_close(za.get()) != 0) {
      for (const auto& s : states) {
        if (!s->message.empty()) {
          return Error::invalid(s->message);
        }
      }
      return Error::io(format("zip: {}", zip_strerror(za.get())));
    }
    za.release(); // zip_close freed it
  }

  GPX_TRY(fsync_path(tmp, O_RDONLY));
  if (::rename(tmp.c_str(), out.c_str()) != 0) {
    return io_error("rename", out, errno);
  }
  guard.dismiss();
  return fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

Status
create_impl(const fs::path& out,
            const Version& m,
            const std::vector<File>& files)
{
  GPX_TRY(check_module(m));
  FileCheck checked = check_files_impl(files);
  GPX_TRY(checked.cf.err());
  return write_zip(out, zip_prefix(m), checked.valid_files);
}

} // namespace

Status
create(const fs::path& out, const Version& m, const std::vector<File>& files)
{
  if (auto ok = create_impl(out, m, files); !ok) {
    return ok.error().wrap("create zip");
  }
  return {};
}

Status
create_from_dir(const fs::path& out, const Version& m, const fs::path& dir)
{
  auto listing = list_files_in_dir(dir);
  if (!listing) {
    return listing.error().wrap("create zip from directory " + dir.string());
  }
  if (auto ok = create_impl(out, m, listing->files); !ok) {
    return ok.error().wrap("create zip " + dir.string());
  }
  return {};
}

} // namespace gpx::gomod::zip
