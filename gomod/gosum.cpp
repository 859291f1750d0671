#include "gosum.hpp"

#include <gomod/format.hpp>
#include <gomod/strconv.hpp>

namespace gpx::gomod {

namespace {

// The hash of a tree holding only an empty go.mod. Old go commands wrote it
// for non-modules; the go command drops such lines, and so do we.
constexpr std::string_view k_empty_go_mod_hash =
  "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=";

bool
is_base64_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// "h1:" and the standard base64 of 32 bytes: 43 characters and one '='.
bool
is_h1_hash(std::string_view h)
{
  constexpr std::string_view k_prefix = "h1:";
  if (!h.starts_with(k_prefix)) {
    return false;
  }
  h.remove_prefix(k_prefix.size());
  if (h.size() != 44 || h.back() != '=') {
    return false;
  }
  h.remove_suffix(1);
  for (char c : h) {
    if (!is_base64_char(c)) {
      return false;
    }
  }
  return true;
}

} // namespace

const GoSumEntry*
GoSum::find(std::string_view path, std::string_view version) const
{
  std::string key;
  key.reserve(path.size() + 1 + version.size());
  key.append(path).append("@").append(version);
  const auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

Result<GoSum>
parse_go_sum(std::string_view file, std::string_view data)
{
  constexpr std::string_view k_go_mod_suffix = "/go.mod";
  GoSum sum;
  // Where each hash was first seen, to name both lines of a conflict.
  std::map<std::string, int, std::less<>> first_line;
  int lineno = 0;
  while (!data.empty()) {
    ++lineno;
    std::string_view line = data;
    if (const auto nl = data.find('\n'); nl != std::string_view::npos) {
      line = data.substr(0, nl);
      data.remove_prefix(nl + 1);
    } else {
      data = {};
    }
    const auto f = strconv::fields(line);
    if (f.empty()) {
      continue;
    }
    auto fail = [&](std::string_view why) {
      return Error::invalid(format("{}:{}: {}", file, lineno, why));
    };
    if (f.size() != 3) {
      return fail(format("wrong number of fields {}", f.size()));
    }
    const std::string_view hash = f[2];
    if (hash == k_empty_go_mod_hash) {
      continue;
    }
    std::string_view version = f[1];
    const bool go_mod = version.ends_with(k_go_mod_suffix);
    if (go_mod) {
      version.remove_suffix(k_go_mod_suffix.size());
    }
    if (version.empty()) {
      return fail("missing version");
    }
    const auto colon = hash.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail(format("malformed hash {}", strconv::quote(hash)));
    }
    if (hash.substr(0, colon) != "h1") {
      continue;
    }
    if (!is_h1_hash(hash)) {
      return fail(format("malformed h1 hash {}", strconv::quote(hash)));
    }
    std::string key = format("{}@{}", f[0], version);
    GoSumEntry& entry = sum.entries[key];
    std::string& slot = go_mod ? entry.go_mod_hash : entry.zip_hash;
    const std::string what = go_mod ? key + "/go.mod" : key;
    if (slot.empty()) {
      slot = std::string(hash);
      first_line[what] = lineno;
    } else if (slot != hash) {
      return fail(format("conflicting hashes for {}: {} here, {} on line {}",
                         what,
                         hash,
                         slot,
                         first_line[what]));
    }
  }
  return sum;
}

} // namespace gpx::gomod
