#pragma once

// go.sum files, as cmd/go's modfetch reads them. Each line is
//   <module> <version> h1:<base64 sha256>          hash of the module zip
//   <module> <version>/go.mod h1:<base64 sha256>   hash of its go.mod alone
// (the h1 hash is dirhash.hpp's). go.sum is not part of x/mod, so this lives
// in gpx::gomod rather than in modfile.

#include <gomod/result.hpp>

#include <map>
#include <string>
#include <string_view>

namespace gpx::gomod {

// The hashes go.sum holds for one module version; "" where it has none.
struct GoSumEntry
{
  std::string zip_hash;    // "h1:…"
  std::string go_mod_hash; // "h1:…"

  bool operator==(const GoSumEntry&) const = default;
};

struct GoSum
{
  // Keyed by "path@version"; the version has no "/go.mod" suffix.
  std::map<std::string, GoSumEntry, std::less<>> entries;

  // nullptr if go.sum says nothing about path@version.
  const GoSumEntry* find(std::string_view path, std::string_view version) const;
};

// Reads a go.sum; file names it in errors ("go.sum:3: wrong number of
// fields 2"). Blank lines are skipped; so are lines with a hash algorithm
// other than h1 (the go command ignores those too, keeping room for new
// algorithms) and the empty-go.mod hash an old go command wrote by mistake.
// Unlike the go command, which only fails once a module is used, a
// malformed h1 hash or two different h1 hashes for the same entry are
// errors here.
Result<GoSum> parse_go_sum(std::string_view file, std::string_view data);

} // namespace gpx::gomod
