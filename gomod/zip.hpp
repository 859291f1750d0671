#pragma once

// Module zips: the rules of golang.org/x/mod/zip. A module zip holds files
// named "<module path>@<version>/<file>" and nothing else; the same rules are
// enforced when a zip is created from a directory and when one arrives from
// an upstream, so that whatever gpx stores, the go command can extract.

#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::zip {

inline constexpr std::uint64_t k_max_zip_file =
  500u << 20; // whole zip, uncompressed
inline constexpr std::uint64_t k_max_go_mod = 16u << 20;  // go.mod
inline constexpr std::uint64_t k_max_license = 16u << 20; // LICENSE

// A file the rules said something about, with the reason (x/mod's FileError).
struct FileError
{
  std::string path;  // relative to the module root
  std::string error; // e.g. "file is in another module"
};

// x/mod's CheckedFiles: which files of a tree or zip would go into the module
// zip, which are quietly left out, and which make it invalid.
struct CheckedFiles
{
  std::vector<std::string> valid;
  std::vector<FileError> omitted;
  std::vector<FileError> invalid;
  // Set when the zip as a whole is bad: too large, compressed or not.
  std::string size_error;

  // Ok when nothing is invalid and there is no size error. Otherwise the
  // size error alone, or one "path: reason" line per invalid file (x/mod's
  // CheckedFiles.Err and FileErrorList).
  Status err() const;
};

// What Lstat says a file is; only regular files go into a zip.
enum class FileType { regular, directory, symlink, other };

// Pull-style access to one file's bytes (x/mod's io.ReadCloser).
class Reader
{
public:
  virtual ~Reader() = default;
  // Fills a prefix of buf; 0 means end of file.
  virtual Result<std::size_t> read(std::span<char> buf) = 0;
};

// x/mod's File: one file offered to check_files or create. The checks look
// only at path, type and size; open is called by create (and once for the
// root go.mod, whose go version decides one vendoring rule).
struct File
{
  std::string path; // slash-separated, relative to the module root
  FileType type = FileType::regular;
  std::uint64_t size = 0; // as Lstat reports it; create fails on longer content
  std::function<Result<std::unique_ptr<Reader>>()> open;
};

// strToFold: two strings map to the same key iff strings.EqualFold says they
// are equal (Unicode simple case folding, as Go 1.26 knows it). This is the
// key of the case-insensitive collision check.
std::string str_to_fold(std::string_view s);

// A regular file whose content is data, for synthesized files (a root
// LICENSE, a go.mod) and tests.
File memory_file(std::string path, std::string data);

// CheckFiles: sorts files into valid, omitted and invalid; every file lands
// in exactly one list. Opens nothing but the root go.mod.
CheckedFiles check_files(const std::vector<File>& files);

// CheckDir: what create_from_dir would put in the zip, and why not the rest;
// paths are dir joined with the relative path. An error only for I/O;
// rule violations are in the result (see CheckedFiles::err).
Result<CheckedFiles> check_dir(const std::filesystem::path& dir);

// CheckZip: the rules applied to an existing zip. Unlike x/mod it also reads
// every valid entry, in chunks, to confirm that its size matches the header
// (the size limits trust the header) and that it decompresses with the right
// CRC, so a zip that passes can be extracted by the go command. An error only
// for a bad module path or version or an unreadable zip; rule violations,
// including a zip file over the size limit, are in the result.
Result<CheckedFiles> check_zip(const Version& m,
                               const std::filesystem::path& zip_file);

// check_zip(m, zip_file)->err() for callers that want only the verdict
// (the agent on a miss, verify): no list of valid names is kept and at most
// 100 invalid files are named (the rest counted), so memory does not follow
// the zip's number of files beyond the collision check's 40-odd bytes a name.
Status check_zip_err(const Version& m, const std::filesystem::path& zip_file);

// check_zip_err on the central directory alone: every rule except the
// read-through of each file's bytes, for a caller that hashes the zip next
// (dirhash::hash_zip reads every entry, checking its size and CRC). Together
// they refuse what check_zip_err refuses while inflating each file once:
// the two read-throughs were most of a cold miss's CPU.
Status check_zip_headers_err(const Version& m,
                             const std::filesystem::path& zip_file);

// The zip's h1 once it has passed check_zip_err's rules, each file read
// once: check_zip_headers_err, then dirhash::hash_zip. What a zip from
// elsewhere (a miss, an import) goes through before it is cached.
Result<std::string> checked_h1(const Version& m,
                               const std::filesystem::path& zip_file);

// Create: writes the module zip for m holding the valid files to out (atomic:
// a temporary beside out, fsynced, renamed into place). Fails on any invalid
// file or on content longer than a file's declared size.
Status create(const std::filesystem::path& out,
              const Version& m,
              const std::vector<File>& files);

// CreateFromDir: create over the files of dir, as check_dir lists them.
Status create_from_dir(const std::filesystem::path& out,
                       const Version& m,
                       const std::filesystem::path& dir);

// Unzip: checks the zip (as check_zip, without its content pass) and
// extracts it into dir, which must be empty or absent. Files are created
// read-only. A file whose content does not match its declared size stops the
// extraction, possibly after other files were written.
Status unzip(const std::filesystem::path& dir,
             const Version& m,
             const std::filesystem::path& zip_file);

} // namespace gpx::gomod::zip
