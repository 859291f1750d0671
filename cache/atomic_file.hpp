#pragma once

// Files that appear whole or not at all. gpx serves bytes that the go
// command checks against go.sum, so unlike ccache's AtomicFile (where a lost
// entry is just a miss) we fsync the file and its directory: after a power
// cut a reader sees the old file or all of the new one, never a prefix.

#include <gomod/posix.hpp>
#include <gomod/result.hpp>

#include <filesystem>
#include <optional>
#include <string_view>

namespace gpx::cache {

// Streams data into a temporary file in tmp_dir (which must be on the same
// filesystem as the destination, so that rename(2) is atomic); commit()
// fsyncs, renames into place and fsyncs the directory. Destroyed without
// commit(), the temporary is removed.
class AtomicFile
{
public:
  static Result<AtomicFile> create(const std::filesystem::path& tmp_dir);
  ~AtomicFile();
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status write(std::string_view data);
  // Creates dest's parent directories as needed. The file gets mode, or
  // else the mode of the file it replaces, or else 0666 less the umask
  // (mkstemp's 0600 would make every cached file private by accident, and
  // a fixed 0644 once made a 0600 config with a password world-readable).
  Status commit(const std::filesystem::path& dest,
                std::optional<unsigned> mode = std::nullopt);

  const std::filesystem::path&
  tmp_path() const
  {
    return m_tmp_path;
  }
  int
  fd() const
  {
    return m_fd.get();
  }

private:
  AtomicFile(gomod::Fd fd, std::filesystem::path tmp_path);

  gomod::Fd m_fd;
  std::filesystem::path m_tmp_path;
  bool m_done = false;
};

// Writes data to dest atomically, with the temporary in dest's directory.
Status write_file_atomic(const std::filesystem::path& dest,
                         std::string_view data);

// Writes data atomically with the given mode (a file that may hold a
// credential: 0600).
Status write_file_atomic(const std::filesystem::path& dest,
                         std::string_view data,
                         unsigned mode);

// The same at 0600, with dest's directory made private (make_private_dir):
// for gpx's own config and state files, never for a shared directory.
Status write_private_file(const std::filesystem::path& dest,
                          std::string_view data);

// Creates dir (and its parents) if missing and gives it mode 0700: gpx's own
// config and state directories, which hold credentials and tokens.
Status make_private_dir(const std::filesystem::path& dir);

// fsync of a directory, so that a rename or unlink in it survives a crash.
Status fsync_dir(const std::filesystem::path& dir);

// The whole content of a small file (a go.mod, a lookup), read at once.
Result<std::string> read_small_file(const std::filesystem::path& p);

} // namespace gpx::cache
