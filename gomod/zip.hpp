#pragma once

// Module zips: the rules of golang.org/x/mod/zip. A module zip holds files
// named "<module path>@<version>/<file>" and nothing else; the same rules are
// enforced when a zip is created from a directory and when one arrives from
// an upstream.

#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gpx::gomod::zip {

inline constexpr std::uint64_t k_max_zip_file = 500u << 20;  // whole zip, uncompressed
inline constexpr std::uint64_t k_max_go_mod = 16u << 20;     // go.mod
inline constexpr std::uint64_t k_max_license = 16u << 20;    // LICENSE

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
  // Set when the zip as a whole is bad (size, unreadable, wrong prefix …).
  std::string size_error;

  // Ok when nothing is invalid and there is no size error; otherwise an
  // error like x/mod's CheckedFiles.Err.
  Status err() const;
};

// CheckDir: what create_from_dir would put in the zip, and why not the rest.
Result<CheckedFiles> check_dir(const std::filesystem::path& dir);

// CheckZip: the rules applied to an existing zip, streaming (no whole-file read).
Result<CheckedFiles> check_zip(const Version& m, const std::filesystem::path& zip_file);

// CreateFromDir: writes the module zip for m from dir to out (atomic: a
// temporary beside out, renamed into place). Fails on any invalid file.
Status create_from_dir(const std::filesystem::path& out,
                       const Version& m,
                       const std::filesystem::path& dir);

// Unzip: extracts a checked zip into dir (which must be empty or absent).
Status unzip(const std::filesystem::path& dir,
             const Version& m,
             const std::filesystem::path& zip_file);

} // namespace gpx::gomod::zip
