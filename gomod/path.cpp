#include "path.hpp"

#include <gomod/strconv.hpp>

#include <vector>

namespace gpx::gomod::path {

namespace {

// ---------------------------------------------------------------------------
// path.Match's pieces.

enum class Match { no, yes, bad_pattern };

// Splits off the next chunk of pattern: a run of '*' (reported as star)
// followed by literal text, classes and '?' up to the next '*' outside a
// class.
std::string_view
scan_chunk(std::string_view& pattern, bool& star)
{
  star = false;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    star = true;
  }
  bool in_range = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    switch (pattern[i]) {
    case '\\':
      // A trailing backslash is diagnosed by match_chunk.
      if (i + 1 < pattern.size()) {
        ++i;
      }
      break;
    case '[':
      in_range = true;
      break;
    case ']':
      in_range = false;
      break;
    case '*':
      if (!in_range) {
        const std::string_view chunk = pattern.substr(0, i);
        pattern.remove_prefix(i);
        return chunk;
      }
      break;
    default:
      break;
    }
  }
  const std::string_view chunk = pattern;
  pattern = {};
  return chunk;
}

// A possibly escaped character of a character class.
bool
take_class_char(std::string_view& chunk, char32_t& r)
{
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') {
    return false;
  }
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) {
      return false;
    }
  }
  const strconv::Rune d = strconv::decode_rune(chunk);
  if (d.r == strconv::k_rune_error && d.size == 1) {
    return false;
  }
  r = d.r;
  chunk.remove_prefix(d.size);
  // A class must be closed, so it cannot end here.
  return !chunk.empty();
}

struct ChunkMatch
{
  Match match;
  std::string_view rest;
};

// Matches a star-free chunk against the start of s. After a mismatch it
// keeps walking the chunk without consuming s, so that a malformed pattern
// is reported as such whatever the input.
ChunkMatch
match_chunk(std::string_view chunk, std::string_view s)
{
  bool failed = false;
  while (!chunk.empty()) {
    failed = failed || s.empty();
    switch (chunk[0]) {
    case '[': {
      char32_t r = 0;
      if (!failed) {
        const strconv::Rune d = strconv::decode_rune(s);
        r = d.r;
        s.remove_prefix(d.size);
      }
      chunk.remove_prefix(1);
      bool negated = false;
      if (!chunk.empty() && chunk[0] == '^') {
        negated = true;
        chunk.remove_prefix(1);
      }
      bool matched = false;
      for (int ranges = 0;; ++ranges) {
        if (!chunk.empty() && chunk[0] == ']' && ranges > 0) {
          chunk.remove_prefix(1);
          break;
        }
        char32_t lo = 0;
        if (!take_class_char(chunk, lo)) {
          return {Match::bad_pattern, {}};
        }
        char32_t hi = lo;
        if (chunk[0] == '-') {
          chunk.remove_prefix(1);
          if (!take_class_char(chunk, hi)) {
            return {Match::bad_pattern, {}};
          }
        }
        matched = matched || (lo <= r && r <= hi);
      }
      failed = failed || matched == negated;
      break;
    }
    case '?':
      if (!failed) {
        failed = s[0] == '/';
        s.remove_prefix(strconv::decode_rune(s).size);
      }
      chunk.remove_prefix(1);
      break;
    case '\\':
      chunk.remove_prefix(1);
      if (chunk.empty()) {
        return {Match::bad_pattern, {}};
      }
      [[fallthrough]];
    default:
      if (!failed) {
        failed = chunk[0] != s[0];
        s.remove_prefix(1);
      }
      chunk.remove_prefix(1);
      break;
    }
  }
  if (failed) {
    return {Match::no, {}};
  }
  return {Match::yes, s};
}

