#pragma once

// What zip.cpp, zip_check.cpp, zip_create.cpp and zip_unzip.cpp share.
// Internal to gomod.

#include <gomod/module.hpp>
#include <gomod/result.hpp>
#include <gomod/zip.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::zip::detail {

// Reads a whole file through its Reader, giving up (nullopt) past limit.
Result<std::optional<std::string>> read_limited(const File& f,
                                                std::uint64_t limit);

// isVendoredPackage, with the pre-1.24 bug kept for older modules (see
// zip_check.cpp).
bool is_vendored_package(std::string_view name, bool go_1_24);

// Whether a root go.mod declares go 1.24 or later, as x/mod decides it.
bool declares_go_1_24(std::string_view gomod);

struct FileCheck
{
  CheckedFiles cf;
  std::vector<const File*> valid_files; // parallel to cf.valid
};

// checkFiles: decides for each file whether it is valid, omitted or invalid.
FileCheck check_files_impl(const std::vector<File>& files);

struct DirListing
{
  std::vector<File> files;
  std::vector<FileError> omitted;
};

// listFilesInDir: a module directory's files, the directory-level rules
// applied (see zip.cpp).
Result<DirListing> list_files_in_dir(const std::filesystem::path& dir);

// "path@version/", the prefix of every name in the module's zip.
std::string zip_prefix(const Version& m);

// The checks every operation starts with: a canonical version and a module
// path that agrees with it.
Status check_module(const Version& m);

struct ZipCheck
{
  CheckedFiles cf;
  std::uint64_t unlisted_invalid =
    0; // beyond those listed, when lists are not kept
};

// checkZip over the file, after the checks of m and of its size;
// verify_content reads each valid entry through; without keep_lists, valid
// names are not kept and invalid ones only up to a bound.
Result<ZipCheck> check_zip_file(const Version& m,
                                const std::filesystem::path& zip_file,
                                bool verify_content,
                                bool keep_lists);

// The verdict of a check made without lists, as CheckedFiles::err words it.
Status verdict(const ZipCheck& check);

} // namespace gpx::gomod::zip::detail
