#pragma once

// The h1: hash of golang.org/x/mod/sumdb/dirhash (Hash1):
//   sha256sum of every file, as lines "<hex>  <name>\n" over the sorted names,
//   then sha256 of those lines, base64 (standard, padded), prefixed "h1:".
// In shell terms: sha256sum $(find . -type f | sort) | sha256sum.

#include <gomod/result.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::dirhash {

// One file to hash: its name (as it will appear in the summary) and its
// sha256 as lowercase hex.
struct FileDigest
{
  std::string name;
  std::string sha256_hex;
};

// Hash1 over already-digested files (sorted here). A name containing a
// newline is an error, as in Go.
Result<std::string> hash1(std::vector<FileDigest> files);

// HashZip: h1: of a module zip, reading entries one at a time so memory stays
// bounded whatever the zip's size.
Result<std::string> hash_zip(const std::filesystem::path& zip_file);

// HashGoMod: h1: of a go.mod alone, hashed under the name "go.mod".
std::string hash_go_mod(std::string_view data);

// HashDir: h1: of a directory tree, names prefixed with "prefix/".
Result<std::string> hash_dir(const std::filesystem::path& dir,
                             std::string_view prefix);

// Lowercase hex sha256 of bytes; a small helper shared with the cache.
std::string sha256_hex(std::string_view data);

} // namespace gpx::gomod::dirhash