// The matcher proper; Match::bad_pattern stands for Go's ErrBadPattern.
Match
match_glob(std::string_view pattern, std::string_view name)
{
  while (!pattern.empty()) {
    bool star = false;
    const std::string_view chunk = scan_chunk(pattern, star);
    if (star && chunk.empty()) {
      return name.find('/') == std::string_view::npos ? Match::yes : Match::no;
    }
    // The last chunk must consume the whole name; an earlier one may leave
    // a rest for the next star.
    const ChunkMatch here = match_chunk(chunk, name);
    if (here.match == Match::yes && (here.rest.empty() || !pattern.empty())) {
      name = here.rest;
      continue;
    }
    if (here.match == Match::bad_pattern) {
      return Match::bad_pattern;
    }
    bool advanced = false;
    if (star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        const ChunkMatch later = match_chunk(chunk, name.substr(i + 1));
        if (later.match == Match::yes) {
          if (pattern.empty() && !later.rest.empty()) {
            continue;
          }
          name = later.rest;
          advanced = true;
          break;
        }
        if (later.match == Match::bad_pattern) {
          return Match::bad_pattern;
        }
      }
    }
    if (advanced) {
      continue;
    }
    // No match; still report a malformed remainder of the pattern.
    while (!pattern.empty()) {
      const std::string_view rest_chunk = scan_chunk(pattern, star);
      if (match_chunk(rest_chunk, {}).match == Match::bad_pattern) {
        return Match::bad_pattern;
      }
    }
    return Match::no;
  }
  return name.empty() ? Match::yes : Match::no;
}

} // namespace

std::string
clean(std::string_view p)
{
  if (p.empty()) {
    return ".";
  }
  const bool rooted = p.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < p.size()) {
    std::size_t j = p.find('/', i);
    if (j == std::string_view::npos) {
      j = p.size();
    }
    std::string_view elem = p.substr(i, j - i);
    i = j + 1;
    if (elem.empty() || elem == ".") {
      continue;
    }
    if (elem == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(elem);
      }
      continue;
    }
    parts.push_back(elem);
  }
  std::string out = rooted ? "/" : "";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) {
      out += '/';
    }
    out.append(parts[k]);
  }
  return out.empty() ? "." : out;
}

std::pair<std::string_view, std::string_view>
split(std::string_view p)
{
  const std::size_t i = p.rfind('/');
  if (i == std::string_view::npos) {
    return {std::string_view(), p};
  }
  return {p.substr(0, i + 1), p.substr(i + 1)};
}

std::string
join(std::span<const std::string_view> elems)
{
  std::string joined;
  bool any = false;
  for (const std::string_view e : elems) {
    if (e.empty()) {
      continue;
    }
    if (any) {
      joined += '/';
    }
    joined.append(e);
    any = true;
  }
  return any ? clean(joined) : std::string();
}

std::string
join(std::string_view a, std::string_view b)
{
  const std::string_view elems[] = {a, b};
  return join(elems);
}

std::string
dir(std::string_view p)
{
  return clean(split(p).first);
}

std::string_view
base(std::string_view p)
{
  if (p.empty()) {
    return ".";
  }
  while (!p.empty() && p.back() == '/') {
    p.remove_suffix(1);
  }
  p = split(p).second;
  return p.empty() ? std::string_view("/") : p;
}

std::string_view
ext(std::string_view p)
{
  for (std::size_t i = p.size(); i > 0 && p[i - 1] != '/'; --i) {
    if (p[i - 1] == '.') {
      return p.substr(i - 1);
    }
  }
  return {};
}

bool
is_abs(std::string_view p)
{
  return p.starts_with('/');
}

Result<bool>
match(std::string_view pattern, std::string_view name)
{
  switch (match_glob(pattern, name)) {
  case Match::yes:
    return true;
  case Match::no:
    return false;
  case Match::bad_pattern:
    break;
  }
  return Error::invalid("syntax error in pattern");
}

bool
has_path_prefix(std::string_view s, std::string_view prefix)
{
  if (!s.starts_with(prefix)) {
    return false;
  }
  return s.size() == prefix.size() || prefix.empty() || prefix.back() == '/'
         || s[prefix.size()] == '/';
}

} // namespace gpx::gomod::path
